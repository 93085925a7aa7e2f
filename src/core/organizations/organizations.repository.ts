import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Pagination } from '../../common/query.js';
import { Database } from '../../database/database.js';
import type { UserFilter } from '../search/user-search.js';
import { OrganizationMemberEntity } from './entities/organization-member.entity.js';
import { OrganizationEntity } from './entities/organization.entity.js';
import { memberRowsQuery, membersFromRows, type MemberWithUser } from './member-rows.query.js';

export interface NewOrganization {
  name: string;
  displayName?: string;
  description?: string;
  icon?: string;
  isDefault?: boolean;
}

/** The one owner of `organizations` and `organization_members`. */
@Injectable()
export class OrganizationsRepository {
  constructor(private readonly db: Database) {}

  getOrganizationById(id: string): Promise<OrganizationEntity | null> {
    return this.db.manager.findOneBy(OrganizationEntity, { id });
  }

  async getOrganizationByName(name: string): Promise<OrganizationEntity | null> {
    return this.db.manager
      .createQueryBuilder(OrganizationEntity, 'o')
      .where('lower(o.name) = lower(:name)', { name })
      .getOne();
  }

  /** Organizations by id, in one statement (also for no ids, so a list route's statement count is fixed). */
  async getOrganizationsByIds(ids: string[]): Promise<Map<string, OrganizationEntity>> {
    const orgs = await this.db.manager
      .createQueryBuilder(OrganizationEntity, 'o')
      .where('o.id = ANY(:ids)', { ids })
      .getMany();
    return new Map(orgs.map((o) => [o.id, o]));
  }

  getDefaultOrganization(): Promise<OrganizationEntity | null> {
    return this.db.manager.findOne(OrganizationEntity, { where: { isDefault: true } });
  }

  listOrganizations(): Promise<OrganizationEntity[]> {
    return this.db.manager.find(OrganizationEntity, { order: { createdAt: 'ASC', id: 'ASC' } });
  }

  listOrganizationsOfUser(userId: string): Promise<OrganizationEntity[]> {
    return this.db.manager
      .createQueryBuilder(OrganizationEntity, 'o')
      .innerJoin(OrganizationMemberEntity, 'm', 'm.organization_id = o.id AND m.user_id = :userId', { userId })
      .orderBy('o.created_at', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .getMany();
  }

  /** Inserts an organization row (its Everyone group is the groups owner's: src/core/groups). */
  async insertOrganization(input: NewOrganization): Promise<OrganizationEntity> {
    const now = new Date();
    const org = this.db.manager.create(OrganizationEntity, {
      id: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? '',
      description: input.description ?? '',
      icon: input.icon ?? '',
      isDefault: input.isDefault ?? false,
      createdAt: now,
      updatedAt: now,
    });
    await this.db.manager.insert(OrganizationEntity, org);
    return org;
  }

  async insertMember(organizationId: string, userId: string, roles: string[] = []): Promise<OrganizationMemberEntity> {
    const now = new Date();
    const member = this.db.manager.create(OrganizationMemberEntity, {
      organizationId,
      userId,
      roles,
      createdAt: now,
      updatedAt: now,
    });
    await this.db.manager.insert(OrganizationMemberEntity, member);
    return member;
  }

  getMember(organizationId: string, userId: string): Promise<OrganizationMemberEntity | null> {
    return this.db.manager.findOneBy(OrganizationMemberEntity, { organizationId, userId });
  }

  /** Members with their users; a page of them when `page` is given (Coder's paginated-members). */
  async listMembersWithUsers(
    organizationId: string,
    filter?: UserFilter,
    page?: Pagination,
  ): Promise<{ members: MemberWithUser[]; count: number }> {
    const { sql, params } = memberRowsQuery(organizationId, filter, page);
    return membersFromRows(await this.db.manager.query(sql, params));
  }

  /** A user's memberships (organization and explicit roles), oldest first. */
  listMembershipsOfUser(userId: string): Promise<{ organization_id: string; roles: string[] }[]> {
    return this.db.manager.query(
      'SELECT organization_id, roles FROM organization_members WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
  }

  async updateMemberRoles(organizationId: string, userId: string, roles: string[]): Promise<OrganizationMemberEntity> {
    await this.db.manager.update(
      OrganizationMemberEntity,
      { organizationId, userId },
      { roles, updatedAt: new Date() },
    );
    return this.db.manager.findOneByOrFail(OrganizationMemberEntity, { organizationId, userId });
  }

  async deleteMember(organizationId: string, userId: string): Promise<void> {
    await this.db.manager.delete(OrganizationMemberEntity, { organizationId, userId });
  }

  /** Organization ids per user, for a page of users, in one query. */
  async organizationIdsOfUsers(userIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return result;
    const rows: { user_id: string; organization_id: string }[] = await this.db.manager.query(
      `SELECT user_id, organization_id FROM organization_members WHERE user_id = ANY($1::uuid[])
        ORDER BY created_at, organization_id`,
      [userIds],
    );
    for (const row of rows) result.get(row.user_id)?.push(row.organization_id);
    return result;
  }
}
