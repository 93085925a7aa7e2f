import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Resolved } from '../access/resolved-params.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { AddLicenseRequest, LicenseResponse, RefreshEntitlementsResponse } from './dto/license.dto.js';
import type { LicenseEntity } from './entities/license.entity.js';
import { LicensesService } from './licenses.service.js';

@ApiTags('Enterprise')
@Controller('licenses')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @Route('POST', '', { summary: 'Add a new license (owner)', returns: LicenseResponse, errors: [400, 409] })
  @Authorize('license', 'create')
  add(@CurrentActor() actor: Actor, @Body() body: AddLicenseRequest, @ReqMeta() meta: RequestMeta) {
    return this.licenses.add(actor, body.license, meta);
  }

  @Route('POST', 'refresh-entitlements', {
    summary: 'Recompute entitlements now, on every replica (owner; at most once a minute)',
    status: 200,
    returns: RefreshEntitlementsResponse,
    responses: [
      {
        status: 400,
        description:
          'Refreshed less than a minute ago: `Entitlements already recently refreshed, please wait N seconds to force a new refresh`, with `Retry-After: N`.',
        type: ErrorResponseDto,
      },
    ],
  })
  @Authorize('license', 'create')
  refreshEntitlements() {
    return this.licenses.refreshEntitlements();
  }

  @Route('GET', '', {
    summary: 'Get licenses (owners see all, with decoded claims; others an empty list)',
    returns: [LicenseResponse],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor) {
    return this.licenses.list(actor);
  }

  @Route('DELETE', ':license', {
    summary: 'Delete a license (owner); 200 with an empty body, as Coder',
    status: 200,
    responses: [{ status: 200, description: 'Deleted (empty body).' }],
    params: [{ name: 'license', type: Number, description: 'License ID' }],
    errors: [404],
  })
  @Authorize('license', 'delete')
  async delete(
    @CurrentActor() actor: Actor,
    @Resolved('license') license: LicenseEntity,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    await this.licenses.delete(actor, license, meta);
  }
}
