import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: the daemon list shows each daemon's previous job (its latest completed one). Built-in
 * daemons now keep their row across restarts, so a daemon's job history grows without bound: this
 * index finds the latest completed job of a daemon without reading all of them.
 */
export class DaemonJobHistory1795928400000 implements MigrationInterface {
  name = 'DaemonJobHistory1795928400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "provisioner_jobs_worker_id_completed_at_idx" ON "provisioner_jobs" ("worker_id", "completed_at") WHERE completed_at IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "provisioner_jobs_worker_id_completed_at_idx"`);
  }
}
