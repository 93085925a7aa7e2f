import { Writable } from 'node:stream';
import { pino } from 'pino';
import { QueryFailedError } from 'typeorm';
import {
  AppLogger,
  createAppLogger,
  errorSerializer,
  logDestination,
  logRequest,
  pinoHooks,
  redactUrl,
  resolveLogFormat,
  writeSafely,
} from './logging.js';

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

interface LogEntry {
  level: number;
  msg: string;
  context?: unknown;
  reqId?: string;
  route?: string;
  responseTime?: number;
  req: { method: string; url: string; headers: Record<string, string> };
  res: { statusCode: number };
  err: { message: string; stack: string };
}

describe('the app logger', () => {
  const request = (url: string, headers: Record<string, string> = {}) =>
    ({ id: 'req-1', method: 'GET', url, headers, socket: { remoteAddress: '127.0.0.1' } }) as never;
  const response = (statusCode: number) => ({ statusCode, writableFinished: true }) as never;
  const entries = (sink: Sink) =>
    sink.text
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogEntry);

  it("logs requests at Coder's levels: debug below 400, warn for 4xx, error for 5xx", () => {
    const sink = new Sink();
    const log = createAppLogger('debug', 'json', sink);
    logRequest(log, request('/api/v2/users/me'), response(200), 3.4);
    logRequest(log, request('/api/v2/users/me'), response(401), 1);
    logRequest(log, request('/api/v2/users/me'), response(503), 1);
    expect(entries(sink).map((e) => [e.level, e.msg, e.res.statusCode, e.reqId])).toEqual([
      [20, 'request completed', 200, 'req-1'],
      [40, 'request completed', 401, 'req-1'],
      [50, 'request completed', 503, 'req-1'],
    ]);
    expect(entries(sink)[0]).toMatchObject({ responseTime: 3, req: { method: 'GET', url: '/api/v2/users/me' } });
  });

  it('builds nothing for a request whose level is off, and skips healthy health checks', () => {
    const sink = new Sink();
    const log = createAppLogger('info', 'json', sink);
    const req = request('/api/v2/users/me');
    let headerReads = 0;
    Object.defineProperty(req, 'headers', { get: () => (headerReads++, {}) });
    logRequest(log, req, response(200), 1);
    logRequest(log, request('/healthz'), response(200), 1);
    expect(sink.text).toBe('');
    expect(headerReads).toBe(0);
    logRequest(log, request('/healthz'), response(503), 1);
    expect(entries(sink)).toHaveLength(1);
  });

  it('censors credential headers and query parameters in request lines', () => {
    const sink = new Sink();
    const log = createAppLogger('debug', 'json', sink);
    const headers = {
      'coder-session-token': 'tok-secret',
      authorization: 'Bearer scim-secret',
      cookie: 'coder_session_token=cookie-secret',
      'coder-provisioner-daemon-key': 'key-secret',
      'user-agent': 'curl',
    };
    logRequest(log, request('/api/v2/users/me?coder_session_token=query-secret', headers), response(200), 1);
    expect(sink.text).not.toMatch(/secret/);
    expect(entries(sink)[0].req.headers).toMatchObject({ 'coder-session-token': '[REDACTED]', 'user-agent': 'curl' });
  });

  it("follows Nest's calling conventions: context last, objects merged, errors as err, level respected", () => {
    const sink = new Sink();
    const logger = new AppLogger(createAppLogger('info', 'json', sink));
    logger.log('plain', 'Ctx');
    logger.warn({ route: '/x' }, 'with fields', 'Ctx');
    logger.error(new Error('boom'), 'Ctx');
    logger.error('failed', 'Error: failed\n    at somewhere', 'ExceptionsHandler');
    logger.debug('dropped', 'Ctx');
    const out = entries(sink);
    expect(out.map((e) => [e.level, e.msg, e.context])).toEqual([
      [30, 'plain', 'Ctx'],
      [40, 'with fields', 'Ctx'],
      [50, 'boom', 'Ctx'],
      [50, 'failed', 'ExceptionsHandler'],
    ]);
    expect(out[1].route).toBe('/x');
    expect(out[2].err.message).toBe('boom');
    expect(out[3].err.stack).toContain('at somewhere');
  });
});
