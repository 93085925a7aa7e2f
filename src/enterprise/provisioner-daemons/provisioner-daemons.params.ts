import { Injectable, type OnModuleInit } from '@nestjs/common';
import { isUuid } from '../../common/errors.js';
import { ParamResolvers, type ParamResolver } from '../../core/access/resolved-params.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import { organizationIdInvalid, organizationMissing } from './provisioner-daemons.errors.js';

/** The organization may be named as `default` (Coder's CLI does). */
const DEFAULT_ALIAS = 'default';

/**
 * `{orgref}`: an organization id or `default`; 400 for a malformed id, 404 when unknown or (for a
 * signed-in caller) not visible. The `{organization}` parameter is strictly an id, hence the other
 * name. Without an actor (a daemon's pre-shared key on `/serve`) every organization is reachable.
 * `/serve` resolves its `{serveorg}` with this too, only after authenticating the daemon
 * (serve-access.service.ts), so the guards do not resolve it.
 */
@Injectable()
export class OrgRefParamResolver implements ParamResolver<OrganizationEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly organizations: OrganizationsService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('orgref', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<OrganizationEntity> {
    const isDefault = value.toLowerCase() === DEFAULT_ALIAS;
    if (!isDefault) {
      if (actor) return this.organizations.lookupVisible(actor, value);
      if (!isUuid(value)) throw organizationIdInvalid(value);
    }
    const org = isDefault
      ? await this.organizations.getDefaultOrganization()
      : await this.organizations.getOrganizationById(value.toLowerCase());
    if (!org) throw organizationMissing();
    if (actor && !can(actor, 'read', { type: 'organization', orgId: org.id })) throw organizationMissing();
    return org;
  }
}
