import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, Authorize, CurrentActor } from '../../core/access/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import {
  CreateWorkspaceProxyRequest,
  PatchWorkspaceProxy,
  RegionsResponse,
  UpdateWorkspaceProxyResponse,
  WorkspaceProxiesResponse,
  WorkspaceProxyResponse,
} from './dto/workspace-proxy.dto.js';
import { WorkspaceProxiesService } from './workspace-proxies.service.js';
import { WorkspaceProxyAdminService } from './workspace-proxy-admin.service.js';

const PROXY_PARAM = {
  name: 'workspaceproxy',
  description: 'Proxy ID, proxy name, `primary` or the deployment ID (the primary region)',
};

@ApiTags('Enterprise')
@RequireFeature('workspace_proxy')
@Controller('workspaceproxies')
export class WorkspaceProxiesController {
  constructor(
    private readonly proxies: WorkspaceProxiesService,
    private readonly admin: WorkspaceProxyAdminService,
  ) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get workspace proxies: `{regions: [primary, ...proxies]}` (non-owners see the primary only)' })
  @ApiOkResponse({ type: WorkspaceProxiesResponse })
  list(@CurrentActor() actor: Actor) {
    return this.proxies.list(actor);
  }

  @Post()
  @Authorize('workspace_proxy', 'create')
  @ApiOperation({ summary: 'Create workspace proxy (owners); the answer carries the proxy token, shown only once' })
  @ApiCreatedResponse({ type: UpdateWorkspaceProxyResponse })
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateWorkspaceProxyRequest, @ReqMeta() meta: RequestMeta) {
    return this.admin.create(actor, body, meta);
  }

  @Get(':workspaceproxy')
  @Authenticated()
  @ApiOperation({ summary: 'Get workspace proxy (by id, name or `primary`; deleted proxies by id only)' })
  @ApiParam(PROXY_PARAM)
  @ApiOkResponse({ type: WorkspaceProxyResponse })
  @ApiErrors(404)
  get(@CurrentActor() actor: Actor, @Param('workspaceproxy') param: string) {
    return this.proxies.get(actor, param);
  }

  @Patch(':workspaceproxy')
  @Authenticated()
  @ApiOperation({ summary: 'Update workspace proxy (owners): name, display name, icon, `regenerate_token`' })
  @ApiParam(PROXY_PARAM)
  @ApiOkResponse({ type: UpdateWorkspaceProxyResponse })
  @ApiErrors(400, 403, 404, 409)
  patch(
    @CurrentActor() actor: Actor,
    @Param('workspaceproxy') param: string,
    @Body() body: PatchWorkspaceProxy,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.admin.patch(actor, param, body, meta);
  }

  @Delete(':workspaceproxy')
  @Authenticated()
  @ApiOperation({ summary: 'Delete workspace proxy (owners; soft delete; the primary cannot be deleted)' })
  @ApiParam(PROXY_PARAM)
  @ApiOkResponse({ type: ErrorResponseDto, description: '`{"message":"Proxy has been deleted!"}`' })
  @ApiErrors(400, 403, 404)
  @HttpCode(200)
  delete(@CurrentActor() actor: Actor, @Param('workspaceproxy') param: string, @ReqMeta() meta: RequestMeta) {
    return this.admin.delete(actor, param, meta);
  }
}

/** `GET /regions`: the regions every signed-in user may pick from (no entitlement needed, as Coder). */
@ApiTags('WorkspaceProxies')
@Controller('regions')
export class RegionsController {
  constructor(private readonly proxies: WorkspaceProxiesService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get site-wide regions: the primary, plus workspace proxies with their health' })
  @ApiOkResponse({ type: RegionsResponse })
  regions() {
    return this.proxies.regions();
  }
}
