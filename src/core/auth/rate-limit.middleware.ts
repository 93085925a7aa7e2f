import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { preconditionRequired, tooManyRequests } from '../../common/errors.js';
import { RouteTable } from '../../common/http/route-table.js';
import { isOwner } from '../rbac/policy.js';
import { hasBody, tarpit } from '../../common/http/tarpit.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import type { AuthenticatedRequest } from './auth.middleware.js';
import { extractSessionToken } from './token-source.js';

const WINDOW_MS = 60_000;
/** Coder's login limiter: password guessing is limited per client address. */
const LOGIN_LIMIT = 60;
const BYPASS_HEADER = 'x-coder-bypass-ratelimit';
const LOGIN_ROUTE = '/api/v2/users/login';

/** Marks a request the early check has already counted. */
const COUNTED_EARLY = Symbol('rateLimitedEarly');
type Countable = Request & { [COUNTED_EARLY]?: true };

function clientKey(req: Request): string {
  return `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
}

function limitedResponse(limit: number) {
  return (req: Request, res: Response, next: NextFunction) =>
    tarpit(res, () => {
      // Refused before its body was read (the early check): close rather than read it.
      if (!req.complete && hasBody(req.headers)) res.setHeader('Connection', 'close');
      next(tooManyRequests(`You've been rate limited for sending more than ${limit} requests in 1m0s.`));
    });
}

/**
 * `CODER_API_RATE_LIMIT` requests a minute per signed-in user (per client address otherwise),
 * across all API routes, with Coder's `X-Ratelimit-*` headers and 429 message. Owners may skip it
 * with `X-Coder-Bypass-Ratelimit: true`; anyone else sending that header gets 428, as in Coder.
 * Login is also limited to 60 a minute per address. The 429 comes after a pause (tarpit.ts).
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly api: RateLimitRequestHandler | undefined;
  private readonly login: RateLimitRequestHandler | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly routes: RouteTable,
  ) {
    if (config.apiRateLimit < 0) return;
    this.api = rateLimit({
      windowMs: WINDOW_MS,
      limit: config.apiRateLimit,
      legacyHeaders: true,
      standardHeaders: false,
      keyGenerator: (req) => {
        const actor = (req as AuthenticatedRequest).user;
        return actor ? `user:${actor.id}` : clientKey(req);
      },
      handler: limitedResponse(config.apiRateLimit),
    });
    this.login = rateLimit({
      windowMs: WINDOW_MS,
      limit: LOGIN_LIMIT,
      legacyHeaders: true,
      standardHeaders: false,
      keyGenerator: clientKey,
      handler: limitedResponse(LOGIN_LIMIT),
    });
  }

  /**
   * Callers who present no session token are limited by address as soon as a request arrives,
   * before anything reads or parses its body (installed by http-setup.ts): a flood past the limit
   * (deep JSON to the login route, say) is answered 429 for the cost of a counter lookup. Callers
   * with a token are limited after authentication (`use`), by user.
   */
  readonly early = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.api || !req.originalUrl.startsWith('/api/') || extractSessionToken(req) !== undefined) return next();
    (req as Countable)[COUNTED_EARLY] = true;
    this.limit(req, res, next);
  };

  use(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    if (!this.api || !this.login || !req.originalUrl.startsWith('/api/') || (req as Countable)[COUNTED_EARLY])
      return next();
    this.limit(req, res, next);
  }

  private limit(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    if (!this.api || !this.login) return next();
    // As in Coder, the header only means something with a session: anonymous callers are limited
    // by address whatever they send, and login stays limited per address even for owners.
    const actor = req.user;
    const bypass = req.headers[BYPASS_HEADER];
    const wantsBypass = actor !== undefined && typeof bypass === 'string' && /^(1|t|true)$/i.test(bypass);
    if (wantsBypass && !isOwner(actor)) {
      return next(preconditionRequired('"X-Coder-Bypass-Ratelimit" provided but user is not owner'));
    }
    // Keyed on the route the router will match (case-sensitive and strict, as Coder's), never on
    // a pattern of the raw URL, so no spelling of the path reaches the login handler unlimited.
    const isLogin = req.method === 'POST' && this.routes.routeOf('POST', req.originalUrl.split('?')[0]) === LOGIN_ROUTE;
    const api: (req: Request, res: Response, next: NextFunction) => unknown = wantsBypass
      ? (_q, _s, n) => n()
      : this.api;
    if (!isLogin) return void api(req, res, next);
    this.login(req, res, (err?: unknown) => (err ? next(err) : void api(req, res, next)));
  }
}
