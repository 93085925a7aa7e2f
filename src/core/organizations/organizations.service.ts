import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { conflict, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { toOrganizationResponse, type CreateOrganizationRequest } from './dto/organization.dto.js';
import type { OrganizationEntity } from './entities/organization.entity.js';
import { OrganizationsRepository, type NewOrganization } from './organizations.repository.js';

export const ORG_EXISTS = 'Organization already exists with that name.';

@Injectable()
export class OrganizationsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: OrganizationsRepository,
    private readonly audit: AuditService,
  ) {}

  /** `{organization}` → the organization, or 400 (not a UUID) / 404 (unknown or not visible). */
  async resolveVisible(actor: Actor, param: string): Promise<OrganizationEntity> {
    if (!isUuid(param)) throw invalidUuid('organization', param);
    const id = param.toLowerCase();
    if (!can(actor, 'read', { type: 'organization', orgId: id })) throw notFound();
    const org = await this.repo.getOrganizationById(id);
    if (!org) throw notFound();
    return org;
  }

  async create(actor: Actor, body: CreateOrganizationRequest, meta: RequestMeta) {
    try {
      return toOrganizationResponse(await this.insertAudited(actor, body, meta));
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(ORG_EXISTS);
      throw err;
    }
  }

  private insertAudited(actor: Actor, body: CreateOrganizationRequest, meta: RequestMeta) {
    return this.db.transaction(async (manager) => {
      if (await this.repo.getOrganizationByName(body.name, manager)) throw conflict(ORG_EXISTS);
      const created = await this.createWithMember(manager, {
        name: body.name,
        displayName: body.display_name,
        description: body.description,
        icon: body.icon,
      }, actor.id);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          organizationId: created.id,
          resourceType: 'organization',
          resourceId: created.id,
          resourceTarget: created.name,
          action: 'create',
          statusCode: 201,
          diff: auditDiff(null, { ...toOrganizationResponse(created) }),
        },
        manager,
      );
      return created;
    });
  }

  /** Creates an organization with its Everyone group and makes `userId` a member. */
  async createWithMember(manager: EntityManager, input: NewOrganization, userId: string): Promise<OrganizationEntity> {
    const org = await this.repo.insertOrganization(manager, input);
    await this.repo.insertMember(manager, org.id, userId);
    return org;
  }

  async get(actor: Actor, param: string) {
    return toOrganizationResponse(await this.resolveVisible(actor, param));
  }

  /** Every organization the actor may read. */
  async list(actor: Actor) {
    const all = await this.repo.listOrganizations();
    return all.filter((org) => can(actor, 'read', { type: 'organization', orgId: org.id })).map(toOrganizationResponse);
  }

  getDefaultOrganization(manager?: EntityManager) {
    return this.repo.getDefaultOrganization(manager);
  }

  getOrganizationById(id: string, manager?: EntityManager) {
    return this.repo.getOrganizationById(id, manager);
  }

  addMember(manager: EntityManager, organizationId: string, userId: string, roles: string[] = []) {
    return this.repo.insertMember(manager, organizationId, userId, roles);
  }

  /** Every organization of each user: for authorization decisions. Never shown as is (see below). */
  organizationIdsOfUsers(userIds: string[], manager?: EntityManager) {
    return this.repo.organizationIdsOfUsers(userIds, manager);
  }

  /**
   * Each user's `organization_ids` as `viewer` may see them: only the organizations the viewer can
   * read, so a user's membership elsewhere (even that another organization exists) is not shown.
   */
  async organizationIdsShownTo(viewer: Actor, userIds: string[], manager?: EntityManager): Promise<Map<string, string[]>> {
    const all = await this.repo.organizationIdsOfUsers(userIds, manager);
    for (const [userId, orgIds] of all) all.set(userId, orgIds.filter((orgId) => can(viewer, 'read', { type: 'organization', orgId })));
    return all;
  }
}
