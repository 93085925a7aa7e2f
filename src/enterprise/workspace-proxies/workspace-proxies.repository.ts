import { Injectable } from '@nestjs/common';
import { Database } from '../../database/database.js';
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
  constructor(private readonly db: Database) {}

  /** Inserts and reloads (the region id is assigned by the database). */
  async insertWorkspaceProxy(proxy: Omit<WorkspaceProxyEntity, 'regionId'>): Promise<WorkspaceProxyEntity> {
    await this.db.manager.insert(WorkspaceProxyEntity, proxy);
    return this.db.manager.findOneByOrFail(WorkspaceProxyEntity, { id: proxy.id });
  }

  /** By id, deleted proxies included (Coder's GetWorkspaceProxyByID). */
  getWorkspaceProxyById(id: string): Promise<WorkspaceProxyEntity | null> {
    return this.db.manager.findOneBy(WorkspaceProxyEntity, { id });
  }

  /** By exact (case-sensitive) name, among non-deleted proxies (Coder's GetWorkspaceProxyByName). */
  getWorkspaceProxyByName(name: string): Promise<WorkspaceProxyEntity | null> {
    return this.db.manager.findOneBy(WorkspaceProxyEntity, { name, deleted: false });
  }

  /** Every non-deleted proxy, oldest first. */
  listWorkspaceProxies(): Promise<WorkspaceProxyEntity[]> {
    return this.db.manager.find(WorkspaceProxyEntity, {
      where: { deleted: false },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Locks the row for a read-modify-write, so the audit entry's old value is the one replaced. */
  lockWorkspaceProxy(id: string): Promise<WorkspaceProxyEntity | null> {
    return this.db.manager.findOne(WorkspaceProxyEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Serializes changes to the primary region's display name and icon (two `site_configs` keys)
   * for the rest of the transaction, so the audit entry's old values are the ones replaced.
   */
  async lockPrimaryProxySettings(): Promise<void> {
    await this.db.manager.query(`SELECT pg_advisory_xact_lock(hashtext('site_configs:primary_proxy'))`);
  }

  async updateWorkspaceProxy(
    id: string,
    fields: Partial<Pick<WorkspaceProxyEntity, 'name' | 'displayName' | 'icon' | 'tokenHashedSecret'>>,
  ): Promise<WorkspaceProxyEntity> {
    await this.db.manager.update(WorkspaceProxyEntity, { id }, { ...fields, updatedAt: new Date() });
    return this.db.manager.findOneByOrFail(WorkspaceProxyEntity, { id });
  }

  async registerWorkspaceProxy(id: string, registration: ProxyRegistration): Promise<void> {
    await this.db.manager.update(WorkspaceProxyEntity, { id }, { ...registration, updatedAt: new Date() });
  }

  /** Forgets the proxy's URLs: its status becomes `unregistered` until it registers again. */
  async unregisterWorkspaceProxy(id: string): Promise<void> {
    await this.db.manager.update(
      WorkspaceProxyEntity,
      { id },
      { url: '', wildcardHostname: '', updatedAt: new Date() },
    );
  }

  async markWorkspaceProxyDeleted(id: string): Promise<void> {
    await this.db.manager.update(WorkspaceProxyEntity, { id }, { deleted: true, updatedAt: new Date() });
  }
}
