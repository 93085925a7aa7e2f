import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { AuditService } from '../../core/audit/audit.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import { Database } from '../../database/database.js';
import {
  toStatusDto,
  withToken,
  type CreateWorkspaceProxyRequest,
  type UpdateWorkspaceProxyResponse,
  type WorkspaceProxiesResponse,
} from './dto/workspace-proxy.dto.js';
import { assertNotPrimaryName, PrimaryProxyService } from './primary-proxy.service.js';
import { proxyAuditEntry } from './proxy-audit.js';
import { unregisteredHealth } from './proxy-health-check.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { issueProxyToken } from './proxy-token.js';
import { nameClashIsConflict } from './workspace-proxies.errors.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

/** `/workspaceproxies`: the list (every signed-in user) and creating a proxy (owners). */
@Injectable()
export class WorkspaceProxiesService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly primary: PrimaryProxyService,
    private readonly health: ProxyHealthService,
    private readonly audit: AuditService,
  ) {}

  /** The primary first, then every non-deleted proxy; callers who may not read proxies (non-owners) see the primary only. */
  async list(actor: Actor): Promise<WorkspaceProxiesResponse> {
    const regions = [await this.primary.present()];
    if (can(actor, 'read', { type: 'workspace_proxy' })) {
      regions.push(...(await this.repo.listWorkspaceProxies()).map((p) => this.health.present(p)));
    }
    return { regions };
  }

  /** 201 with the proxy and its token (the only time the token is shown). */
  async create(
    actor: Actor,
    body: CreateWorkspaceProxyRequest,
    meta: RequestMeta,
  ): Promise<UpdateWorkspaceProxyResponse> {
    assertNotPrimaryName(body.name);
    const id = randomUUID();
    const { token, hashedSecret } = issueProxyToken(id);
    const now = new Date();
    const proxy = await nameClashIsConflict(body.name, () =>
      this.db.transaction(async () => {
        const created = await this.repo.insertWorkspaceProxy({
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
        });
        await this.audit.record(proxyAuditEntry(actor, meta, created, 'create', 201, null, created));
        return created;
      }),
    );
    await this.health.announceChange(proxy.id);
    // Coder answers a fresh proxy as `unregistered`, checked now.
    return withToken(
      { ...this.health.present(proxy), status: toStatusDto(unregisteredHealth(now)), healthy: false },
      token,
    );
  }
}
