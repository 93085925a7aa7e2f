import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Explicit group membership (the Everyone group's members stay implicit: the organization's members). */
export class GroupMembers1795875330274 implements MigrationInterface {
  name = 'GroupMembers1795875330274';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "group_members" (
      "group_id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      CONSTRAINT "group_members_pkey" PRIMARY KEY ("group_id", "user_id"))`);
    await q.query(`CREATE INDEX "group_members_user_id_idx" ON "group_members" ("user_id")`);
    await q.query(`ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_fkey"
      FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_fkey"
      FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "group_members"`);
  }
}
