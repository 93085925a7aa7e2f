import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Actor } from '../rbac/actor.js';
import type { AuthenticatedRequest } from './auth.middleware.js';
import { AuthService } from './auth.service.js';

export const SESSION_STRATEGY = 'coder-session';

/** Passport strategy over Coder's session token; reuses the middleware's result when present. */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, SESSION_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(req: AuthenticatedRequest): Promise<Actor> {
    const result = req.auth ?? (await this.auth.authenticate(req));
    if (result.error) throw result.error;
    return result.actor;
  }
}
