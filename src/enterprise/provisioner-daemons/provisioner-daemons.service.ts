import { Injectable } from '@nestjs/common';
import { invalidUuid, isUuid, notFound } from '../../common/errors.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import { toDaemonResponse, type ProvisionerDaemonResponse } from './dto/provisioner-daemon.dto.js';
import { ProvisionerDaemonsRepository } from './provisioner-daemons.repository.js';

/** `{organization}` may name the default organization as `default` (Coder's CLI does). */
const DEFAULT_ALIAS = 'default';

@Injectable()
export class ProvisionerDaemonsService {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly repo: ProvisionerDaemonsRepository,
  ) {}

  async list(actor: Actor, organization: string): Promise<ProvisionerDaemonResponse[]> {
    const org = await this.resolveOrganization(actor, organization);
    return (await this.repo.listDaemonsServingOrganization(org.id)).map(toDaemonResponse);
  }

  /**
   * The organization a request names: 400 for a malformed id, 404 when unknown or (for a signed-in
   * caller) not visible. Without an actor (pre-shared key) every organization is reachable.
   */
  async resolveOrganization(actor: Actor | undefined, param: string): Promise<OrganizationEntity> {
    if (param.toLowerCase() !== DEFAULT_ALIAS) {
      if (actor) return this.organizations.resolveVisible(actor, param);
      if (!isUuid(param)) throw invalidUuid('organization', param);
    }
    const org = param.toLowerCase() === DEFAULT_ALIAS
      ? await this.organizations.getDefaultOrganization()
      : await this.organizations.getOrganizationById(param.toLowerCase());
    if (!org) throw notFound();
    if (actor && !can(actor, 'read', { type: 'organization', orgId: org.id })) throw notFound();
    return org;
  }
}
