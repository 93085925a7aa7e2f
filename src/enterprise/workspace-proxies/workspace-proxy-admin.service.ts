import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { badRequest, conflict, forbidden, notFound } from '../../common/errors.js';
import { auditDiff, AuditService, type AuditAction } from '../../core/audit/audit.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { Action } from '../../core/rbac/permissions.js';
import { can } from '../../core/rbac/policy.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import {
  proxyAuditSnapshot,
  toStatusDto,
  withToken,
  type CreateWorkspaceProxyRequest,
  type PatchWorkspaceProxy,
  type UpdateWorkspaceProxyResponse,
} from './dto/workspace-proxy.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { PROXY_MESSAGES } from './messages.js';
import { PRIMARY_PROXY_NAME, PrimaryProxyService } from './primary-proxy.service.js';
import { unregisteredHealth } from './proxy-health-check.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { issueProxyToken } from './proxy-token.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';
import { WorkspaceProxiesService } from './workspace-proxies.service.js';

/** Creating, updating and deleting proxies (owners). Every change is audited and re-checks health. */
@Injectable()
export class WorkspaceProxyAdminService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly proxies: WorkspaceProxiesService,
    private readonly primary: PrimaryProxyService,
    private readonly health: ProxyHealthService,
    private readonly audit: AuditService,
  ) {}

  /** 201 with the proxy and its token (the only time the token is shown). */
  async create(actor: Actor, body: CreateWorkspaceProxyRequest, meta: RequestMeta): Promise<UpdateWorkspaceProxyResponse> {
    assertNotReserved(body.name);
    const id = randomUUID();
    const { token, hashedSecret } = issueProxyToken(id);
    const now = new Date();
    const proxy = await this.saveUnique(body.name, (manager) =>
      this.repo.insertWorkspaceProxy(manager, {
        id,
        name: body.name,
        displayName: body.display_name ?? '',
        icon: body.icon ?? '',
        url: '',
        wildcardHostname: '',
        createdAt: now,
        updatedAt: now,
        deleted: false,
        tokenHashedSecret: hashedSecret,
        derpEnabled: true,
        derpOnly: false,
        version: '',
      }),
      (manager, created) => this.record(manager, actor, meta, created, 'create', 201, null, created),
    );
    await this.health.announceChange(proxy.id);
    // Coder answers a fresh proxy as `unregistered`, checked now.
    return withToken({ ...this.proxies.present(proxy), status: toStatusDto(unregisteredHealth(now)), healthy: false }, token);
  }

  async patch(actor: Actor, param: string, body: PatchWorkspaceProxy, meta: RequestMeta): Promise<UpdateWorkspaceProxyResponse> {
    const target = await this.proxies.resolve(actor, param);
    assertMay(actor, 'update');
    if (target.primary) return this.patchPrimary(actor, body, meta);
    if (target.proxy.deleted) throw badRequest(PROXY_MESSAGES.deletedProxy);
    const rename = body.name && body.name !== target.proxy.name ? body.name : undefined;
    if (rename !== undefined) assertNotReserved(rename);
    const issued = body.regenerate_token ? issueProxyToken(target.proxy.id) : undefined;
    const updated = await this.saveUnique(
      rename ?? target.proxy.name,
      async (manager) => {
        const before = await this.repo.lockWorkspaceProxy(manager, target.proxy.id);
        if (!before) throw notFound();
        const after = await this.repo.updateWorkspaceProxy(manager, before.id, {
          ...(rename !== undefined ? { name: rename } : {}),
          ...(body.display_name ? { displayName: body.display_name } : {}),
          ...(body.icon ? { icon: body.icon } : {}),
          ...(issued ? { tokenHashedSecret: issued.hashedSecret } : {}),
        });
        return { before, after };
      },
      (manager, { before, after }) => this.record(manager, actor, meta, after, 'write', 200, before, after),
    );
    await this.health.announceChange(updated.after.id);
    return withToken(this.proxies.present(updated.after), issued?.token ?? '');
  }

  async delete(actor: Actor, param: string, meta: RequestMeta): Promise<{ message: string }> {
    const target = await this.proxies.resolve(actor, param);
    assertMay(actor, 'delete');
    if (target.primary) throw badRequest(PROXY_MESSAGES.deletePrimary);
    await this.db.transaction(async (manager) => {
      const before = await this.repo.lockWorkspaceProxy(manager, target.proxy.id);
      if (!before) throw notFound();
      // Deleting again succeeds again, as in Coder (the row stays, soft-deleted).
      await this.repo.markWorkspaceProxyDeleted(manager, before.id);
      await this.record(manager, actor, meta, before, 'delete', 200, before, null);
    });
    await this.health.announceChange(target.proxy.id);
    return { message: PROXY_MESSAGES.deleted };
  }

  /** The primary: only its display name and icon change (stored in `site_configs`). */
  private async patchPrimary(actor: Actor, body: PatchWorkspaceProxy, meta: RequestMeta): Promise<UpdateWorkspaceProxyResponse> {
    if (body.name && body.name !== PRIMARY_PROXY_NAME) {
      throw badRequest(PROXY_MESSAGES.primaryRename, undefined, [{ field: 'name', detail: PROXY_MESSAGES.primaryRenameField }]);
    }
    if (body.regenerate_token) {
      throw badRequest(PROXY_MESSAGES.primaryToken, undefined, [{ field: 'regenerate_token', detail: PROXY_MESSAGES.primaryTokenField }]);
    }
    if (!body.display_name && !body.icon) {
      throw badRequest(PROXY_MESSAGES.nothingToUpdate, undefined, [
        { field: 'display_name', detail: PROXY_MESSAGES.noValue },
        { field: 'icon', detail: PROXY_MESSAGES.noValue },
      ]);
    }
    const after = await this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('site_configs:primary_proxy'))`);
      const before = await this.primary.present(manager);
      await this.primary.update(manager, body.display_name ?? '', body.icon ?? '');
      const next = await this.primary.present(manager);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'workspace_proxy',
          resourceId: next.id,
          resourceTarget: PRIMARY_PROXY_NAME,
          action: 'write',
          statusCode: 200,
          diff: auditDiff(
            { display_name: before.display_name, icon: before.icon_url },
            { display_name: next.display_name, icon: next.icon_url },
          ),
        },
        manager,
      );
      return next;
    });
    return withToken(after, '');
  }

  /** Runs `write` then `audit` in one transaction; a name clash among non-deleted proxies is 409. */
  private async saveUnique<T>(
    name: string,
    write: (manager: EntityManager) => Promise<T>,
    audit: (manager: EntityManager, result: T) => Promise<void>,
  ): Promise<T> {
    try {
      return await this.db.transaction(async (manager) => {
        const result = await write(manager);
        await audit(manager, result);
        return result;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(PROXY_MESSAGES.duplicateName(name));
      throw err;
    }
  }

  private record(
    manager: EntityManager,
    actor: Actor,
    meta: RequestMeta,
    proxy: WorkspaceProxyEntity,
    action: AuditAction,
    statusCode: number,
    before: WorkspaceProxyEntity | null,
    after: WorkspaceProxyEntity | null,
  ): Promise<void> {
    return this.audit.record(
      {
        meta,
        userId: actor.id,
        resourceType: 'workspace_proxy',
        resourceId: proxy.id,
        resourceTarget: proxy.name,
        action,
        statusCode,
        diff: auditDiff(before ? proxyAuditSnapshot(before) : null, after ? proxyAuditSnapshot(after) : null),
      },
      manager,
    );
  }
}

function assertNotReserved(name: string): void {
  if (name.toLowerCase() === PRIMARY_PROXY_NAME) {
    throw badRequest(PROXY_MESSAGES.reservedName, PROXY_MESSAGES.reservedNameDetail, [{ field: 'name', detail: 'Reserved name' }]);
  }
}

/** Everyone may see the primary; only owners may change or delete anything. */
function assertMay(actor: Actor, action: Action): void {
  if (!can(actor, action, { type: 'workspace_proxy' })) throw forbidden();
}

