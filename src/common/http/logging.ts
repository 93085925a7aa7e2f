import type { IncomingMessage } from 'node:http';
import { unescape } from 'node:querystring';
import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import type { LogLevel } from '../../config/config.schema.js';
import { requestIdOf } from './request-id.js';

/** Query parameters that carry credentials (Coder's session token, OAuth-style tokens). */
const SECRET_PARAMS = new Set(['coder_session_token', 'access_token', 'token', 'refresh_token', 'id_token', 'code', 'psk', 'key']);

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
  const params = text.slice(q + 1).split('&').map((part) => {
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

/** JSON logs; tokens, cookies, PSKs and proxy tokens never reach them. */
export function loggerParams(level: LogLevel): Params {
  return {
    pinoHttp: {
      level,
      genReqId: (req: IncomingMessage) => requestIdOf(req),
      redact: {
        paths: [
          'req.headers["coder-session-token"]',
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["coder-provisioner-daemon-psk"]',
          'req.headers["coder-provisioner-daemon-key"]',
          'req.headers["coder-external-proxy-token"]',
          'req.headers["proxy-authorization"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        req(req: { id?: unknown; method?: string; url?: string; headers?: unknown; remoteAddress?: string }) {
          return { id: req.id, method: req.method, url: redactUrl(req.url), headers: req.headers, remoteAddress: req.remoteAddress };
        },
        res(res: { statusCode?: number }) {
          return { statusCode: res.statusCode };
        },
        err: errorSerializer,
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      quietReqLogger: true,
    },
  };
}
