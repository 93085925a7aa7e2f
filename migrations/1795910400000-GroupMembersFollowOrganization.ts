import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leaving an organization removes the user from its groups, whoever deletes the membership (the
 * members route, SCIM, a user's deletion): Coder's trigger
 * `trigger_delete_group_members_on_org_member_delete`. Rows left behind by earlier removals
 * (ex-members still listed in groups, still counted in quota allowances) are deleted once.
 */
export class GroupMembersFollowOrganization1795910400000 implements MigrationInterface {
  name = 'GroupMembersFollowOrganization1795910400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION "delete_group_members_on_org_member_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM "group_members"
         WHERE "user_id" = OLD."user_id"
           AND "group_id" IN (SELECT "id" FROM "groups" WHERE "organization_id" = OLD."organization_id");
        RETURN OLD;
      END $$`);
    await q.query(`CREATE TRIGGER "trigger_delete_group_members_on_org_member_delete" BEFORE DELETE ON "organization_members"
      FOR EACH ROW EXECUTE FUNCTION "delete_group_members_on_org_member_delete"()`);
    await q.query(`DELETE FROM "group_members" gm USING "groups" g
      WHERE g."id" = gm."group_id"
        AND NOT EXISTS (SELECT 1 FROM "organization_members" om WHERE om."organization_id" = g."organization_id" AND om."user_id" = gm."user_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    // The orphaned rows deleted by `up` are not restored: they granted nothing.
    await q.query(`DROP TRIGGER "trigger_delete_group_members_on_org_member_delete" ON "organization_members"`);
    await q.query(`DROP FUNCTION "delete_group_members_on_org_member_delete"()`);
  }
}
