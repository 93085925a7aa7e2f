import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files, provisioner jobs/logs/daemons, template versions, templates, workspaces, builds and their
 * resources (Coder's columns). Template and workspace names are unique among non-deleted rows.
 */
export class Provisioning1795874949065 implements MigrationInterface {
  name = 'Provisioning1795874949065';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "files" ("id" uuid NOT NULL, "hash" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_by" uuid NOT NULL, "mimetype" character varying(64) NOT NULL, "data" bytea NOT NULL, CONSTRAINT "files_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "files_hash_created_by_key" ON "files" ("hash", "created_by")`);
    await q.query(
      `CREATE TABLE "provisioner_daemons" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "disconnected_at" TIMESTAMP WITH TIME ZONE, "name" text NOT NULL, "provisioners" text array NOT NULL, "tags" jsonb NOT NULL DEFAULT '{}', "organization_id" uuid, "builtin" boolean NOT NULL DEFAULT false, "version" text NOT NULL DEFAULT '', CONSTRAINT "provisioner_daemons_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "provisioner_jobs" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE, "canceled_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "error" text, "error_code" text, "organization_id" uuid NOT NULL, "initiator_id" uuid NOT NULL, "provisioner" text NOT NULL, "storage_method" text NOT NULL DEFAULT 'file', "type" text NOT NULL, "input" jsonb NOT NULL, "worker_id" uuid, "file_id" uuid NOT NULL, "tags" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "provisioner_jobs_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "provisioner_jobs_worker_id_idx" ON "provisioner_jobs" ("worker_id")`);
    await q.query(
      `CREATE INDEX "provisioner_jobs_pending_idx" ON "provisioner_jobs" ("provisioner", "created_at") WHERE started_at IS NULL`,
    );
    await q.query(
      `CREATE TABLE "provisioner_job_logs" ("id" BIGSERIAL NOT NULL, "job_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "source" text NOT NULL, "level" text NOT NULL, "stage" text NOT NULL DEFAULT '', "output" text NOT NULL, CONSTRAINT "provisioner_job_logs_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "provisioner_job_logs_job_id_id_idx" ON "provisioner_job_logs" ("job_id", "id")`);
    await q.query(
      `CREATE TABLE "workspace_resources" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "job_id" uuid NOT NULL, "transition" text NOT NULL, "type" text NOT NULL, "name" text NOT NULL, "hide" boolean NOT NULL DEFAULT false, "icon" text NOT NULL DEFAULT '', "instance_type" text, "daily_cost" integer NOT NULL DEFAULT '0', CONSTRAINT "workspace_resources_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "workspace_resources_job_id_idx" ON "workspace_resources" ("job_id")`);
    await q.query(
      `CREATE TABLE "templates" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "organization_id" uuid NOT NULL, "deleted" boolean NOT NULL DEFAULT false, "name" text NOT NULL, "display_name" text NOT NULL DEFAULT '', "provisioner" text NOT NULL, "active_version_id" uuid NOT NULL, "description" text NOT NULL DEFAULT '', "icon" text NOT NULL DEFAULT '', "default_ttl" bigint NOT NULL DEFAULT '0', "max_ttl" bigint NOT NULL DEFAULT '0', "created_by" uuid NOT NULL, "user_acl" jsonb NOT NULL DEFAULT '{}', "group_acl" jsonb NOT NULL DEFAULT '{}', "allow_user_cancel_workspace_jobs" boolean NOT NULL DEFAULT true, "allow_user_autostart" boolean NOT NULL DEFAULT true, "allow_user_autostop" boolean NOT NULL DEFAULT true, "failure_ttl" bigint NOT NULL DEFAULT '0', "inactivity_ttl" bigint NOT NULL DEFAULT '0', "locked_ttl" bigint NOT NULL DEFAULT '0', "restart_requirement_days_of_week" smallint NOT NULL DEFAULT '0', "restart_requirement_weeks" bigint NOT NULL DEFAULT '1', CONSTRAINT "templates_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "template_versions" ("id" uuid NOT NULL, "template_id" uuid, "organization_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "name" text NOT NULL, "message" text NOT NULL DEFAULT '', "readme" text NOT NULL DEFAULT '', "job_id" uuid NOT NULL, "created_by" uuid NOT NULL, "archived" boolean NOT NULL DEFAULT false, CONSTRAINT "template_versions_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "template_versions_template_id_idx" ON "template_versions" ("template_id")`);
    await q.query(
      `CREATE TABLE "workspaces" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "owner_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "template_id" uuid NOT NULL, "deleted" boolean NOT NULL DEFAULT false, "name" text NOT NULL, "autostart_schedule" text, "ttl" bigint, "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "workspaces_template_id_idx" ON "workspaces" ("template_id")`);
    await q.query(
      `CREATE TABLE "workspace_builds" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "workspace_id" uuid NOT NULL, "template_version_id" uuid NOT NULL, "build_number" integer NOT NULL, "transition" text NOT NULL, "initiator_id" uuid NOT NULL, "provisioner_state" bytea NOT NULL DEFAULT '\\x', "job_id" uuid NOT NULL, "deadline" TIMESTAMP WITH TIME ZONE, "reason" text NOT NULL DEFAULT 'initiator', "daily_cost" integer NOT NULL DEFAULT '0', CONSTRAINT "workspace_builds_job_id_key" UNIQUE ("job_id"), CONSTRAINT "workspace_builds_workspace_id_build_number_key" UNIQUE ("workspace_id", "build_number"), CONSTRAINT "workspace_builds_pkey" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "workspace_builds_workspace_id_idx" ON "workspace_builds" ("workspace_id")`);
    await q.query(
      `ALTER TABLE "files" ADD CONSTRAINT "files_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "provisioner_daemons" ADD CONSTRAINT "provisioner_daemons_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "provisioner_jobs" ADD CONSTRAINT "provisioner_jobs_file_id_fkey" FOREIGN KEY ("file_id") REFERENCES "files"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "provisioner_jobs" ADD CONSTRAINT "provisioner_jobs_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "provisioner_job_logs" ADD CONSTRAINT "provisioner_job_logs_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "provisioner_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspace_resources" ADD CONSTRAINT "workspace_resources_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "provisioner_jobs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "templates" ADD CONSTRAINT "templates_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "templates" ADD CONSTRAINT "templates_active_version_id_fkey" FOREIGN KEY ("active_version_id") REFERENCES "template_versions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "provisioner_jobs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspace_builds" ADD CONSTRAINT "workspace_builds_workspace_id_fkey" FOREIGN KEY ("workspace_id") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspace_builds" ADD CONSTRAINT "workspace_builds_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "provisioner_jobs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "workspace_builds" ADD CONSTRAINT "workspace_builds_template_version_id_fkey" FOREIGN KEY ("template_version_id") REFERENCES "template_versions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "templates_organization_id_name_idx" ON "templates" ("organization_id", lower("name")) WHERE "deleted" = false`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "workspaces_owner_id_name_idx" ON "workspaces" ("owner_id", lower("name")) WHERE "deleted" = false`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "workspace_builds"`);
    await q.query(`DROP TABLE "workspaces"`);
    await q.query(`ALTER TABLE "template_versions" DROP CONSTRAINT "template_versions_template_id_fkey"`);
    await q.query(`DROP TABLE "templates"`);
    await q.query(`DROP TABLE "template_versions"`);
    await q.query(`DROP TABLE "workspace_resources"`);
    await q.query(`DROP TABLE "provisioner_job_logs"`);
    await q.query(`DROP TABLE "provisioner_jobs"`);
    await q.query(`DROP TABLE "provisioner_daemons"`);
    await q.query(`DROP TABLE "files"`);
  }
}
