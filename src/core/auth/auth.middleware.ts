import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../rbac/actor.js';
import { AuthService } from './auth.service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** `req.user` (Passport's slot) is the one place a request's actor lives. */
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends Actor {}
  }
}

/** A request whose session has been checked: `user` holds the actor. */
export type AuthenticatedRequest = Request;

/**
 * Resolves the session token before rate limiting, so the limiter can key signed-in callers by
 * user and everyone else by IP. It never rejects: the session guard decides per route, from the
 * same check (AuthService.authenticate answers a request once).
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(private readonly auth: AuthService) {}

  async use(req: AuthenticatedRequest, _res: Response, next: NextFunction): Promise<void> {
    // Health checks and SCIM (its own key) never carry sessions; spare them the lookup.
    if (!req.originalUrl.startsWith('/api/')) return next();
    try {
      const result = await this.auth.authenticate(req);
      if (result.actor) req.user = result.actor;
      next();
    } catch (err) {
      next(err);
    }
  }
}
