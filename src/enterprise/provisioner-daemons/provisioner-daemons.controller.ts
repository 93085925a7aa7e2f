import { Controller, Param, Query, Req } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { SESSION_SECURITY } from '../../common/http/security-schemes.js';
import { Authenticated, CurrentActor, Public } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import { ProvisionerDaemonResponse } from './dto/provisioner-daemon.dto.js';
import { ProvisionerDaemonsService } from './provisioner-daemons.service.js';
import { ServeAccessService } from './serve-access.service.js';
import { notEntitledMessage } from '../../core/licensing/licensing.errors.js';

/** Not in src/common/http/path-params.ts: unlike `{organization}`, these also accept `default`. */
const ORG_REF = { type: String, description: 'Organization ID, name, or `default`' };

@ApiTags('Enterprise')
@RequireFeature('external_provisioner_daemons')
@Controller('organizations/:orgref/provisionerdaemons')
export class ProvisionerDaemonsController {
  constructor(private readonly daemons: ProvisionerDaemonsService) {}

  @Route('GET', '', {
    summary: 'Get provisioner daemons serving the organization (its own and the built-in ones), newest first',
    description:
      'Owners, template admins and organization admins; 404 for others. Offline daemons (disconnected, or not ' +
      'seen for 90 s) are left out unless `offline=true` or `status` names `offline`. Lists are CSV and/or ' +
      'repeated; an empty value counts as absent. Bad values: 400 `Invalid query parameters.` with `validations`.',
    returns: [ProvisionerDaemonResponse],
    errors: [400, 404],
    params: [{ name: 'orgref', ...ORG_REF }],
    query: [
      { name: 'limit', required: false, type: Number, description: 'Default 50; 0 = no limit.' },
      { name: 'ids', required: false, type: [String], description: 'Daemon ids.' },
      {
        name: 'tags',
        required: false,
        type: String,
        description:
          'JSON object of strings, e.g. `{"pool":"a"}`: daemons having these tags; ' +
          '`{"scope":"organization","owner":""}` matches untagged daemons only.',
      },
      { name: 'status', required: false, isArray: true, enum: ['offline', 'idle', 'busy'] },
      { name: 'offline', required: false, type: Boolean, description: 'Include offline daemons.' },
      {
        name: 'max_age',
        required: false,
        type: String,
        description: 'Go duration (`24h`, `30m`, `1h30m`): only daemons seen within it.',
      },
    ],
  })
  @Authenticated()
  list(
    @CurrentActor() actor: Actor,
    @Resolved('orgref') organization: OrganizationEntity,
    @Query() query: Record<string, unknown>,
  ) {
    return this.daemons.list(actor, organization, query);
  }
}

/**
 * `/serve` is public to the session guard because daemons may present a pre-shared key instead of
 * a session: ServeAccessService authenticates (session or key) before anything else, then checks
 * the entitlement and only then resolves the organization, so its `{serveorg}` has no resolver
 * (the guards would resolve it first). The WebSocket itself is served by ServeGateway on the HTTP
 * upgrade; a plain GET gets the same checks, then 426.
 */
@ApiTags('Enterprise')
@ApiSecurity(SESSION_SECURITY)
@Controller('organizations/:serveorg/provisionerdaemons/serve')
export class ProvisionerDaemonServeController {
  constructor(private readonly access: ServeAccessService) {}

  @Route('GET', '', {
    summary: 'Serve provisioner daemon (WebSocket upgrade; protocol in docs/provisioner-protocol.md)',
    description:
      'Authenticate with a session token, or with `Coder-Provisioner-Daemon-PSK` (CODER_PROVISIONER_DAEMON_PSK, ' +
      "forces `scope=organization`). Organization scope needs owner, template-admin or the organization's admin; " +
      '`tag=scope=user` is open to any member. Refusals are JSON HTTP responses sent before the upgrade.',
    headers: [
      {
        name: 'Coder-Provisioner-Daemon-PSK',
        required: false,
        description: 'Pre-shared key, instead of a session token.',
      },
      {
        name: 'Coder-Provisioner-Daemon-Key',
        required: false,
        description:
          "An organization's provisioner key, instead of a session token or the pre-shared key: the daemon " +
          "serves the key's organization with the key's tags (`tag=` is then refused).",
      },
    ],
    params: [{ name: 'serveorg', ...ORG_REF }],
    query: [
      { name: 'provisioner', required: true, isArray: true, enum: ['echo', 'terraform'] },
      { name: 'tag', required: false, isArray: true, type: String, description: '`key=value`, repeatable' },
      { name: 'name', required: false, type: String, description: '1-64 of `[A-Za-z0-9_.-]`; random when absent' },
      { name: 'version', required: false, type: String },
    ],
    responses: [
      { status: 101, description: 'Switching protocols: the daemon session starts with a `hello` message.' },
      {
        status: 403,
        type: ErrorResponseDto,
        description: `Not entitled (\`${notEntitledMessage('external_provisioner_daemons')}\`), or not allowed to serve the organization.`,
      },
      {
        status: 426,
        type: ErrorResponseDto,
        description: 'Every check passed, but the request is not a WebSocket upgrade.',
      },
    ],
    errors: [400, 401, 404],
  })
  @Public()
  serve(@Req() req: Request, @Param('serveorg') organization: string): Promise<never> {
    return this.access.refusePlainHttp(req, organization);
  }
}
