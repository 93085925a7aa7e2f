import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { SESSION_SECURITY } from '../../common/http/security-schemes.js';
import { Authenticated, CurrentActor, Public } from '../../core/access/access.decorators.js';
import type { AuthenticatedRequest } from '../../core/auth/auth.middleware.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { ProvisionerDaemonResponse } from './dto/provisioner-daemon.dto.js';
import { ProvisionerDaemonsService } from './provisioner-daemons.service.js';
import { ServeAccessService } from './serve-access.service.js';

const ORG_PARAM = { name: 'organization', description: 'Organization ID, or `default`' };

@ApiTags('Enterprise')
@Controller('organizations/:organization/provisionerdaemons')
export class ProvisionerDaemonsController {
  constructor(
    private readonly daemons: ProvisionerDaemonsService,
    private readonly access: ServeAccessService,
  ) {}

  @Get()
  @Authenticated()
  @RequireFeature('external_provisioner_daemons')
  @ApiOperation({ summary: 'Get provisioner daemons serving the organization (its own and the built-in ones), seen within the hour, newest first' })
  @ApiParam(ORG_PARAM)
  @ApiOkResponse({ type: [ProvisionerDaemonResponse] })
  @ApiErrors(400, 404)
  list(@CurrentActor() actor: Actor, @Param('organization') organization: string) {
    return this.daemons.list(actor, organization);
  }

  /**
   * Public to the session guard because daemons may present a pre-shared key instead of a session:
   * ServeAccessService authenticates (session or key) before anything else. The WebSocket itself is
   * served by ServeGateway on the HTTP upgrade; a plain GET gets the same checks, then 426.
   */
  @Get('serve')
  @Public()
  @ApiOperation({
    summary: 'Serve provisioner daemon (WebSocket upgrade; protocol in docs/provisioner-protocol.md)',
    description:
      'Authenticate with a session token, or with `Coder-Provisioner-Daemon-PSK` (CODER_PROVISIONER_DAEMON_PSK, ' +
      'forces `scope=organization`). Organization scope needs owner, template-admin or the organization\'s admin; ' +
      '`tag=scope=user` is open to any member. Refusals are JSON HTTP responses sent before the upgrade.',
  })
  @ApiSecurity(SESSION_SECURITY)
  @ApiHeader({ name: 'Coder-Provisioner-Daemon-PSK', required: false, description: 'Pre-shared key, instead of a session token.' })
  @ApiParam(ORG_PARAM)
  @ApiQuery({ name: 'provisioner', required: true, isArray: true, enum: ['echo', 'terraform'] })
  @ApiQuery({ name: 'tag', required: false, isArray: true, type: String, description: '`key=value`, repeatable' })
  @ApiQuery({ name: 'name', required: false, type: String, description: '1-64 of `[A-Za-z0-9_.-]`; random when absent' })
  @ApiQuery({ name: 'version', required: false, type: String })
  @ApiResponse({ status: 101, description: 'Switching protocols: the daemon session starts with a `hello` message.' })
  @ApiErrors(400, 401, 404)
  @ApiErrorResponse(403, 'Not entitled (`External Provisioner Daemons is an Enterprise feature. Contact sales!`), or not allowed to serve the organization.')
  @ApiErrorResponse(426, 'Every check passed, but the request is not a WebSocket upgrade.')
  serve(@Req() req: AuthenticatedRequest, @Param('organization') organization: string): Promise<never> {
    return this.access.refusePlainHttp(req, organization);
  }
}
