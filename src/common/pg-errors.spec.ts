import { connectionProblem, describeDatabaseUrl } from './pg-errors.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const sysError = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe('connectionProblem', () => {
  it.each([
    [
      'wrong password (28P01)',
      pgError('28P01', 'password authentication failed for user "coder"'),
      'password authentication failed for user "coder"',
    ],
    ['unknown role (28000)', pgError('28000', 'role "nobody" does not exist'), 'role "nobody" does not exist'],
    [
      'no pg_hba entry (28000)',
      pgError('28000', 'no pg_hba.conf entry for host "10.0.0.1"'),
      'no pg_hba.conf entry for host "10.0.0.1"',
    ],
    ['unknown database (3D000)', pgError('3D000', 'database "nope" does not exist'), 'database "nope" does not exist'],
    ['undefined object (42704)', pgError('42704', 'role "x" does not exist'), 'role "x" does not exist'],
    [
      'no CONNECT privilege (42501)',
      pgError('42501', 'permission denied for database "coder"'),
      'permission denied for database "coder"',
    ],
    [
      'unknown host',
      sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND db.invalid', { hostname: 'db.invalid' }),
      'unknown host "db.invalid"',
    ],
    [
      'a bad %-escape in the URL',
      new URIError('URI malformed'),
      'the URL cannot be parsed (URI malformed: check its %-escapes)',
    ],
    [
      'no password for SCRAM',
      new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
      'the server asks for a password and the URL has none',
    ],
    [
      'TLS refused',
      new Error('The server does not support SSL connections'),
      'The server does not support SSL connections',
    ],
  ])('%s: fails at once', (_name, err, reason) => {
    expect(connectionProblem(err)).toEqual({ retryable: false, reason });
  });

  it.each([
    ['refused', sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['connection reset', sysError('ECONNRESET', 'read ECONNRESET')],
    ['DNS not ready', sysError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN db')],
    ['socket not there yet', sysError('ENOENT', 'connect ENOENT /tmp/.s.PGSQL.5432')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['terminated', new Error('Connection terminated unexpectedly')],
  ])('%s: worth waiting for', (_name, err) => {
    expect(connectionProblem(err)).toEqual({ retryable: true, reason: err.message });
  });
});

describe('describeDatabaseUrl', () => {
  it.each([
    ['postgres://coder:s3cret-pw@db.internal:6432/coder?sslmode=verify-full', 'db.internal:6432/coder'],
    ['postgresql://coder:s3cret-pw@127.0.0.1/my%20db', '127.0.0.1:5432/my db'],
    ['postgres://postgres@localhost:5432/coder?host=%2Ftmp%2Fcoder-pg-x', '/tmp/coder-pg-x:5432/coder'],
    ['postgres://u:p@h', 'h:5432'],
  ])('%s → %s, without user or password', (url, expected) => {
    expect(describeDatabaseUrl(url)).toBe(expected);
    expect(describeDatabaseUrl(url)).not.toMatch(/s3cret|coder:|u:p/);
  });

  it('never echoes an unparsable URL', () => {
    expect(describeDatabaseUrl('not a url with s3cret')).toBe('an unparsable URL');
  });
});
