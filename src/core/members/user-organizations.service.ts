import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors.js';
import { toOrganizationResponse } from '../organizations/dto/organization.dto.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { UsersService } from '../users/users.service.js';

/** `GET /users/{user}/organizations[/{name}]`: a user's organizations, filtered by what the caller sees. */
@Injectable()
export class UserOrganizationsService {
  constructor(
    private readonly users: UsersService,
    private readonly repo: OrganizationsRepository,
  ) {}

  async list(actor: Actor, userParam: string) {
    const user = await this.users.resolveVisible(actor, userParam);
    const orgs = await this.repo.listOrganizationsOfUser(user.id);
    return orgs.filter((o) => can(actor, 'read', { type: 'organization', orgId: o.id })).map(toOrganizationResponse);
  }

  async getByName(actor: Actor, userParam: string, name: string) {
    const orgs = await this.list(actor, userParam);
    const org = orgs.find((o) => o.name.toLowerCase() === name.toLowerCase());
    if (!org) throw notFound();
    return org;
  }
}
