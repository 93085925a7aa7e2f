import { Injectable, type OnModuleInit } from '@nestjs/common';
import { isUuid } from '../../common/errors.js';
import { ParamResolvers, type ParamResolver } from '../../core/access/resolved-params.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { PrimaryProxyService } from './primary-proxy.service.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';
import { proxyMissing } from './workspace-proxies.errors.js';

/** What `{workspaceproxy}` names: the primary region, or a proxy row. */
export type ProxyTarget = { primary: true } | { primary: false; proxy: WorkspaceProxyEntity };

/**
 * `{workspaceproxy}`: `primary` or the deployment id (readable by every signed-in user), else a
 * proxy by UUID (deleted ones too) or by exact name (non-deleted); 404 when absent or when the
 * caller may not read proxies (only owners may: Coder mid-2023 has no `workspace_proxy` read for
 * other roles).
 */
@Injectable()
export class WorkspaceProxyParamResolver implements ParamResolver<ProxyTarget>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly primary: PrimaryProxyService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('workspaceproxy', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<ProxyTarget> {
    if (this.primary.isPrimaryParam(value)) return { primary: true };
    if (!actor || !can(actor, 'read', { type: 'workspace_proxy' })) throw proxyMissing();
    const proxy = isUuid(value)
      ? await this.repo.getWorkspaceProxyById(value.toLowerCase())
      : await this.repo.getWorkspaceProxyByName(value);
    if (!proxy) throw proxyMissing();
    return { primary: false, proxy };
  }
}
