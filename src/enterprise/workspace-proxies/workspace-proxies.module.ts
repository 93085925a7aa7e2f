import { Module } from '@nestjs/common';
import { ReplicasModule } from '../replicas/replicas.module.js';
import { PrimaryProxyService } from './primary-proxy.service.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { ProxyMeController } from './proxy-me.controller.js';
import { ProxyRegistrationService } from './proxy-registration.service.js';
import { ProxyTokenGuard } from './proxy-token.guard.js';
import { RegionsController, WorkspaceProxiesController } from './workspace-proxies.controller.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';
import { WorkspaceProxiesService } from './workspace-proxies.service.js';
import { WorkspaceProxyAdminService } from './workspace-proxy-admin.service.js';

/**
 * Workspace proxies (`workspace_proxy`): `/workspaceproxies...` for owners, the external proxy API
 * (`/workspaceproxies/me/...`, token-authenticated), `/regions`, and the health poller.
 */
@Module({
  imports: [ReplicasModule],
  controllers: [ProxyMeController, WorkspaceProxiesController, RegionsController],
  providers: [
    WorkspaceProxiesService,
    WorkspaceProxyAdminService,
    WorkspaceProxiesRepository,
    PrimaryProxyService,
    ProxyHealthService,
    ProxyRegistrationService,
    ProxyTokenGuard,
  ],
  exports: [WorkspaceProxiesService],
})
export class WorkspaceProxiesModule {}
