import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ParamResolvers, type ParamResolver } from '../../core/access/resolved-params.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { organizationMissing } from './provisioner-daemons.errors.js';

/**
 * `{orgref}`: an organization as `{organization}` names it (id, name or `default`); 404 when unknown
 * or (for a signed-in caller) not visible. A separate parameter because a daemon with a pre-shared
 * key has no actor: then every organization is reachable. `/serve` resolves its `{serveorg}` with
 * this too, only after authenticating the daemon (serve-access.service.ts), so the guards do not
 * resolve it.
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
    if (actor) return this.organizations.lookupVisible(actor, value);
    const org = await this.organizations.findByRef(value);
    if (!org) throw organizationMissing();
    return org;
  }
}
