import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replicas (one row per server process or workspace proxy replica, Coder's columns) and workspace
 * proxies (Coder's columns; names unique case-insensitively among non-deleted proxies).
 */
export class HighAvailability1795888800000 implements MigrationInterface {
  name = 'HighAvailability1795888800000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "replicas" (
      "id" uuid NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "stopped_at" TIMESTAMP WITH TIME ZONE,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "hostname" text NOT NULL,
      "region_id" integer NOT NULL,
      "relay_address" text NOT NULL,
      "database_latency" integer NOT NULL,
      "version" text NOT NULL,
      "error" text NOT NULL DEFAULT '',
      "primary" boolean NOT NULL DEFAULT true,
      CONSTRAINT "replicas_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "replicas_updated_at_idx" ON "replicas" ("updated_at")`);
    await q.query(`CREATE TABLE "workspace_proxies" (
      "id" uuid NOT NULL,
      "name" text NOT NULL,
      "display_name" text NOT NULL,
      "icon" text NOT NULL,
      "url" text NOT NULL,
      "wildcard_hostname" text NOT NULL,
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "deleted" boolean NOT NULL DEFAULT false,
      "token_hashed_secret" bytea NOT NULL,
      "region_id" SERIAL NOT NULL,
      "derp_enabled" boolean NOT NULL DEFAULT true,
      "derp_only" boolean NOT NULL DEFAULT false,
      "version" text NOT NULL DEFAULT '',
      CONSTRAINT "workspace_proxies_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `CREATE UNIQUE INDEX "workspace_proxies_lower_name_idx" ON "workspace_proxies" (lower("name")) WHERE "deleted" = false`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "workspace_proxies"`);
    await q.query(`DROP TABLE "replicas"`);
  }
}
