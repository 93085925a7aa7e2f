import { Body, Controller, Param, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor, Public } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import type { Actor } from '../../core/rbac/actor.js';
import {
  CreateProvisionerKeyRequest,
  CreateProvisionerKeyResponse,
  ProvisionerKeyDaemonsResponse,
  ProvisionerKeyResponse,
} from './dto/provisioner-key.dto.js';
import { presentedKey, ProvisionerKeyAuth } from './provisioner-key-auth.js';
import { ProvisionerKeysService, toKeyResponse } from './provisioner-keys.service.js';

/** As on the provisioner daemon routes: an organization ID, or `default`. */
const ORG_REF = { name: 'orgref', type: String, description: 'Organization ID, name, or `default`' };
const KEY_NAME = { name: 'provisionerkey', type: String, description: 'Provisioner key name (any case)' };
const KEY_HEADER_DOC = {
  name: 'Coder-Provisioner-Daemon-Key',
  required: true,
  description: 'The provisioner key secret (43 characters), as returned once on creation.',
};

/** `/organizations/{orgref}/provisionerkeys…`: an organization's provisioner keys (Coder's enterprise routes). */
@ApiTags('Enterprise')
@RequireFeature('external_provisioner_daemons')
@Controller('organizations/:orgref/provisionerkeys')
export class ProvisionerKeysController {
  constructor(private readonly keys: ProvisionerKeysService) {}

  @Route('GET', '', {
    summary: "List the organization's provisioner keys (never the reserved ones), oldest first",
    returns: [ProvisionerKeyResponse],
    errors: [400, 404],
    params: [ORG_REF],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Resolved('orgref') org: OrganizationEntity) {
    return this.keys.list(actor, org);
  }

  @Route('POST', '', {
    summary: 'Create provisioner key (owner, template admin, organization admin); the secret is shown only here',
    returns: CreateProvisionerKeyResponse,
    errors: [400, 403, 404, 409],
    params: [ORG_REF],
  })
  @Authenticated()
  create(
    @CurrentActor() actor: Actor,
    @Resolved('orgref') org: OrganizationEntity,
    @Body() body: CreateProvisionerKeyRequest,
  ) {
    return this.keys.create(actor, org, body);
  }

  @Route('GET', 'daemons', {
    summary:
      'List provisioner key daemons: each key (then `built-in`, `psk`, `user-auth`) with its daemons seen in the last 3 minutes',
    returns: [ProvisionerKeyDaemonsResponse],
    errors: [400, 404],
    params: [ORG_REF],
  })
  @Authenticated()
  daemons(@CurrentActor() actor: Actor, @Resolved('orgref') org: OrganizationEntity) {
    return this.keys.daemons(actor, org);
  }

  @Route('DELETE', ':provisionerkey', {
    summary: 'Delete provisioner key by name; daemons connected with it are disconnected and their jobs fail',
    status: 204,
    errors: [400, 403, 404],
    params: [ORG_REF, KEY_NAME],
  })
  @Authenticated()
  async delete(
    @CurrentActor() actor: Actor,
    @Resolved('orgref') org: OrganizationEntity,
    @Param('provisionerkey') name: string,
  ): Promise<void> {
    await this.keys.delete(actor, org, name);
  }
}

/**
 * `/provisionerkeys/{provisionerkey}`: a daemon reads the key it holds. As in Coder the path
 * parameter is ignored: the key is the one `Coder-Provisioner-Daemon-Key` authenticates, no session.
 */
@ApiTags('Enterprise')
@Controller('provisionerkeys/:provisionerkey')
export class ProvisionerKeyFetchController {
  constructor(private readonly auth: ProvisionerKeyAuth) {}

  @Route('GET', '', {
    summary: 'Fetch provisioner key details (of the key in `Coder-Provisioner-Daemon-Key`; the path is ignored)',
    returns: ProvisionerKeyResponse,
    errors: [400, 401, 429],
    params: [{ ...KEY_NAME, description: 'Ignored (Coder sends the key here too)' }],
    headers: [KEY_HEADER_DOC],
  })
  @Public()
  async fetch(@Req() req: Request): Promise<ProvisionerKeyResponse> {
    const key = await this.auth.verify(presentedKey(req.headers), req.ip ?? req.socket?.remoteAddress);
    return toKeyResponse(key);
  }
}
