import { Injectable } from '@nestjs/common';
import { isUuid, notFound } from '../../common/errors.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import {
  toRegionResponse,
  toWorkspaceProxyResponse,
  type RegionsResponse,
  type WorkspaceProxiesResponse,
  type WorkspaceProxyResponse,
} from './dto/workspace-proxy.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { PrimaryProxyService } from './primary-proxy.service.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

/** What `{workspaceproxy}` names: the primary region, or a proxy row. */
export type ProxyTarget = { primary: true } | { primary: false; proxy: WorkspaceProxyEntity };

/** Only owners read proxies (Coder mid-2023: no `workspace_proxy` read for other roles). */
export function canReadProxies(actor: Actor): boolean {
  return can(actor, 'read', { type: 'workspace_proxy' });
}

/** Reading proxies and regions; the writes live in WorkspaceProxyAdminService. */
@Injectable()
export class WorkspaceProxiesService {
  constructor(
    private readonly repo: WorkspaceProxiesRepository,
    private readonly primary: PrimaryProxyService,
    private readonly health: ProxyHealthService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** A deleted proxy is never checked, so its status is `unknown` (Coder). */
  present(proxy: WorkspaceProxyEntity): WorkspaceProxyResponse {
    return toWorkspaceProxyResponse(proxy, proxy.deleted ? undefined : this.health.statusOf(proxy.id));
  }

  /** The primary first, then every non-deleted proxy; callers who may not read proxies see the primary only. */
  async list(actor: Actor): Promise<WorkspaceProxiesResponse> {
    const regions = [await this.primary.present()];
    if (canReadProxies(actor)) regions.push(...(await this.repo.listWorkspaceProxies()).map((p) => this.present(p)));
    return { regions };
  }

  async get(actor: Actor, param: string): Promise<WorkspaceProxyResponse> {
    const target = await this.resolve(actor, param);
    return target.primary ? this.primary.present() : this.present(target.proxy);
  }

  /**
   * `{workspaceproxy}`: `primary` or the deployment id (readable by everyone), else a proxy by
   * UUID (deleted ones too) or by exact name (non-deleted); 404 when absent or not readable.
   */
  async resolve(actor: Actor, param: string): Promise<ProxyTarget> {
    if (this.primary.isPrimaryParam(param)) return { primary: true };
    if (!canReadProxies(actor)) throw notFound();
    const proxy = isUuid(param)
      ? await this.repo.getWorkspaceProxyById(param.toLowerCase())
      : await this.repo.getWorkspaceProxyByName(param);
    if (!proxy) throw notFound();
    return { primary: false, proxy };
  }

  /**
   * `GET /regions` (every signed-in user): the primary, plus every non-deleted proxy that serves
   * apps (not DERP-only) with its health, while `workspace_proxy` is enabled.
   */
  async regions(): Promise<RegionsResponse> {
    const regions = [toRegionResponse(await this.primary.present())];
    if (this.entitlements.isEnabled('workspace_proxy')) {
      for (const proxy of await this.repo.listWorkspaceProxies()) {
        if (!proxy.derpOnly) regions.push(toRegionResponse(this.present(proxy)));
      }
    }
    return { regions };
  }
}
