import { Writable } from 'node:stream';
import { pino } from 'pino';
import { QueryFailedError } from 'typeorm';
import { errorSerializer, logDestination, pinoHooks, redactUrl, resolveLogFormat, writeSafely } from './logging.js';

describe('redactUrl', () => {
  it.each([
    ['/api/v2/users/me?coder_session_token=abc-def', '/api/v2/users/me?coder_session_token=[REDACTED]'],
    ['/x?coder%5Fsession%5Ftoken=abc', '/x?coder%5Fsession%5Ftoken=[REDACTED]'],
    ['/x?coder%5fsession%5ftoken=abc', '/x?coder%5fsession%5ftoken=[REDACTED]'],
    ['/x?coder_session_token[]=abc', '/x?coder_session_token[]=[REDACTED]'],
    ['/x?coder_session_token%5B0%5D=abc', '/x?coder_session_token%5B0%5D=[REDACTED]'],
    ['/x?CODER_SESSION_TOKEN=abc', '/x?CODER_SESSION_TOKEN=[REDACTED]'],
    ['/x?a=1&access_token=abc&b=2', '/x?a=1&access_token=[REDACTED]&b=2'],
    ['/x?%zz=1&token=abc', '/x?%zz=1&token=[REDACTED]'],
    ['/x?q=owner:me&limit=5', '/x?q=owner:me&limit=5'],
    ['/x', '/x'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('errorSerializer', () => {
  it("drops a failed query's bound parameters and the driver's detail, keeps the SQL and the message", () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: '23505',
      detail: 'Key (hashed_secret)=(\\xdeadbeef) already exists.',
    });
    const err = new QueryFailedError('INSERT INTO api_keys (hashed_secret) VALUES ($1)', ['secret-value'], driverError);
    const out = errorSerializer(err) as Record<string, unknown>;
    const text = JSON.stringify(out);
    expect(text).not.toContain('secret-value');
    expect(text).not.toContain('deadbeef');
    expect(out.query).toBe('INSERT INTO api_keys (hashed_secret) VALUES ($1)');
    expect(out.message).toContain('duplicate key');
    expect(out.code).toBe('23505');
  });

  it('passes other values through', () => {
    expect(errorSerializer('text')).toBe('text');
  });
});

describe('resolveLogFormat', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['pretty', false, 'pretty'],
    ['json', true, 'json'],
  ] as const)('%s on a terminal=%s is %s', (setting, tty, expected) => {
    expect(resolveLogFormat(setting, tty)).toBe(expected);
  });
});

/** A writable that keeps what it is given, and can be made to fail like a vanished terminal. */
class Sink extends Writable {
  text = '';
  writes = 0;
  failWith?: NodeJS.ErrnoException;
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, callback: (err?: Error | null) => void): void {
    this.writes++;
    if (this.failWith) return callback(this.failWith);
    this.text += chunk.toString();
    callback();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

function loggerOn(sink: Sink, format: 'pretty' | 'json', level = 'info') {
  return pino({ level, hooks: pinoHooks, serializers: { err: errorSerializer } }, logDestination(format, sink));
}

describe('logDestination', () => {
  it('json: one JSON object per line, in the order of the calls across loggers', () => {
    const sink = new Sink();
    const a = loggerOn(sink, 'json');
    const b = loggerOn(sink, 'json');
    a.info('one');
    b.info({ context: 'Replicas' }, 'two');
    a.warn('three');
    const lines = sink.text.trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['one', 'two', 'three']);
  });

  it('pretty: one line per entry with level, [context] and the request summary; no pid, hostname or headers', () => {
    const sink = new Sink();
    const log = loggerOn(sink, 'pretty');
    log.info({ context: 'Replicas' }, 'replica registered');
    log.info(
      {
        req: { method: 'GET', url: '/api/v2/users/me', headers: { host: 'x' } },
        res: { statusCode: 200 },
        responseTime: 4,
      },
      'request completed',
    );
    log.info({ phase: 'database', durationMs: 12 }, 'database: connected (12 ms)');
    const lines = sink.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Replicas\] replica registered$/);
    expect(lines[1]).toMatch(/INFO: request completed GET \/api\/v2\/users\/me 200 4ms$/);
    expect(lines[2]).toMatch(/INFO: database: connected \(12 ms\)$/);
    expect(sink.text).not.toMatch(/pid|hostname|headers|phase/);
    expect(() => JSON.parse(lines[0])).toThrow();
  });

  it("moves Nest's per-module and per-route start-up lines from info to debug", () => {
    const info = new Sink();
    const debug = new Sink();
    for (const [sink, level] of [
      [info, 'info'],
      [debug, 'debug'],
    ] as const) {
      const log = loggerOn(sink, 'json', level);
      log.info({ context: 'RouterExplorer' }, 'Mapped {/api/v2/users, GET} route');
      log.info({ context: 'RoutesResolver' }, 'UsersController {/api/v2/users}:');
      log.info({ context: 'InstanceLoader' }, 'UsersModule dependencies initialized');
      log.warn({ context: 'RouterExplorer' }, 'a warning stays a warning');
      log.info({ context: 'Replicas' }, 'replica registered');
    }
    expect(info.text).not.toMatch(/Mapped|UsersController|dependencies initialized/);
    expect(info.text).toContain('a warning stays a warning');
    expect(info.text).toContain('replica registered');
    const levels = debug.text
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { level: number }).level);
    expect(levels).toEqual([20, 20, 20, 40, 30]);
  });

  it('after a write error (EIO: the terminal went away) stops writing instead of throwing or retrying', async () => {
    const sink = new Sink();
    const log = loggerOn(sink, 'json');
    log.info('before');
    sink.failWith = Object.assign(new Error('write EIO'), { code: 'EIO' });
    log.info('fails');
    await tick();
    const writes = sink.writes;
    for (let i = 0; i < 100; i++) log.info('after');
    writeSafely(sink, 'plain text\n');
    await tick();
    expect(sink.writes).toBe(writes);
    expect(sink.text).toContain('before');
    expect(sink.text).not.toContain('after');
  });
});
