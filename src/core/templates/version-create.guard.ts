import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { isAbsent } from '../../common/coder-validators.js';
import { forbidden, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';

/**
 * Route-level check for `POST /organizations/{organization}/templateversions`, before the body is
 * validated (the contract's order): 404 when the caller cannot see the organization; 403 when it
 * may not create templates there and names no `template_id`. A version for an existing template
 * is also open to that template's ACL admins, which the service decides once it has the template.
 */
@Injectable()
export class VersionCreateGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request & { user?: Actor }>();
    const actor = req.user;
    if (!actor) throw forbidden();
    const raw = req.params.organization;
    const param = typeof raw === 'string' ? raw : '';
    if (!isUuid(param)) throw invalidUuid('organization', param);
    const orgId = param.toLowerCase();
    if (!can(actor, 'read', { type: 'organization', orgId })) throw notFound();
    if (can(actor, 'create', { type: 'template', orgId })) return true;
    const templateId = (req.body as Record<string, unknown> | undefined)?.template_id;
    if (typeof templateId === 'string' && !isAbsent(templateId)) return true;
    throw forbidden();
  }
}
