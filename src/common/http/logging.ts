import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LogLevel } from '../../config/config.schema.js';
import { requestIdOf } from './request-id.js';

const SECRET_QUERY = /([?&](?:coder_session_token|access_token|token)=)[^&]*/gi;

/** A URL with session tokens in the query string replaced, for logs. */
export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(SECRET_QUERY, '$1[REDACTED]');
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
          'req.headers["coder-external-proxy-token"]',
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
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      quietReqLogger: true,
    },
  };
}
