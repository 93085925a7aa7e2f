import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';

/** What a proxy reports about itself when it registers. */
export interface ProxyRegistration {
  url: string;
  wildcardHostname: string;
  derpEnabled: boolean;
  derpOnly: boolean;
  version: string;
}

/** The `workspace_proxies` table. */
@Injectable()
export class WorkspaceProxiesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts and reloads (the region id is assigned by the database). */
  async insertWorkspaceProxy(manager: EntityManager, proxy: Omit<WorkspaceProxyEntity, 'regionId'>): Promise<WorkspaceProxyEntity> {
    await manager.insert(WorkspaceProxyEntity, proxy);
    return manager.findOneByOrFail(WorkspaceProxyEntity, { id: proxy.id });
  }

  /** By id, deleted proxies included (Coder's GetWorkspaceProxyByID). */
  getWorkspaceProxyById(id: string, manager: EntityManager = this.db.manager): Promise<WorkspaceProxyEntity | null> {
    return manager.findOneBy(WorkspaceProxyEntity, { id });
  }

  /** By exact (case-sensitive) name, among non-deleted proxies (Coder's GetWorkspaceProxyByName). */
  getWorkspaceProxyByName(name: string): Promise<WorkspaceProxyEntity | null> {
    return this.db.manager.findOneBy(WorkspaceProxyEntity, { name, deleted: false });
  }

  /** Every non-deleted proxy, oldest first. */
  listWorkspaceProxies(): Promise<WorkspaceProxyEntity[]> {
    return this.db.manager.find(WorkspaceProxyEntity, { where: { deleted: false }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Locks the row for a read-modify-write, so the audit entry's old value is the one replaced. */
  lockWorkspaceProxy(manager: EntityManager, id: string): Promise<WorkspaceProxyEntity | null> {
    return manager.findOne(WorkspaceProxyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async updateWorkspaceProxy(
    manager: EntityManager,
    id: string,
    fields: Partial<Pick<WorkspaceProxyEntity, 'name' | 'displayName' | 'icon' | 'tokenHashedSecret'>>,
  ): Promise<WorkspaceProxyEntity> {
    await manager.update(WorkspaceProxyEntity, { id }, { ...fields, updatedAt: new Date() });
    return manager.findOneByOrFail(WorkspaceProxyEntity, { id });
  }

  async registerWorkspaceProxy(manager: EntityManager, id: string, registration: ProxyRegistration): Promise<void> {
    await manager.update(WorkspaceProxyEntity, { id }, { ...registration, updatedAt: new Date() });
  }

  /** Forgets the proxy's URLs: its status becomes `unregistered` until it registers again. */
  async unregisterWorkspaceProxy(manager: EntityManager, id: string): Promise<void> {
    await manager.update(WorkspaceProxyEntity, { id }, { url: '', wildcardHostname: '', updatedAt: new Date() });
  }

  async markWorkspaceProxyDeleted(manager: EntityManager, id: string): Promise<void> {
    await manager.update(WorkspaceProxyEntity, { id }, { deleted: true, updatedAt: new Date() });
  }
}
