import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unescape } from 'node:querystring';
import { pino, stdSerializers, type DestinationStream, type Level, type LogFn, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { LogFormat, LogLevel } from '../../config/config.schema.js';

/** Query parameters that carry credentials (Coder's session token, OAuth-style tokens). */
const SECRET_PARAMS = new Set([
  'coder_session_token',
  'access_token',
  'token',
  'refresh_token',
  'id_token',
  'code',
  'psk',
  'key',
]);

/**
 * A URL with the values of credential parameters replaced, for logs. Parameters are recognised as
 * the query parser reads them, whatever the spelling on the wire: percent-encoded names
 * (`coder%5Fsession%5Ftoken`), `+` for spaces, bracket suffixes (`coder_session_token[]`,
 * `[0]`), any letter case.
 */
export function redactUrl(url: string | undefined): string {
  const text = url ?? '';
  const q = text.indexOf('?');
  if (q < 0) return text;
  const params = text
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      const rawName = part.slice(0, eq);
      const name = unescape(rawName.replace(/\+/g, ' ')).trim().replace(/\[.*$/s, '').toLowerCase();
      return SECRET_PARAMS.has(name) ? `${rawName}=[REDACTED]` : part;
    });
  return `${text.slice(0, q)}?${params.join('&')}`;
}

/**
 * pino's error serializer without what a database error carries beyond its cause: a failed
 * query's bound parameters (password hashes, token hashes, license JWTs) and the driver's copy of
 * them. The SQL text (with placeholders) stays, for debugging.
 */
export function errorSerializer(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  delete out.parameters;
  delete out.driverError;
  delete out.detail;
  return out;
}

/** The format in force: CODER_LOG_FORMAT, where `auto` is pretty on a terminal and JSON otherwise. */
export function resolveLogFormat(setting: LogFormat, isTty: boolean): 'pretty' | 'json' {
  if (setting === 'auto') return isTty ? 'pretty' : 'json';
  return setting;
}

const guarded = new WeakSet<NodeJS.WritableStream>();
const broken = new WeakSet<NodeJS.WritableStream>();

/**
 * Makes a write error on `stream` (EIO once the terminal is gone, EPIPE once the reader is) turn
 * its output off instead of crashing the process or retrying forever. Idempotent.
 */
export function guardStream(stream: NodeJS.WritableStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', () => broken.add(stream));
}

/** Writes `text` unless the stream has failed before; never throws, never retries. */
export function writeSafely(stream: NodeJS.WritableStream, text: string): void {
  guardStream(stream);
  if (broken.has(stream) || (stream as { destroyed?: boolean }).destroyed) return;
  try {
    stream.write(text);
  } catch {
    broken.add(stream);
  }
}

/**
 * Contexts of Nest's own start-up chatter: one line per module, controller and route (~190 lines),
 * and "starting"/"started". main.ts prints one line per start-up phase instead; these are debug.
 */
const STARTUP_NOISE = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);
const INFO = 30;

/** pino's logMethod hook: an info line from a STARTUP_NOISE context is logged at debug instead. */
function demoteStartupNoise(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number): void {
  const first = args[0] as { context?: unknown } | undefined;
  if (level === INFO && first && typeof first === 'object' && STARTUP_NOISE.has(first.context as string)) {
    this.debug(...args);
    return;
  }
  method.apply(this, args);
}

export const pinoHooks = { logMethod: demoteStartupNoise };

interface PrettyRecord {
  [key: string]: unknown;
  context?: unknown;
  req?: { method?: unknown; url?: unknown };
  res?: { statusCode?: unknown };
  responseTime?: unknown;
}

/** `[Context] message`, and for a request line `message GET /path 200 3ms`. */
function prettyMessage(log: PrettyRecord, messageKey: string): string {
  const parts: string[] = [];
  if (typeof log.context === 'string') parts.push(`[${log.context}]`);
  const message: unknown = log[messageKey] ?? '';
  parts.push(String(message));
  if (log.req && typeof log.req === 'object') {
    parts.push(`${String(log.req.method)} ${String(log.req.url)}`);
    if (log.res && typeof log.res === 'object') parts.push(String(log.res.statusCode));
    if (typeof log.responseTime === 'number') parts.push(`${log.responseTime}ms`);
  }
  return parts.join(' ');
}

