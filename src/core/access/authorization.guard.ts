import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, isUuid, MESSAGES, notFound } from '../../common/errors.js';

export const APP_CONNECT_ONLY = 'This API key is scoped to application_connect and cannot be used for the API.';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { ACCESS_METADATA, type AccessRule } from './access.decorators.js';
import { ParamResolvers } from './resolved-params.js';

type AuthorizeRule = Extract<AccessRule, { kind: 'authorize' }>;

/**
 * Route-level RBAC, after authentication and entitlements and before validation. With an
 * organization parameter: 404 when the caller cannot see the organization, 403 when it can
 * but lacks the permission. Object-level rules live in the services.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolvers: ParamResolvers,
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
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
    const { options } = rule;
    if (!options.orgParam) return authorize(actor, rule, undefined);
    const raw = req.params[options.orgParam];
    const value = typeof raw === 'string' ? raw : '';
    if (!isUuid(value)) return this.authorizeByName(actor, rule, options.orgParam, value);
    const orgId = value.toLowerCase();
    if (!can(actor, 'read', { type: 'organization', orgId })) throw notFound();
    return authorize(actor, rule, orgId);
  }

  /**
   * Coder's current `{organization}` also takes a name or `default` (the 2024+ dashboard sends
   * names): the parameter's resolver finds it, with its 404 when unknown or not visible.
   */
  private async authorizeByName(actor: Actor, rule: AuthorizeRule, orgParam: string, value: string): Promise<boolean> {
    const org = (await this.resolvers.load(orgParam, value, actor)) as { id: string };
    return authorize(actor, rule, org.id);
  }
}

function authorize(actor: Actor, rule: AuthorizeRule, orgId: string | undefined): boolean {
  if (can(actor, rule.action, { type: rule.resource, orgId })) return true;
  throw rule.options.hide ? notFound() : forbidden(rule.options.message);
}
