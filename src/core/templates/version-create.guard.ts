import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isAbsent } from '../../common/coder-validators.js';
import { forbidden, internalError } from '../../common/errors.js';
import type { ResolvingRequest } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { can } from '../rbac/policy.js';

/**
 * Route-level check for `POST /organizations/{organization}/templateversions`, before the body is
 * validated (Coder's order): after `{organization}` resolved (400, or 404 when the caller cannot
 * see it), 403 when the caller may not create templates there and names no `template_id`. A
 * version for an existing template is also open to that template's ACL admins, which the service
 * decides once it has the template.
 */
@Injectable()
export class VersionCreateGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<ResolvingRequest>();
    const actor = req.user;
    if (!actor) throw forbidden();
    const org = req.resolved?.organization as OrganizationEntity | undefined;
    if (!org) throw internalError('VersionCreateGuard runs after "organization" is resolved');
    if (can(actor, 'create', { type: 'template', orgId: org.id })) return true;
    const templateId = (req.body as Record<string, unknown> | undefined)?.template_id;
    if (typeof templateId === 'string' && !isAbsent(templateId)) return true;
    throw forbidden();
  }
}
