import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The number of active, non-deleted users (the license seat count the entitlements show as
 * `user_limit.actual`), kept by triggers in the one-row table `user_counts`, so recomputing the
 * entitlements reads one row instead of counting every user. Every way a row enters or leaves that
 * set moves the count in the same transaction: inserts and deletes (per statement, through their
 * transition tables, so a bulk insert updates the count once), updates of `status` or `deleted`
 * that change whether a user counts (per row; other updates, such as `last_seen_at` on each
 * request, do not fire), and TRUNCATE. Only statements that change the count lock its row.
 */
export class ActiveUserCount1795917600000 implements MigrationInterface {
  name = 'ActiveUserCount1795917600000';

  public async up(q: QueryRunner): Promise<void> {
    // No user changes between the count below and the triggers taking over.
    await q.query(`LOCK TABLE "users" IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`CREATE TABLE "user_counts" (
      "id" boolean NOT NULL DEFAULT true,
      "active" bigint NOT NULL,
      CONSTRAINT "user_counts_one_row" CHECK ("id"),
      CONSTRAINT "user_counts_pkey" PRIMARY KEY ("id"))`);
    await q.query(
      `INSERT INTO "user_counts" ("id", "active") SELECT true, count(*) FROM "users" WHERE "status" = 'active' AND "deleted" = false`,
    );
    await q.query(`CREATE FUNCTION "user_counts_on_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE delta bigint;
      BEGIN
        SELECT count(*) INTO delta FROM added WHERE status = 'active' AND deleted = false;
        IF delta <> 0 THEN UPDATE user_counts SET active = active + delta; END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION "user_counts_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE delta bigint;
      BEGIN
        SELECT count(*) INTO delta FROM removed WHERE status = 'active' AND deleted = false;
        IF delta <> 0 THEN UPDATE user_counts SET active = active - delta; END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION "user_counts_on_update"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE user_counts SET active = active + CASE WHEN NEW.status = 'active' AND NEW.deleted = false THEN 1 ELSE -1 END;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION "user_counts_on_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE user_counts SET active = 0;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER "user_counts_on_insert" AFTER INSERT ON "users"
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION "user_counts_on_insert"()`);
    await q.query(`CREATE TRIGGER "user_counts_on_delete" AFTER DELETE ON "users"
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION "user_counts_on_delete"()`);
    await q.query(`CREATE TRIGGER "user_counts_on_update" AFTER UPDATE OF "status", "deleted" ON "users" FOR EACH ROW
      WHEN ((OLD."status" = 'active' AND OLD."deleted" = false) IS DISTINCT FROM (NEW."status" = 'active' AND NEW."deleted" = false))
      EXECUTE FUNCTION "user_counts_on_update"()`);
    await q.query(`CREATE TRIGGER "user_counts_on_truncate" AFTER TRUNCATE ON "users"
      FOR EACH STATEMENT EXECUTE FUNCTION "user_counts_on_truncate"()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "user_counts_on_truncate" ON "users"`);
    await q.query(`DROP TRIGGER "user_counts_on_update" ON "users"`);
    await q.query(`DROP TRIGGER "user_counts_on_delete" ON "users"`);
    await q.query(`DROP TRIGGER "user_counts_on_insert" ON "users"`);
    await q.query(`DROP FUNCTION "user_counts_on_truncate"()`);
    await q.query(`DROP FUNCTION "user_counts_on_update"()`);
    await q.query(`DROP FUNCTION "user_counts_on_delete"()`);
    await q.query(`DROP FUNCTION "user_counts_on_insert"()`);
    await q.query(`DROP TABLE "user_counts"`);
  }
}
