import { Module } from '@nestjs/common';
import { AccessModule } from '../../core/access/resolved-params.js';
import { ReplicasModule } from '../replicas/replicas.module.js';
import { PrimaryProxyService } from './primary-proxy.service.js';
import { ProxyHealthService } from './proxy-health.service.js';
import { ProxyMeController } from './proxy-me.controller.js';
import { ProxyRegistrationService } from './proxy-registration.service.js';
import { ProxyTokenGuard } from './proxy-token.guard.js';
import { RegionsController } from './regions.controller.js';
import { RegionsService } from './regions.service.js';
import { WorkspaceProxiesController } from './workspace-proxies.controller.js';
import { WorkspaceProxyParamResolver } from './workspace-proxies.params.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';
import { WorkspaceProxiesService } from './workspace-proxies.service.js';
import { WorkspaceProxyController } from './workspace-proxy.controller.js';
import { WorkspaceProxyService } from './workspace-proxy.service.js';
import { AuditModule } from '../../core/audit/audit.module.js';
import { PubSubModule } from '../../database/pubsub/pubsub.module.js';
import { SiteConfigModule } from '../../core/site-config/site-config.module.js';

/**
 * Workspace proxies (`workspace_proxy`): `/workspaceproxies...` for owners, the external proxy API
 * (`/workspaceproxies/me/...`, token-authenticated), `/regions`, and the health poller.
 */
@Module({
  imports: [SiteConfigModule, PubSubModule, AuditModule, AccessModule, ReplicasModule],
  controllers: [ProxyMeController, WorkspaceProxiesController, WorkspaceProxyController, RegionsController],
  providers: [
    WorkspaceProxiesService,
    WorkspaceProxyService,
    RegionsService,
    WorkspaceProxiesRepository,
    WorkspaceProxyParamResolver,
    PrimaryProxyService,
    ProxyHealthService,
    ProxyRegistrationService,
    ProxyTokenGuard,
  ],
  exports: [WorkspaceProxiesService],
})
export class WorkspaceProxiesModule {}
