import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthGuard } from '@nestjs/passport';
import { ACCESS_METADATA, type AccessRule } from '../access/access.decorators.js';
import { SESSION_STRATEGY } from './session.strategy.js';

/**
 * Global guard, secure by default: every route needs a session unless marked `@Public()`.
 *
 * The session was already checked once for this request (AuthenticationMiddleware, through
 * AuthService's per-request answer): when it found an actor, `req.user` holds it and there is
 * nothing for Passport to add. Passport runs the strategy otherwise, and its failure is the 401.
 * (Passport's authenticate builds a strategy instance and its callbacks per call: a third of this
 * guard's cost on every signed-in request, measured with `npm run bench -- profile`.)
 */
@Injectable()
export class SessionGuard extends AuthGuard(SESSION_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (rule?.kind === 'public') return true;
    if (ctx.switchToHttp().getRequest<Request>().user) return true;
    return super.canActivate(ctx) as Promise<boolean>;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err as Error; // passport hands the strategy's Error
    return user;
  }
}
