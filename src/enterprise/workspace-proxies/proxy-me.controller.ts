import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { Public } from '../../core/access/access.decorators.js';
import {
  DeregisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyResponse,
} from './dto/proxy-registration.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { PROXY_TOKEN_HEADER } from './messages.js';
import { ProxyRegistrationService } from './proxy-registration.service.js';
import { CurrentProxy, ProxyTokenGuard } from './proxy-token.guard.js';

const TOKEN_HEADER = { name: PROXY_TOKEN_HEADER, required: true, description: 'The proxy token, `<proxy id>:<secret>`.' };

/**
 * The external proxy API. No session: the proxy authenticates with its token (ProxyTokenGuard,
 * which also applies the `workspace_proxy` gate after authenticating).
 */
@ApiTags('Enterprise')
@Controller('workspaceproxies/me')
@Public()
@UseGuards(ProxyTokenGuard)
@ApiHeader(TOKEN_HEADER)
@ApiErrorResponse(401, '`Missing required external proxy token` or `Invalid external proxy token` (with a `detail`).')
@ApiErrorResponse(403, 'When not entitled: `Workspace Proxy is an Enterprise feature. Contact sales!`')
export class ProxyMeController {
  constructor(private readonly registration: ProxyRegistrationService) {}

  @Post('register')
  @ApiOperation({ summary: 'Register workspace proxy (called by the proxy at start and every 30 s)' })
  @ApiCreatedResponse({ type: RegisterWorkspaceProxyResponse })
  @ApiErrors(400, 409)
  register(@CurrentProxy() proxy: WorkspaceProxyEntity, @Body() body: RegisterWorkspaceProxyRequest) {
    return this.registration.register(proxy, body);
  }

  @Post('deregister')
  @HttpCode(204)
  @ApiOperation({ summary: 'Deregister workspace proxy replica (called by the proxy when it stops)' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  async deregister(@CurrentProxy() proxy: WorkspaceProxyEntity, @Body() body: DeregisterWorkspaceProxyRequest): Promise<void> {
    await this.registration.deregister(proxy, body);
  }
}
