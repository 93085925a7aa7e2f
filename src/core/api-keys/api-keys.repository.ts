import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity.js';

@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertApiKey(key: ApiKeyEntity, manager: EntityManager = this.db.manager): Promise<ApiKeyEntity> {
    await manager.insert(ApiKeyEntity, key);
    return key;
  }

  getApiKeyById(id: string): Promise<ApiKeyEntity | null> {
    return this.db.manager.findOneBy(ApiKeyEntity, { id });
  }

  getTokenByName(userId: string, tokenName: string): Promise<ApiKeyEntity | null> {
    return this.db.manager.findOneBy(ApiKeyEntity, { userId, tokenName, loginType: 'token' });
  }

  /** Long-lived tokens (login_type `token`), of one user or of everyone, with owner usernames. */
  async listTokens(userId: string | undefined): Promise<(ApiKeyEntity & { username: string })[]> {
    const qb = this.db.manager
      .createQueryBuilder(ApiKeyEntity, 'k')
      .innerJoin('users', 'u', 'u.id = k.user_id')
      .addSelect('u.username', 'username')
      .where("k.login_type = 'token'")
      .orderBy('k.created_at', 'ASC')
      .addOrderBy('k.id', 'ASC');
    if (userId) qb.andWhere('k.user_id = :userId', { userId });
    const { entities, raw } = await qb.getRawAndEntities<{ username: string }>();
    return entities.map((k, i) => Object.assign(k, { username: raw[i].username }));
  }

  async deleteApiKey(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(ApiKeyEntity, { id });
  }

  async deleteApplicationConnectKeys(manager: EntityManager, userId: string): Promise<void> {
    await manager.delete(ApiKeyEntity, { userId, scope: 'application_connect' });
  }
}
