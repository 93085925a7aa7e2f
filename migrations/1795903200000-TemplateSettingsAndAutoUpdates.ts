import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The template settings Coder added after mid-2023 (that its Terraform provider and SDK read back),
 * with Coder's defaults, and the workspace's `automatic_updates` (Coder's migration 000162).
 * `activity_bump` is in nanoseconds like the other durations; `autostart_allowed_days` is a
 * weekday bitmap (Monday = bit 0), all seven days by default.
 */
export class TemplateSettingsAndAutoUpdates1795903200000 implements MigrationInterface {
  name = 'TemplateSettingsAndAutoUpdates1795903200000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "templates"
      ADD "activity_bump" bigint NOT NULL DEFAULT '3600000000000',
      ADD "autostart_allowed_days" smallint NOT NULL DEFAULT '127',
      ADD "require_active_version" boolean NOT NULL DEFAULT false,
      ADD "deprecation_message" text NOT NULL DEFAULT '',
      ADD "max_port_share_level" text NOT NULL DEFAULT 'owner',
      ADD "cors_behavior" text NOT NULL DEFAULT 'simple',
      ADD "use_classic_parameter_flow" boolean NOT NULL DEFAULT false,
      ADD "agents_allowed" boolean NOT NULL DEFAULT true,
      ADD "disable_module_cache" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "workspaces" ADD "automatic_updates" text NOT NULL DEFAULT 'never'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "workspaces" DROP COLUMN "automatic_updates"`);
    await q.query(`ALTER TABLE "templates"
      DROP COLUMN "disable_module_cache",
      DROP COLUMN "agents_allowed",
      DROP COLUMN "use_classic_parameter_flow",
      DROP COLUMN "cors_behavior",
      DROP COLUMN "max_port_share_level",
      DROP COLUMN "deprecation_message",
      DROP COLUMN "require_active_version",
      DROP COLUMN "autostart_allowed_days",
      DROP COLUMN "activity_bump"`);
  }
}
