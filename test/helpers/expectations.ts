import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Shared expectations for the e2e tests: Coder's canned messages and matchers. */
export const SIGNED_OUT = 'You are signed out or your session has expired. Please sign in again to continue.';
export const NOT_FOUND = { message: 'Resource not found or you do not have access to this resource' };
export const FORBIDDEN = { message: 'Forbidden.' };
/** The keys of Coder's current `codersdk.Group`, sorted (a TemplateGroup adds `role`). */
export const GROUP_FIELDS = [
  'avatar_url',
  'display_name',
  'id',
  'members',
  'name',
  'organization_display_name',
  'organization_id',
  'organization_name',
  'quota_allowance',
  'source',
  'total_member_count',
];
export const TOKEN_RE = /^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/;

/** An RFC 3339 UTC time stamp as the API writes it. */
export const isoTime = () => expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

export const signedOut = (detail: string) => ({ message: SIGNED_OUT, detail });

export const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Every row of every table in the public schema, as text: to prove a secret is never stored. */
export async function dumpDatabase(db: pg.Client): Promise<string> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  let out = '';
  for (const { table_name } of tables.rows) {
    const rows = await db.query<{ t: string }>(`SELECT t::text AS t FROM "${table_name}" t`);
    out += rows.rows.map((r) => r.t).join('\n');
  }
  return out;
}
