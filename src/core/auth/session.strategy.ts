import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Actor } from '../rbac/actor.js';
import type { Request } from 'express';
import { AuthService } from './auth.service.js';

export const SESSION_STRATEGY = 'coder-session';

/** Passport strategy over Coder's session token; Passport puts the actor in `req.user`. */
@Injectable()
export class SessionStrategy extends PassportStrategy(Strategy, SESSION_STRATEGY) {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(req: Request): Promise<Actor> {
    const result = await this.auth.authenticate(req);
    if (result.error) throw result.error;
    return result.actor;
  }
}
