import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { GroupEntity } from '../groups/entities/group.entity.js';
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

@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  getOrganizationById(id: string, manager: EntityManager = this.db.manager): Promise<OrganizationEntity | null> {
    return manager.findOneBy(OrganizationEntity, { id });
  }

  async getOrganizationByName(name: string, manager: EntityManager = this.db.manager): Promise<OrganizationEntity | null> {
    return manager
      .createQueryBuilder(OrganizationEntity, 'o')
      .where('lower(o.name) = lower(:name)', { name })
      .getOne();
  }

  getDefaultOrganization(manager: EntityManager = this.db.manager): Promise<OrganizationEntity | null> {
    return manager.findOne(OrganizationEntity, { where: { isDefault: true } });
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

  /** Inserts an organization and its Everyone group (id = organization id, no member rows). */
  async insertOrganization(manager: EntityManager, input: NewOrganization): Promise<OrganizationEntity> {
    const now = new Date();
    const org = manager.create(OrganizationEntity, {
      id: randomUUID(),
      name: input.name,
      displayName: input.displayName ?? '',
      description: input.description ?? '',
      icon: input.icon ?? '',
      isDefault: input.isDefault ?? false,
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(OrganizationEntity, org);
    await manager.insert(GroupEntity, {
      id: org.id,
      name: 'Everyone',
      displayName: '',
      organizationId: org.id,
      avatarUrl: '',
      quotaAllowance: 0,
      source: 'user',
    });
    return org;
  }

  async insertMember(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    roles: string[] = [],
  ): Promise<OrganizationMemberEntity> {
    const now = new Date();
    const member = manager.create(OrganizationMemberEntity, {
      organizationId,
      userId,
      roles,
      createdAt: now,
      updatedAt: now,
    });
    await manager.insert(OrganizationMemberEntity, member);
    return member;
  }

  getMember(organizationId: string, userId: string, manager: EntityManager = this.db.manager) {
    return manager.findOneBy(OrganizationMemberEntity, { organizationId, userId });
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

  async updateMemberRoles(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    roles: string[],
  ): Promise<OrganizationMemberEntity> {
    await manager.update(OrganizationMemberEntity, { organizationId, userId }, { roles, updatedAt: new Date() });
    return manager.findOneByOrFail(OrganizationMemberEntity, { organizationId, userId });
  }

  async deleteMember(manager: EntityManager, organizationId: string, userId: string): Promise<void> {
    await manager.delete(OrganizationMemberEntity, { organizationId, userId });
  }

  /** Organization ids per user, for a page of users, in one query. */
  async organizationIdsOfUsers(userIds: string[], manager: EntityManager = this.db.manager): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return result;
    const rows: { user_id: string; organization_id: string }[] = await manager.query(
      `SELECT user_id, organization_id FROM organization_members WHERE user_id = ANY($1::uuid[])
        ORDER BY created_at, organization_id`,
      [userIds],
    );
    for (const row of rows) result.get(row.user_id)?.push(row.organization_id);
    return result;
  }
}
