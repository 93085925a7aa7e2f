import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that keep list and lookup costs flat as data grows (issue 15, `npm run bench -- scale`):
 * - `users_username_trgm_idx`, `users_email_trgm_idx` (GIN, pg_trgm): `GET /users?q=<words>`
 *   matches `username ILIKE '%…%' OR email ILIKE '%…%'`, which no btree can serve; with these the
 *   count and the page read the matching users (a BitmapOr of the two) instead of every user.
 * - `provisioner_jobs_queue_idx`: a daemon's acquisition takes the oldest pending job
 *   (`started_at IS NULL AND canceled_at IS NULL ORDER BY created_at, id ... LIMIT 1`); this index
 *   is that queue in that order, so the first suitable job is found without sorting the whole queue.
 *   (`provisioner_jobs_pending_idx` leads with the provisioner, which `provisioner = ANY($2)` cannot
 *   walk in created_at order.)
 * pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it; `down` leaves it
 * installed, as other objects may use it.
 */
export class ScaleIndexes1795914000000 implements MigrationInterface {
  name = 'ScaleIndexes1795914000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS "pg_trgm"`);
    await q.query(`CREATE INDEX "users_username_trgm_idx" ON "users" USING gin ("username" gin_trgm_ops)`);
    await q.query(`CREATE INDEX "users_email_trgm_idx" ON "users" USING gin ("email" gin_trgm_ops)`);
    await q.query(
      `CREATE INDEX "provisioner_jobs_queue_idx" ON "provisioner_jobs" ("created_at", "id") WHERE "started_at" IS NULL AND "canceled_at" IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "provisioner_jobs_queue_idx"`);
    await q.query(`DROP INDEX "users_email_trgm_idx"`);
    await q.query(`DROP INDEX "users_username_trgm_idx"`);
  }
}
