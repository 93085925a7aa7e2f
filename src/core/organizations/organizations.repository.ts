import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
import { OrganizationMemberEntity } from './entities/organization-member.entity.js';
import { OrganizationEntity } from './entities/organization.entity.js';

export interface NewOrganization {
  name: string;
  displayName?: string;
  description?: string;
  icon?: string;
  isDefault?: boolean;
}

export interface MemberWithUsername extends OrganizationMemberEntity {
  username: string;
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

  async listMembersWithUsernames(organizationId: string): Promise<MemberWithUsername[]> {
    const rows = await this.db.manager
      .createQueryBuilder(OrganizationMemberEntity, 'm')
      .innerJoin('users', 'u', 'u.id = m.user_id AND u.deleted = false')
      .addSelect('u.username', 'username')
      .where('m.organization_id = :organizationId', { organizationId })
      .orderBy('lower(u.username)', 'ASC')
      .getRawAndEntities<{ username: string }>();
    return rows.entities.map((member, i) => ({ ...member, username: rows.raw[i].username }));
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
