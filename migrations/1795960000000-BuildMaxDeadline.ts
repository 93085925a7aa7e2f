import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A build's `max_deadline` (Coder's workspace_builds.max_deadline): the latest its deadline may
 * be, from the template's autostop requirement and the owner's quiet hours. Null = no cap (Coder
 * stores the zero time; it serialises both as null).
 */
export class BuildMaxDeadline1795960000000 implements MigrationInterface {
  name = 'BuildMaxDeadline1795960000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspace_builds" ADD COLUMN "max_deadline" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspace_builds" DROP COLUMN "max_deadline"`);
  }
}
