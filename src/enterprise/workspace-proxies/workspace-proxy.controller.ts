import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import {
  PatchWorkspaceProxy,
  UpdateWorkspaceProxyResponse,
  WorkspaceProxyResponse,
} from './dto/workspace-proxy.dto.js';
import type { ProxyTarget } from './workspace-proxies.params.js';
import { WorkspaceProxyService } from './workspace-proxy.service.js';

/** `/workspaceproxies/{workspaceproxy}`: one proxy, or the primary region. */
@ApiTags('Enterprise')
@RequireFeature('workspace_proxy')
@Controller('workspaceproxies/:workspaceproxy')
export class WorkspaceProxyController {
  constructor(private readonly proxy: WorkspaceProxyService) {}

  @Route('GET', '', {
    summary: 'Get workspace proxy (by id, name or `primary`; deleted proxies by id only)',
    returns: WorkspaceProxyResponse,
    errors: [404],
  })
  @Authenticated()
  get(@Resolved('workspaceproxy') target: ProxyTarget) {
    return this.proxy.get(target);
  }

  @Route('PATCH', '', {
    summary: 'Update workspace proxy (owners): name, display name, icon, `regenerate_token`',
    returns: UpdateWorkspaceProxyResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  patch(
    @CurrentActor() actor: Actor,
    @Resolved('workspaceproxy') target: ProxyTarget,
    @Body() body: PatchWorkspaceProxy,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.proxy.update(actor, target, body, meta);
  }

  @Route('DELETE', '', {
    summary: 'Delete workspace proxy (owners; soft delete; the primary cannot be deleted)',
    returns: ErrorResponseDto,
    returnsDescription: '`{"message":"Proxy has been deleted!"}`',
    errors: [400, 403, 404],
  })
  @Authenticated()
  delete(@CurrentActor() actor: Actor, @Resolved('workspaceproxy') target: ProxyTarget, @ReqMeta() meta: RequestMeta) {
    return this.proxy.delete(actor, target, meta);
  }
}
