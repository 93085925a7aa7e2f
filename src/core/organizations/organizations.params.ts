import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ParamResolvers, type ParamResolver, type ResolutionContext } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import type { OrganizationEntity } from './entities/organization.entity.js';
import { organizationMissing } from './organizations.errors.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';

/**
 * `{organization}`: an organization id, name or `default`, as Coder's current
 * `ExtractOrganizationParam` (the 2024+ dashboard puts names in paths); 404 when unknown or not
 * visible to the caller. The 2023 API took ids only (400 for anything else).
 */
@Injectable()
export class OrganizationParamResolver implements ParamResolver<OrganizationEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly orgs: OrganizationsService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('organization', this);
  }

  resolve(value: string, actor: Actor | undefined): Promise<OrganizationEntity> {
    if (!actor) throw organizationMissing();
    return this.orgs.lookupVisible(actor, value);
  }
}

/**
 * `{organizationname}`: an organization by name (case-insensitive) that the caller can see; under
 * a `{user}` path, only one of that user's organizations. 404 otherwise.
 */
@Injectable()
export class OrganizationNameParamResolver implements ParamResolver<OrganizationEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: OrganizationsRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('organizationname', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<OrganizationEntity> {
    const org = await this.repo.getOrganizationByName(value);
    if (!actor || !org || !can(actor, 'read', { type: 'organization', orgId: org.id })) throw organizationMissing();
    const user = req.resolved?.user as UserEntity | undefined;
    if (user && !(await this.repo.getMember(org.id, user.id))) throw organizationMissing();
    return org;
  }
}
