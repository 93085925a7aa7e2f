import { QueryFailedError } from 'typeorm';

/** PostgreSQL unique_violation (23505), optionally on a named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driver = err.driverError as { code?: string; constraint?: string } | undefined;
  return driver?.code === '23505' && (constraint === undefined || driver.constraint === constraint);
}
