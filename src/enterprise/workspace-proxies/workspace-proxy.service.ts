import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { auditDiff, AuditService } from '../../core/audit/audit.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { Action } from '../../core/rbac/permissions.js';
import { can } from '../../core/rbac/policy.js';
import { Database } from '../../database/database.js';
import {
  withToken,
  type PatchWorkspaceProxy,
  type UpdateWorkspaceProxyResponse,
  type WorkspaceProxyResponse,
} from './dto/workspace-proxy.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { assertNotPrimaryName, PRIMARY_PROXY_NAME, PrimaryProxyService } from './primary-proxy.service.js';
import { proxyAuditEntry } from './proxy-audit.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { issueProxyToken } from './proxy-token.js';
import {
  nameClashIsConflict,
  PROXY_MESSAGES,
  primaryNothingToUpdate,
  primaryRename,
  primaryToken,
  primaryUndeletable,
  proxyChangeForbidden,
  proxyDeleted,
  proxyMissing,
} from './workspace-proxies.errors.js';
import type { ProxyTarget } from './workspace-proxies.params.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

/**
 * `/workspaceproxies/{workspaceproxy}`: one proxy, or the primary region. Every signed-in user
 * reads the primary; only owners change or delete anything. Every change is audited and re-checks health.
 */
@Injectable()
export class WorkspaceProxyService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly primary: PrimaryProxyService,
    private readonly health: ProxyHealthService,
    private readonly audit: AuditService,
  ) {}

  async get(target: ProxyTarget): Promise<WorkspaceProxyResponse> {
    return target.primary ? this.primary.present() : this.health.present(target.proxy);
  }

  async update(
    actor: Actor,
    target: ProxyTarget,
    body: PatchWorkspaceProxy,
    meta: RequestMeta,
  ): Promise<UpdateWorkspaceProxyResponse> {
    assertMay(actor, 'update');
    if (target.primary) return this.updatePrimary(actor, body, meta);
    const { proxy } = target;
    if (proxy.deleted) throw proxyDeleted();
    const rename = body.name && body.name !== proxy.name ? body.name : undefined;
    if (rename !== undefined) assertNotPrimaryName(rename);
    const issued = body.regenerate_token ? issueProxyToken(proxy.id) : undefined;
    const after = await nameClashIsConflict(rename ?? proxy.name, () =>
      this.db.transaction(async () => {
        const before = await this.lock(proxy);
        const updated = await this.repo.updateWorkspaceProxy(before.id, {
          ...(rename !== undefined ? { name: rename } : {}),
          ...(body.display_name ? { displayName: body.display_name } : {}),
          ...(body.icon ? { icon: body.icon } : {}),
          ...(issued ? { tokenHashedSecret: issued.hashedSecret } : {}),
        });
        await this.audit.record(proxyAuditEntry(actor, meta, updated, 'write', 200, before, updated));
        return updated;
      }),
    );
    await this.health.announceChange(after.id);
    return withToken(this.health.present(after), issued?.token ?? '');
  }

  async delete(actor: Actor, target: ProxyTarget, meta: RequestMeta): Promise<{ message: string }> {
    assertMay(actor, 'delete');
    if (target.primary) throw primaryUndeletable();
    await this.db.transaction(async () => {
      const before = await this.lock(target.proxy);
      // Deleting again succeeds again, as in Coder (the row stays, soft-deleted).
      await this.repo.markWorkspaceProxyDeleted(before.id);
      await this.audit.record(proxyAuditEntry(actor, meta, before, 'delete', 200, before, null));
    });
    await this.health.announceChange(target.proxy.id);
    return { message: PROXY_MESSAGES.deleted };
  }

  /** The row as it is now, locked for the rest of the transaction; 404 if it went away meanwhile. */
  private async lock(proxy: WorkspaceProxyEntity): Promise<WorkspaceProxyEntity> {
    const current = await this.repo.lockWorkspaceProxy(proxy.id);
    if (!current) throw proxyMissing();
    return current;
  }

  /** The primary: only its display name and icon change (stored in `site_configs`). */
  private async updatePrimary(
    actor: Actor,
    body: PatchWorkspaceProxy,
    meta: RequestMeta,
  ): Promise<UpdateWorkspaceProxyResponse> {
    if (body.name && body.name !== PRIMARY_PROXY_NAME) throw primaryRename();
    if (body.regenerate_token) throw primaryToken();
    if (!body.display_name && !body.icon) throw primaryNothingToUpdate();
    const after = await this.db.transaction(async () => {
      await this.repo.lockPrimaryProxySettings();
      const before = await this.primary.present();
      await this.primary.update(body.display_name ?? '', body.icon ?? '');
      const next = await this.primary.present();
      await this.audit.record({
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
      });
      return next;
    });
    return withToken(after, '');
  }
}

/** Only owners may change or delete a proxy or the primary region (Coder mid-2023). */
function assertMay(actor: Actor, action: Action): void {
  if (!can(actor, action, { type: 'workspace_proxy' })) throw proxyChangeForbidden();
}
