import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: fields of Coder's current shapes that need storage. `time_til_autostop_notify` is
 * Coder's column of the same name (migration 000528): nanoseconds before a workspace's autostop
 * deadline at which Coder sends a reminder, 0 = none. Stored and returned; this server sends no
 * notifications. `workspaces.favorite` is Coder's column behind PUT/DELETE
 * /workspaces/{workspace}/favorite: only the owner sets it, and only the owner sees it.
 */
export class CurrentShapes1795950000000 implements MigrationInterface {
  name = 'CurrentShapes1795950000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "templates" ADD "time_til_autostop_notify" bigint NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "workspaces" ADD "favorite" boolean NOT NULL DEFAULT false`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "favorite"`);
    await q.query(`ALTER TABLE "templates" DROP COLUMN "time_til_autostop_notify"`);
  }
}
