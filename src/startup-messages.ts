import { DatabaseConnectError } from './database/migrate.js';
import { describeDatabaseUrl } from './common/pg-errors.js';

/** `850 ms`, `3.2 s`: how long a start-up phase took. */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The example body of the first-user command; the reader is told to change it. */
const FIRST_USER = { email: 'admin@example.com', username: 'admin', password: 'SomeStrongPassword!' };

/** A command that creates the first user (an owner), pasteable into a POSIX shell. */
export function firstUserCommand(accessUrl: string): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  return [
    'curl -X POST',
    quote(`${accessUrl}/api/v2/users/first`),
    "-H 'Content-Type: application/json'",
    '-d',
    quote(JSON.stringify(FIRST_USER)),
  ].join(' ');
}

/** The plain-text block printed on a terminal while no user exists: the command stands on its own line. */
export function firstUserHint(accessUrl: string): string {
  return [
    '',
    'No user exists yet. Create the first one (an owner; put in your own email, username and password):',
    '',
    `  ${firstUserCommand(accessUrl)}`,
    '',
    '',
  ].join('\n');
}

/**
 * The one line start-up prints when PostgreSQL cannot be used. An external database is named by
 * its variable and by host, port and database (never the user name or password).
 */
export function databaseFailureMessage(err: DatabaseConnectError, external: { url: string } | undefined): string {
  if (!external) return `Cannot connect to the embedded PostgreSQL: ${err.reason}`;
  const where = `PostgreSQL at ${describeDatabaseUrl(external.url)} (CODER_PG_CONNECTION_URL)`;
  if (err.retryable) return `${where} is still unreachable after ${formatElapsed(err.waitedMs)}: ${err.reason}`;
  return `Cannot use ${where}: ${err.reason}`;
}
