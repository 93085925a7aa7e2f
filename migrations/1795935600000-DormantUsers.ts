import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: Coder's `dormant` user status (users not seen for CODER_DORMANCY_THRESHOLD). Dormant
 * users are not license seats: the ActiveUserCount triggers already count `status = 'active'`
 * only, so moving a user to or from `dormant` moves the count with no change here. Down maps
 * dormant users back to active (the triggers count them again) before narrowing the check.
 */
export class DormantUsers1795935600000 implements MigrationInterface {
  name = 'DormantUsers1795935600000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_status_check"`);
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_status_check" CHECK ("status" IN ('active', 'dormant', 'suspended'))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "users" SET "status" = 'active' WHERE "status" = 'dormant'`);
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_status_check"`);
    await q.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_status_check" CHECK ("status" IN ('active', 'suspended'))`,
    );
  }
}
