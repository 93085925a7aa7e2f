import { Injectable } from '@nestjs/common';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import { toRegionResponse, type RegionsResponse } from './dto/workspace-proxy.dto.js';
import { PrimaryProxyService } from './primary-proxy.service.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

/** `/regions`: what every signed-in user may pick from. */
@Injectable()
export class RegionsService {
  constructor(
    private readonly repo: WorkspaceProxiesRepository,
    private readonly primary: PrimaryProxyService,
    private readonly health: ProxyHealthService,
    private readonly entitlements: EntitlementsService,
  ) {}

  /** The primary, plus every non-deleted proxy that serves apps (not DERP-only) with its health, while `workspace_proxy` is enabled. */
  async regions(): Promise<RegionsResponse> {
    const regions = [toRegionResponse(await this.primary.present())];
    if (this.entitlements.isEnabled('workspace_proxy')) {
      for (const proxy of await this.repo.listWorkspaceProxies()) {
        if (!proxy.derpOnly) regions.push(toRegionResponse(this.health.present(proxy)));
      }
    }
    return { regions };
  }
}
