import pg from 'pg';
import { QueryFailedError } from 'typeorm';

/**
 * The PostgreSQL error of a failed statement: TypeORM's QueryFailedError wraps it; statements sent
 * on the pool directly (Database.select) throw pg's own DatabaseError.
 */
function databaseError(err: unknown): { code?: string; constraint?: string } | undefined {
  if (err instanceof QueryFailedError) return err.driverError as { code?: string; constraint?: string } | undefined;
  if (err instanceof pg.DatabaseError) return err;
  return undefined;
}

/** The SQLSTATE of a failed statement, or undefined for any other error. */
export function sqlState(err: unknown): string | undefined {
  return databaseError(err)?.code;
}

/** PostgreSQL unique_violation (23505), optionally on a named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const driver = databaseError(err);
  return driver?.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash). */
const UNAVAILABLE_CODES = /^(08|57P)/;
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connect ECONNREFUSED|Connection refused|timeout exceeded when trying to connect|Client has encountered a connection error|ECONNRESET|the database system is (starting up|shutting down|in recovery mode)/i;

/** True when an error means PostgreSQL is unreachable (not that the query was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const driver = (err instanceof QueryFailedError ? err.driverError : err) as { code?: unknown; message?: unknown };
  if (
    typeof driver?.code === 'string' &&
    (UNAVAILABLE_CODES.test(driver.code) || driver.code === 'ECONNREFUSED' || driver.code === 'ECONNRESET')
  ) {
    return true;
  }
  const message = (err as Error).message ?? driver?.message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Why connecting failed, and whether waiting could help. `reason` never holds a password. */
export interface ConnectionProblem {
  retryable: boolean;
  reason: string;
}

/** Server answers that mean "still starting" or "too busy right now": worth waiting for. */
const RETRYABLE_SQLSTATES = new Set(['57P03', '53300', '53400']);
/** Socket and DNS failures that a database coming up, or a network settling, can fix. */
const RETRYABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  'ENOENT',
]);

/**
 * Sorts a failed connection attempt: the ones no amount of waiting fixes (wrong password, unknown
 * role or database, unknown host, malformed URL, TLS refused) are not retryable, so start-up can
 * stop at once and say why; a database that is down or starting is. PostgreSQL's own messages
 * name the user or database, never the password.
 */
export function connectionProblem(err: unknown): ConnectionProblem {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; hostname?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  if (code === 'ENOTFOUND') {
    return { retryable: false, reason: `unknown host${typeof e.hostname === 'string' ? ` "${e.hostname}"` : ''}` };
  }
  if (err instanceof URIError || code === 'ERR_INVALID_URL')
    return { retryable: false, reason: `the URL cannot be parsed (${message}: check its %-escapes)` };
  if (/client password must be a string/i.test(message)) {
    return { retryable: false, reason: 'the server asks for a password and the URL has none' };
  }
  if (code && (RETRYABLE_SQLSTATES.has(code) || RETRYABLE_ERRNOS.has(code)))
    return { retryable: true, reason: message };
  return { retryable: isDatabaseUnavailable(err), reason: message };
}

/**
 * Where a PostgreSQL URL points, for messages: `host:port/database` (or the socket directory),
 * without the user name or password.
 */
export function describeDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'an unparsable URL';
  }
  const socket = parsed.searchParams.get('host');
  const host = socket || parsed.hostname || 'localhost';
  const database = decodeSafely(parsed.pathname.replace(/^\//, ''));
  return `${host}:${parsed.port || '5432'}${database ? `/${database}` : ''}`;
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
