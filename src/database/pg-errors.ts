import { QueryFailedError } from 'typeorm';

/** PostgreSQL unique_violation (23505), optionally on a named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: string; constraint?: string } | undefined;
  return driver?.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}

/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, crash). */
const UNAVAILABLE_CODES = /^(08|57P)/;
const UNAVAILABLE_MESSAGES = /Connection terminated|connect ECONNREFUSED|Connection refused|timeout exceeded when trying to connect|Client has encountered a connection error|ECONNRESET|the database system is (starting up|shutting down|in recovery mode)/i;

/** True when an error means PostgreSQL is unreachable (not that the query was wrong). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const driver = (err instanceof QueryFailedError ? err.driverError : err) as { code?: unknown; message?: unknown };
  if (typeof driver?.code === 'string' && (UNAVAILABLE_CODES.test(driver.code) || driver.code === 'ECONNREFUSED' || driver.code === 'ECONNRESET')) {
    return true;
  }
  const message = (err as Error).message ?? driver?.message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}
