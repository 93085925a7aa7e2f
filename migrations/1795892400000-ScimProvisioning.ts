import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SCIM provisioning: what SCIM knows about users (`scim_users`) and groups (`scim_groups`).
 * Triggers keep a `scim_groups` row for every group and bump its `updated_at` whenever the group
 * or its membership changes, whichever API made the change, so `meta.lastModified` is true.
 */
export class ScimProvisioning1795892400000 implements MigrationInterface {
  name = 'ScimProvisioning1795892400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "scim_users" (
      "user_id" uuid NOT NULL,
      "user_name" text NOT NULL,
      "external_id" text,
      "given_name" text,
      "family_name" text,
      "formatted_name" text,
      "email_type" text,
      "deprovisioned_at" TIMESTAMP WITH TIME ZONE,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "scim_users_pkey" PRIMARY KEY ("user_id"))`);
    await q.query(`CREATE INDEX "scim_users_user_name_lower_idx" ON "scim_users" (lower("user_name"))`);
    await q.query(`CREATE INDEX "scim_users_external_id_idx" ON "scim_users" ("external_id")`);
    await q.query(`ALTER TABLE "scim_users" ADD CONSTRAINT "scim_users_user_id_fkey"
      FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);

    await q.query(`CREATE TABLE "scim_groups" (
      "group_id" uuid NOT NULL,
      "external_id" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "scim_groups_pkey" PRIMARY KEY ("group_id"))`);
    await q.query(`CREATE INDEX "scim_groups_external_id_idx" ON "scim_groups" ("external_id")`);
    await q.query(`ALTER TABLE "scim_groups" ADD CONSTRAINT "scim_groups_group_id_fkey"
      FOREIGN KEY ("group_id") REFERENCES "groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`INSERT INTO "scim_groups" ("group_id") SELECT "id" FROM "groups"`);

    await q.query(`CREATE FUNCTION "scim_groups_touch"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'groups' THEN
          IF TG_OP = 'INSERT' THEN
            INSERT INTO scim_groups (group_id) VALUES (NEW.id) ON CONFLICT (group_id) DO NOTHING;
          ELSE
            UPDATE scim_groups SET updated_at = now() WHERE group_id = NEW.id;
          END IF;
        ELSIF TG_OP = 'DELETE' THEN
          UPDATE scim_groups SET updated_at = now() WHERE group_id = OLD.group_id;
        ELSE
          UPDATE scim_groups SET updated_at = now() WHERE group_id = NEW.group_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "scim_groups_touch_on_group" AFTER INSERT OR UPDATE ON "groups"
      FOR EACH ROW EXECUTE FUNCTION "scim_groups_touch"()`);
    await q.query(`CREATE TRIGGER "scim_groups_touch_on_member" AFTER INSERT OR DELETE ON "group_members"
      FOR EACH ROW EXECUTE FUNCTION "scim_groups_touch"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "scim_groups_touch_on_member" ON "group_members"`);
    await q.query(`DROP TRIGGER "scim_groups_touch_on_group" ON "groups"`);
    await q.query(`DROP FUNCTION "scim_groups_touch"()`);
    await q.query(`DROP TABLE "scim_groups"`);
    await q.query(`DROP TABLE "scim_users"`);
  }
}
