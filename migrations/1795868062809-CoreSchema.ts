import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Identity core: users, sessions/tokens, organizations, members, groups, audit log, site config. */
export class CoreSchema1795868062809 implements MigrationInterface {
  name = 'CoreSchema1795868062809';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "users" (
      "id" uuid NOT NULL,
      "email" text NOT NULL,
      "username" text NOT NULL,
      "name" text NOT NULL DEFAULT '',
      "hashed_password" text,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "status" text NOT NULL DEFAULT 'active',
      "rbac_roles" text array NOT NULL DEFAULT '{}',
      "login_type" text NOT NULL DEFAULT 'password',
      "avatar_url" text NOT NULL DEFAULT '',
      "deleted" boolean NOT NULL DEFAULT false,
      "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "quiet_hours_schedule" text NOT NULL DEFAULT '',
      CONSTRAINT "users_login_type_check" CHECK ("login_type" IN ('password', 'github', 'oidc', 'token', 'none')),
      CONSTRAINT "users_status_check" CHECK ("status" IN ('active', 'suspended')),
      CONSTRAINT "users_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "users_email_lower_idx" ON "users" (lower("email")) WHERE "deleted" = false`);
    await q.query(
      `CREATE UNIQUE INDEX "users_username_lower_idx" ON "users" (lower("username")) WHERE "deleted" = false`,
    );

    await q.query(`CREATE TABLE "api_keys" (
      "id" character varying(10) NOT NULL,
      "hashed_secret" bytea NOT NULL,
      "user_id" uuid NOT NULL,
      "last_used" TIMESTAMP WITH TIME ZONE NOT NULL,
      "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "login_type" text NOT NULL,
      "lifetime_seconds" bigint NOT NULL DEFAULT '86400',
      "ip_address" inet,
      "scope" text NOT NULL DEFAULT 'all',
      "token_name" text NOT NULL DEFAULT '',
      CONSTRAINT "api_keys_scope_check" CHECK ("scope" IN ('all', 'application_connect')),
      CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "api_keys_user_id_idx" ON "api_keys" ("user_id")`);
    await q.query(
      `CREATE UNIQUE INDEX "api_keys_user_id_token_name_idx" ON "api_keys" ("user_id", "token_name") WHERE login_type = 'token'`,
    );

    await q.query(`CREATE TABLE "audit_logs" (
      "id" uuid NOT NULL,
      "time" TIMESTAMP WITH TIME ZONE NOT NULL,
      "user_id" uuid NOT NULL,
      "organization_id" uuid,
      "ip" inet,
      "user_agent" text NOT NULL DEFAULT '',
      "resource_type" text NOT NULL,
      "resource_id" uuid NOT NULL,
      "resource_target" text NOT NULL DEFAULT '',
      "action" text NOT NULL,
      "diff" jsonb NOT NULL DEFAULT '{}',
      "status_code" integer NOT NULL,
      "additional_fields" jsonb NOT NULL DEFAULT '{}',
      "request_id" uuid NOT NULL,
      "resource_icon" text NOT NULL DEFAULT '',
      CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "audit_logs_resource_id_idx" ON "audit_logs" ("resource_id")`);
    await q.query(`CREATE INDEX "audit_logs_time_idx" ON "audit_logs" ("time")`);

    await q.query(`CREATE TABLE "organizations" (
      "id" uuid NOT NULL,
      "name" text NOT NULL,
      "display_name" text NOT NULL DEFAULT '',
      "description" text NOT NULL DEFAULT '',
      "icon" text NOT NULL DEFAULT '',
      "is_default" boolean NOT NULL DEFAULT false,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "organizations_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "organizations_name_lower_idx" ON "organizations" (lower("name"))`);

    await q.query(`CREATE TABLE "groups" (
      "id" uuid NOT NULL,
      "name" text NOT NULL,
      "display_name" text NOT NULL DEFAULT '',
      "organization_id" uuid NOT NULL,
      "avatar_url" text NOT NULL DEFAULT '',
      "quota_allowance" integer NOT NULL DEFAULT '0',
      "source" text NOT NULL DEFAULT 'user',
      CONSTRAINT "groups_name_organization_id_key" UNIQUE ("name", "organization_id"),
      CONSTRAINT "groups_pkey" PRIMARY KEY ("id"))`);

    await q.query(`CREATE TABLE "organization_members" (
      "organization_id" uuid NOT NULL,
      "user_id" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "roles" text array NOT NULL DEFAULT '{}',
      CONSTRAINT "organization_members_pkey" PRIMARY KEY ("organization_id", "user_id"))`);
    await q.query(`CREATE INDEX "organization_members_user_id_idx" ON "organization_members" ("user_id")`);

    await q.query(`CREATE TABLE "site_configs" (
      "key" character varying(256) NOT NULL,
      "value" text NOT NULL,
      CONSTRAINT "site_configs_pkey" PRIMARY KEY ("key"))`);

    await q.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey"
      FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "groups" ADD CONSTRAINT "groups_organization_id_fkey"
      FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "organization_members" ADD CONSTRAINT "organization_members_organization_id_fkey"
      FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "organization_members" ADD CONSTRAINT "organization_members_user_id_fkey"
      FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "site_configs"`);
    await q.query(`DROP TABLE "organization_members"`);
    await q.query(`DROP TABLE "groups"`);
    await q.query(`DROP TABLE "organizations"`);
    await q.query(`DROP TABLE "audit_logs"`);
    await q.query(`DROP TABLE "api_keys"`);
    await q.query(`DROP TABLE "users"`);
  }
}
