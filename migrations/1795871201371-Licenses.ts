import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Licenses (Coder's columns) with a unique hash of the JWT, so one license cannot be added twice. */
export class Licenses1795871201371 implements MigrationInterface {
  name = 'Licenses1795871201371';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "licenses" (
      "id" SERIAL NOT NULL,
      "uploaded_at" TIMESTAMP WITH TIME ZONE NOT NULL,
      "jwt" text NOT NULL,
      "jwt_sha256" bytea NOT NULL,
      "exp" TIMESTAMP WITH TIME ZONE NOT NULL,
      "uuid" uuid NOT NULL,
      CONSTRAINT "licenses_pkey" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "licenses_jwt_sha256_key" ON "licenses" ("jwt_sha256")`);
    await q.query(`CREATE INDEX "licenses_exp_idx" ON "licenses" ("exp")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "licenses"`);
  }
}