/**
 * Where both loggers (main.ts's and the app's) write: stdout, in the order of the calls (one
 * in-process stream: no worker thread, no buffer of its own to flush at exit), as JSON lines or as
 * pretty single lines. A failed write turns logging off rather than being retried (see guardStream).
 */
export function logDestination(
  format: 'pretty' | 'json',
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): DestinationStream {
  guardStream(stream);
  if (format === 'json') return { write: (line: string) => writeSafely(stream, line) };
  const pretty = prettyFactory({
    colorize: stream.isTTY === true && !process.env.NO_COLOR,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name,context,req,res,responseTime,phase,durationMs,applied',
    messageFormat: (log, messageKey) => prettyMessage(log, messageKey),
  });
  return {
    write(line: string) {
      let text: string;
      try {
        text = pretty(line);
      } catch {
        text = line;
      }
      writeSafely(stream, text);
    },
  };
}

/** Headers that carry credentials: censored wherever a request's headers are logged. */
const REDACTED_PATHS = [
  'req.headers["coder-session-token"]',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["coder-provisioner-daemon-psk"]',
  'req.headers["coder-provisioner-daemon-key"]',
  'req.headers["coder-external-proxy-token"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

/** The app's logger, writing to logDestination(format); tokens, cookies, PSKs and proxy tokens never reach it. */
export function createAppLogger(
  level: LogLevel,
  format: 'pretty' | 'json' = 'json',
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Logger {
  return pino(
    {
      level,
      hooks: pinoHooks,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      serializers: {
        req(req: IncomingMessage & { id?: unknown }) {
          return {
            id: req.id,
            method: req.method,
            url: redactUrl(req.url),
            headers: req.headers,
            remoteAddress: req.socket?.remoteAddress,
          };
        },
        res(res: { statusCode?: number }) {
          return { statusCode: res.statusCode };
        },
        err: errorSerializer,
      },
    },
    logDestination(format, stream),
  );
}

/**
 * Nest's LoggerService over a pino logger, with Nest's calling conventions: the last extra
 * argument is the context, an object message is merged into the line, an Error becomes `err`, and
 * Nest's `error(message, stack, context)` keeps the stack.
 */
export class AppLogger implements LoggerService {
  constructor(readonly root: Logger) {}

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let params = rest;
    if (rest.length > 0) {
      fields.context = rest[rest.length - 1];
      params = rest.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, ...(params as []));
    } else if (message !== null && typeof message === 'object') {
      Object.assign(fields, message);
      this.root[level](fields, ...(params as []));
    } else if (level === 'error' && params.length === 1 && typeof params[0] === 'string' && params[0].includes('\n')) {
      // Nest's own error(message, stack, context): the stack goes with an Error of that message.
      const err = new Error(String(message));
      err.stack = params[0];
      this.root.error({ ...fields, err });
    } else {
      this.root[level](fields, String(message), ...(params as []));
    }
  }
}

/** What the server writes for each answered request (Coder's levels: debug, 4xx warn, 5xx error). */
export function requestLogLevel(status: number): Level {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'debug';
}

/**
 * Logs a finished request, unless its level is off: then nothing is built. Health checks that
 * succeed are not logged (as in Coder).
 */
export function logRequest(log: Logger, req: IncomingMessage & { id?: unknown }, res: ServerResponse, ms: number) {
  const level = requestLogLevel(res.statusCode);
  if (!log.isLevelEnabled(level)) return;
  if (req.url === '/healthz' && res.statusCode < 400) return;
  log[level](
    { reqId: req.id, req, res, responseTime: Math.round(ms) },
    res.writableFinished ? 'request completed' : 'request aborted',
  );
}
