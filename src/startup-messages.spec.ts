import { execFileSync } from 'node:child_process';
import { DatabaseConnectError } from './database/migrate.js';
import { databaseFailureMessage, firstUserCommand, firstUserHint, formatElapsed } from './startup-messages.js';

describe('start-up messages', () => {
  it.each([
    [12, '12 ms'],
    [999, '999 ms'],
    [1000, '1.0 s'],
    [29_812, '29.8 s'],
  ])('formatElapsed(%d) = %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));

  it('the first-user command is one line a POSIX shell runs as is: curl, the URL, JSON body', () => {
    const command = firstUserCommand("http://127.0.0.1:3000/o'dd");
    expect(command).not.toContain('\n');
    // The shell's own parse of it: what curl would get as arguments.
    const argv = execFileSync('sh', ['-c', `printf '%s\\n' ${command.replace(/^curl /, '')}`], { encoding: 'utf8' })
      .trimEnd()
      .split('\n');
    expect(argv).toEqual([
      '-X',
      'POST',
      "http://127.0.0.1:3000/o'dd/api/v2/users/first",
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"email":"admin@example.com","username":"admin","password":"SomeStrongPassword!"}',
    ]);
  });

  it('the terminal hint puts the command on a line of its own', () => {
    const lines = firstUserHint('http://localhost:3000').split('\n');
    expect(lines).toContain(`  ${firstUserCommand('http://localhost:3000')}`);
  });

  it('names CODER_PG_CONNECTION_URL and where it points, never the password', () => {
    const url = 'postgres://coder:s3cret-pw@db.internal:5432/coder';
    const now = new DatabaseConnectError('password authentication failed for user "coder"', false, 0);
    expect(databaseFailureMessage(now, { url })).toBe(
      'Cannot use PostgreSQL at db.internal:5432/coder (CODER_PG_CONNECTION_URL): password authentication failed for user "coder"',
    );
    const later = new DatabaseConnectError('connect ECONNREFUSED 10.0.0.5:5432', true, 29_900);
    expect(databaseFailureMessage(later, { url })).toBe(
      'PostgreSQL at db.internal:5432/coder (CODER_PG_CONNECTION_URL) is still unreachable after 29.9 s: connect ECONNREFUSED 10.0.0.5:5432',
    );
    expect(databaseFailureMessage(now, undefined)).toBe(
      'Cannot connect to the embedded PostgreSQL: password authentication failed for user "coder"',
    );
  });
});
