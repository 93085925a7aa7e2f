import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { SERVER_VERSION } from '../version.js';
import { MalformedBody } from './malformed-body.js';
import { bodyParserError } from './exception.filter.js';
import { verifyJsonShape, wellFormedJson } from './json-shape.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
const rawUpload = express.raw({ limit: UPLOAD_LIMIT_BYTES, type: () => true });

/** Content types some routes read raw (file uploads); every other body is parsed as JSON. */
const RAW_BODY_TYPES = /^(application\/(x-tar|zip|octet-stream|gzip|x-gzip)|multipart\/)/i;

/**
 * Like Coder (which decodes JSON whatever the Content-Type says), any body that is not a raw
 * upload is JSON, so `curl -d` without `-H 'Content-Type: application/json'` works too.
 */
function isJsonRequest(req: { headers: Record<string, string | string[] | undefined> }): boolean {
  const type = req.headers['content-type'];
  const value = Array.isArray(type) ? type[0] : (type ?? '');
  return !RAW_BODY_TYPES.test(value.trim());
}

/**
 * Something told of every request when it arrives and when its connection is done with it (the
 * response sent, or the client gone): metrics, the request log.
 */
export interface RequestObserver {
  started?: (req: Request) => void;
  /** `ms`: milliseconds since the request arrived. */
  finished: (req: Request, res: Response, ms: number) => void;
}

const STARTED = Symbol('requestStarted');
type ObservedRequest = Request & { id?: string; [STARTED]?: number };

/**
 * One middleware at the front of every request: its id, Coder's version header, and the
 * observers. Per request it allocates the id and nothing else: the `close` listener is one
 * function shared by all requests, not a closure per request.
 */
export function observeRequests(observers: RequestObserver[]) {
  const starting = observers.filter((o) => o.started);
  function onClose(this: Response): void {
    const req = this.req as ObservedRequest;
    const ms = performance.now() - (req[STARTED] ?? 0);
    for (const observer of observers) observer.finished(req, this, ms);
  }
  return (req: ObservedRequest, res: Response, next: NextFunction): void => {
    req[STARTED] = performance.now();
    req.id = randomUUID();
    res.setHeader(REQUEST_ID_HEADER, req.id);
    res.setHeader('X-Coder-Build-Version', SERVER_VERSION);
    for (const observer of starting) observer.started!(req);
    res.on('close', onClose);
    next();
  };
}

/**
 * helmet's security headers, computed once. helmet's headers depend on its options only, never on
 * the request, so running its chain of middlewares on every request (a dozen functions) is
 * replaced by running it once here, on a recorder, and setting what it set. Over plain http, HSTS
 * and upgrade-insecure-requests would break Swagger UI on a LAN address.
 */
export function securityHeaders(secure: boolean): (req: Request, res: Response, next: NextFunction) => void {
  const headers: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void headers.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let synchronous = false;
  helmet({
    strictTransportSecurity: secure,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: secure ? [] : null } },
  })({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet refused its options');
    synchronous = true;
  });
  if (!synchronous) throw new Error('helmet did not answer synchronously: its headers cannot be computed once');
  return (_req: Request, res: Response, next: NextFunction): void => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

/**
 * Express-level plumbing that must run before Nest's routing: request id, Coder's version header,
 * the request observers (metrics, the request log), security headers, the 1 MiB JSON body parser
 * (with its depth and element bounds) and its error mapping.
 */
export function applyHttpSetup(
  app: NestExpressApplication,
  observers: RequestObserver[],
  secure: boolean,
  /** Paths whose body errors (also 413) are answered by their own routes' error filter, after auth. */
  deferAllBodyErrors: (path: string) => boolean = () => false,
  /**
   * Limits that can refuse a request from who sent it alone (its address, whether it carries a
   * credential): run before the security headers and the body parser, so a flood past a limit
   * costs no parsing.
   */
  earlyChecks: ((req: Request, res: Response, next: NextFunction) => void | Promise<void>)[] = [],
) {
  app.disable('x-powered-by');
  // No generated ETags: Coder sends none, no client revalidates, and Express would hash every
  // body to make one (a SHA-1 over 800 KB for a long job list). Routes that set their own (SCIM)
  // keep them, and If-None-Match still answers 304 against those.
  app.set('etag', false);
  app.use(observeRequests(observers));
  for (const check of earlyChecks) app.use(check);
  app.use(securityHeaders(secure));
  // Template sources are read raw (any content type; the service checks it), up to 10 MiB.
  app.use('/api/v2/files', (req: Request, res: Response, next: NextFunction) =>
    req.method === 'POST' ? rawUpload(req, res, next) : next(),
  );
  // The body's nesting and size in elements are bounded on the raw bytes, before JSON.parse and
  // the validation pipe's recursive walk ever see it (json-shape.ts).
  const json = express.json({ limit: BODY_LIMIT_BYTES, type: isJsonRequest, strict: true, verify: verifyJsonShape });
  app.use((req: Request, res: Response, next: NextFunction) => {
    // A request without a body (every GET) skips the parser, by the rule the parser itself applies
    // (type-is's hasBody): it would only have looked and passed it on, at some cost per request.
    if (req.headers['transfer-encoding'] === undefined && isNaN(req.headers['content-length'] as unknown as number))
      return next();
    json(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        if (req.body !== null && typeof req.body === 'object') wellFormedJson(req.body);
      } catch (thrown) {
        return next(thrown);
      }
      next();
    });
  });
  app.use((err: unknown, req: Request, _res: Response, next: NextFunction) => {
    const mapped = bodyParserError(err);
    if (!mapped) return next(err);
    if (mapped.getStatus() === 400 || deferAllBodyErrors(req.originalUrl)) {
      // Bad JSON (and, on SCIM paths, a body too large): answered after authentication, where a
      // route reads its body (malformed-body.ts), so SCIM answers it in its own error schema.
      req.body = new MalformedBody(mapped);
      return next();
    }
    next(mapped);
  });
}
