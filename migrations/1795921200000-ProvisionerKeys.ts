import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16: organization-scoped provisioner keys (Coder's `provisioner_keys`: the secret's sha256
 * only, names stored lower-cased so the unique index is case-insensitive), the key and API version
 * each daemon connected with (existing built-in daemons get Coder's reserved `built-in` key id, the
 * others its `user-auth` id), and on jobs whether their logs overflowed and an index for the
 * organization's job list.
 */
export class ProvisionerKeys1795921200000 implements MigrationInterface {
  name = 'ProvisionerKeys1795921200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "provisioner_keys" (
      "id" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "organization_id" uuid NOT NULL,
      "name" character varying(64) NOT NULL,
      "hashed_secret" bytea NOT NULL,
      "tags" jsonb NOT NULL DEFAULT '{}',
      CONSTRAINT "provisioner_keys_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "provisioner_keys_organization_id_name_idx" ON "provisioner_keys" ("organization_id", "name")`,
    );
    await q.query(`CREATE UNIQUE INDEX "provisioner_keys_hashed_secret_idx" ON "provisioner_keys" ("hashed_secret")`);
    await q.query(
      `ALTER TABLE "provisioner_keys" ADD CONSTRAINT "provisioner_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    await q.query(`ALTER TABLE "provisioner_daemons" ADD "key_id" uuid`);
    await q.query(
      `UPDATE "provisioner_daemons" SET "key_id" = CASE WHEN "builtin" THEN '00000000-0000-0000-0000-000000000001'::uuid ELSE '00000000-0000-0000-0000-000000000002'::uuid END`,
    );
    await q.query(`ALTER TABLE "provisioner_daemons" ALTER COLUMN "key_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "provisioner_daemons" ADD "api_version" text NOT NULL DEFAULT '1.0'`);
    await q.query(`CREATE INDEX "provisioner_daemons_key_id_idx" ON "provisioner_daemons" ("key_id")`);

    await q.query(`ALTER TABLE "provisioner_jobs" ADD "logs_overflowed" boolean NOT NULL DEFAULT false`);
    await q.query(
      `CREATE INDEX "provisioner_jobs_organization_id_created_at_idx" ON "provisioner_jobs" ("organization_id", "created_at")`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "provisioner_jobs_organization_id_created_at_idx"`);
    await q.query(`ALTER TABLE "provisioner_jobs" DROP COLUMN "logs_overflowed"`);
    await q.query(`DROP INDEX "provisioner_daemons_key_id_idx"`);
    await q.query(`ALTER TABLE "provisioner_daemons" DROP COLUMN "api_version"`);
    await q.query(`ALTER TABLE "provisioner_daemons" DROP COLUMN "key_id"`);
    await q.query(`DROP TABLE "provisioner_keys"`);
  }
}
