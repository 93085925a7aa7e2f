import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../../core/access/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import {
  CreateWorkspaceProxyRequest,
  UpdateWorkspaceProxyResponse,
  WorkspaceProxiesResponse,
} from './dto/workspace-proxy.dto.js';
import { WorkspaceProxiesService } from './workspace-proxies.service.js';

/** `/workspaceproxies`: the list and creating a proxy. */
@ApiTags('Enterprise')
@RequireFeature('workspace_proxy')
@Controller('workspaceproxies')
export class WorkspaceProxiesController {
  constructor(private readonly proxies: WorkspaceProxiesService) {}

  @Route('GET', '', {
    summary: 'Get workspace proxies: `{regions: [primary, ...proxies]}` (non-owners see the primary only)',
    returns: WorkspaceProxiesResponse,
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor) {
    return this.proxies.list(actor);
  }

  @Route('POST', '', {
    summary: 'Create workspace proxy (owners); the answer carries the proxy token, shown only once',
    returns: UpdateWorkspaceProxyResponse,
    errors: [400, 409],
  })
  @Authorize('workspace_proxy', 'create')
  create(@CurrentActor() actor: Actor, @Body() body: CreateWorkspaceProxyRequest, @ReqMeta() meta: RequestMeta) {
    return this.proxies.create(actor, body, meta);
  }
}
