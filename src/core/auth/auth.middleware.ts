import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthService, type AuthResult } from './auth.service.js';

export type AuthenticatedRequest = Request & { auth?: AuthResult };

/**
 * Resolves the session token once, before rate limiting, so the limiter can key signed-in callers
 * by user and everyone else by IP. It never rejects: the session guard decides per route.
 */
@Injectable()
export class AuthenticationMiddleware implements NestMiddleware {
  constructor(private readonly auth: AuthService) {}

  async use(req: AuthenticatedRequest, _res: Response, next: NextFunction): Promise<void> {
    // Health checks and SCIM (its own key) never carry sessions; spare them the lookup.
    if (!req.originalUrl.startsWith('/api/')) return next();
    try {
      req.auth = await this.auth.authenticate(req);
      next();
    } catch (err) {
      next(err);
    }
  }
}
