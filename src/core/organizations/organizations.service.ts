import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { isUuid, type ValidationEntry } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { GroupsRepository } from '../groups/groups.repository.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import {
  toOrganizationResponse,
  type CreateOrganizationRequest,
  type OrganizationResponse,
} from './dto/organization.dto.js';
import type { OrganizationEntity } from './entities/organization.entity.js';
import { organizationExists, organizationMissing } from './organizations.errors.js';
import { OrganizationsRepository, type NewOrganization } from './organizations.repository.js';

/** Coder's `codersdk.DefaultOrganization`: names the default organization in a path. */
export const DEFAULT_ORGANIZATION_REF = 'default';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: Database,
    private readonly repo: OrganizationsRepository,
    private readonly groups: GroupsRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * An organization as Coder's current `{organization}` path parameter names it: `default` (or the
   * nil UUID) for the default organization, an id, or else a name (case-insensitive). Null when
   * there is none.
   */
  findByRef(ref: string): Promise<OrganizationEntity | null> {
    if (ref === DEFAULT_ORGANIZATION_REF || ref === NIL_UUID) return this.repo.getDefaultOrganization();
    if (isUuid(ref)) return this.repo.getOrganizationById(ref.toLowerCase());
    return this.repo.getOrganizationByName(ref);
  }

  /**
   * The `organization:` key of Coder's search queries (searchquery parseOrganization): an id is
   * taken as given (the nil id filters nothing), a name must be an organization the caller may
   * see. Answers the id to filter on, or the validation the route reports in its own 400.
   */
  async searchKeyOrganization(
    actor: Actor,
    ref: string,
  ): Promise<{ id: string | undefined } | { invalid: ValidationEntry }> {
    if (isUuid(ref)) return { id: ref === NIL_UUID ? undefined : ref.toLowerCase() };
    const org = await this.repo.getOrganizationByName(ref);
    if (org && can(actor, 'read', { type: 'organization', orgId: org.id })) return { id: org.id };
    return {
      invalid: {
        field: 'organization',
        detail: `Query param "organization" has invalid value: organization ${JSON.stringify(ref)} either does not exist, or you are unauthorized to view it`,
      },
    };
  }

  /**
   * `findByRef` as `actor` may see it: 404 when unknown or not visible (the same answer, so names
   * cannot be probed). The `{organization}` resolver (organizations.params.ts) and the provisioner
   * daemons' `{orgref}` share it.
   */
  async lookupVisible(actor: Actor, ref: string): Promise<OrganizationEntity> {
    if (isUuid(ref) && !can(actor, 'read', { type: 'organization', orgId: ref.toLowerCase() })) {
      throw organizationMissing();
    }
    const org = await this.findByRef(ref);
    if (!org || !can(actor, 'read', { type: 'organization', orgId: org.id })) throw organizationMissing();
    return org;
  }

  async create(actor: Actor, body: CreateOrganizationRequest, meta: RequestMeta): Promise<OrganizationResponse> {
    try {
      return toOrganizationResponse(await this.insertAudited(actor, body, meta));
    } catch (err) {
      if (isUniqueViolation(err)) throw organizationExists();
      throw err;
    }
  }

  private insertAudited(actor: Actor, body: CreateOrganizationRequest, meta: RequestMeta): Promise<OrganizationEntity> {
    return this.db.transaction(async () => {
      if (await this.repo.getOrganizationByName(body.name)) throw organizationExists();
      const created = await this.createWithMember(
        { name: body.name, displayName: body.display_name, description: body.description, icon: body.icon },
        actor.id,
      );
      await this.audit.record({
        meta,
        userId: actor.id,
        organizationId: created.id,
        resourceType: 'organization',
        resourceId: created.id,
        resourceTarget: created.name,
        action: 'create',
        statusCode: 201,
        diff: auditDiff(null, { ...toOrganizationResponse(created) }),
      });
      return created;
    });
  }

  /** Creates an organization with its Everyone group and makes `userId` a member, in one transaction. */
  createWithMember(input: NewOrganization, userId: string): Promise<OrganizationEntity> {
    return this.db.transaction(async () => {
      const org = await this.repo.insertOrganization(input);
      await this.groups.insertEveryoneGroup(org.id);
      await this.repo.insertMember(org.id, userId);
      return org;
    });
  }

  /** Every organization the actor may read. */
  async list(actor: Actor): Promise<OrganizationResponse[]> {
    const all = await this.repo.listOrganizations();
    return all.filter((org) => can(actor, 'read', { type: 'organization', orgId: org.id })).map(toOrganizationResponse);
  }

  /** The organizations among `ids` that `viewer` may read, by id, in one statement. */
  async organizationsShownTo(viewer: Actor, ids: string[]): Promise<Map<string, OrganizationEntity>> {
    const orgs = await this.repo.getOrganizationsByIds([...new Set(ids)]);
    for (const id of orgs.keys()) if (!can(viewer, 'read', { type: 'organization', orgId: id })) orgs.delete(id);
    return orgs;
  }

  getDefaultOrganization(): Promise<OrganizationEntity | null> {
    return this.repo.getDefaultOrganization();
  }

  getOrganizationById(id: string): Promise<OrganizationEntity | null> {
    return this.repo.getOrganizationById(id);
  }

  /** An organization by name (case-insensitive), without a visibility check. */
  getOrganizationByName(name: string): Promise<OrganizationEntity | null> {
    return this.repo.getOrganizationByName(name);
  }

  addMember(organizationId: string, userId: string, roles: string[] = []) {
    return this.repo.insertMember(organizationId, userId, roles);
  }

  /** Every organization of each user: for authorization decisions. Never shown as is (see below). */
  organizationIdsOfUsers(userIds: string[]): Promise<Map<string, string[]>> {
    return this.repo.organizationIdsOfUsers(userIds);
  }

  /**
   * Each user's `organization_ids` as `viewer` may see them: only the organizations the viewer can
   * read, so a user's membership elsewhere (even that another organization exists) is not shown.
   */
  async organizationIdsShownTo(viewer: Actor, userIds: string[]): Promise<Map<string, string[]>> {
    const all = await this.repo.organizationIdsOfUsers(userIds);
    for (const [userId, orgIds] of all)
      all.set(
        userId,
        orgIds.filter((orgId) => can(viewer, 'read', { type: 'organization', orgId })),
      );
    return all;
  }
}
