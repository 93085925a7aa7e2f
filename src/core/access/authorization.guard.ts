import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, invalidUuid, isUuid, MESSAGES, notFound } from '../../common/errors.js';

export const APP_CONNECT_ONLY = 'This API key is scoped to application_connect and cannot be used for the API.';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorators.js';

/**
 * Route-level RBAC, after authentication and entitlements and before validation. With an
 * organization parameter: 404 when the caller cannot see the organization, 403 when it can
 * but lacks the permission. Object-level rules live in the services.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_METADATA, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (!rule || rule.kind === 'public') return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: Actor }>();
    const actor = req.user;
    if (!actor) throw forbidden();
    // Keys scoped to `application_connect` may only open workspace applications, never call the API.
    if (actor.apiKeyScope !== 'all') throw forbidden(MESSAGES.forbidden, APP_CONNECT_ONLY);
    if (rule.kind !== 'authorize') return true;
    const { resource, action, options } = rule;
    let orgId: string | undefined;
    if (options.orgParam) {
      const raw = req.params[options.orgParam];
      const value = typeof raw === 'string' ? raw : '';
      if (!isUuid(value)) throw invalidUuid(options.orgParam, value);
      orgId = value.toLowerCase();
      if (!can(actor, 'read', { type: 'organization', orgId })) throw notFound();
    }
    if (can(actor, action, { type: resource, orgId })) return true;
    throw options.hide ? notFound() : forbidden(options.message);
  }
}
