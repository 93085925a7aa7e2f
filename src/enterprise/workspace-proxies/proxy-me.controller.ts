import { Body, Controller, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route, type RouteSpec } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Public } from '../../core/access/access.decorators.js';
import {
  DeregisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyRequest,
  RegisterWorkspaceProxyResponse,
} from './dto/proxy-registration.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import { ProxyRegistrationService } from './proxy-registration.service.js';
import { PROXY_TOKEN_HEADER } from './proxy-token.js';
import { CurrentProxy, ProxyTokenGuard } from './proxy-token.guard.js';
import { notEntitledMessage } from '../../core/licensing/licensing.errors.js';

/** What every route of the external proxy API says about its authentication (ProxyTokenGuard). */
const PROXY_AUTH: Pick<RouteSpec, 'headers' | 'responses'> = {
  headers: [{ name: PROXY_TOKEN_HEADER, required: true, description: 'The proxy token, `<proxy id>:<secret>`.' }],
  responses: [
    {
      status: 401,
      description: '`Missing required external proxy token` or `Invalid external proxy token` (with a `detail`).',
      type: ErrorResponseDto,
    },
    {
      status: 403,
      description: `When not entitled: \`${notEntitledMessage('workspace_proxy')}\``,
      type: ErrorResponseDto,
    },
  ],
};

/**
 * The external proxy API. No session: the proxy authenticates with its token (ProxyTokenGuard,
 * which also applies the `workspace_proxy` gate after authenticating).
 */
@ApiTags('Enterprise')
@Controller('workspaceproxies/me')
@UseGuards(ProxyTokenGuard)
export class ProxyMeController {
  constructor(private readonly registration: ProxyRegistrationService) {}

  @Route('POST', 'register', {
    summary: 'Register workspace proxy (called by the proxy at start and every 30 s)',
    returns: RegisterWorkspaceProxyResponse,
    errors: [400, 409],
    ...PROXY_AUTH,
  })
  @Public()
  register(@CurrentProxy() proxy: WorkspaceProxyEntity, @Body() body: RegisterWorkspaceProxyRequest) {
    return this.registration.register(proxy, body);
  }

  @Route('POST', 'deregister', {
    summary: 'Deregister workspace proxy replica (called by the proxy when it stops)',
    status: 204,
    errors: [400, 404],
    ...PROXY_AUTH,
  })
  @Public()
  async deregister(
    @CurrentProxy() proxy: WorkspaceProxyEntity,
    @Body() body: DeregisterWorkspaceProxyRequest,
  ): Promise<void> {
    await this.registration.deregister(proxy, body);
  }
}
