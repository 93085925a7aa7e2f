import { Injectable } from '@nestjs/common';
import { toOrganizationResponse, type OrganizationResponse } from '../organizations/dto/organization.dto.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from '../users/entities/user.entity.js';

/** `GET /users/{user}/organizations`: a user's organizations, filtered by what the caller sees. */
@Injectable()
export class UserOrganizationsService {
  constructor(private readonly repo: OrganizationsRepository) {}

  async list(actor: Actor, user: UserEntity): Promise<OrganizationResponse[]> {
    const orgs = await this.repo.listOrganizationsOfUser(user.id);
    return orgs.filter((o) => can(actor, 'read', { type: 'organization', orgId: o.id })).map(toOrganizationResponse);
  }
}
