import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { AddLicenseRequest, LicenseResponse, RefreshEntitlementsResponse } from './dto/license.dto.js';
import { LicensesService } from './licenses.service.js';

@ApiTags('Enterprise')
@Controller('licenses')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @Post()
  @Authorize('license', 'create')
  @ApiOperation({ summary: 'Add a new license (owner)' })
  @ApiCreatedResponse({ type: LicenseResponse })
  @ApiErrors(400, 409)
  add(@CurrentActor() actor: Actor, @Body() body: AddLicenseRequest, @ReqMeta() meta: RequestMeta) {
    return this.licenses.add(actor, body.license, meta);
  }

  @Post('refresh-entitlements')
  @HttpCode(200)
  @Authorize('license', 'create')
  @ApiOperation({ summary: 'Recompute entitlements now, on every replica (owner; at most once a minute)' })
  @ApiOkResponse({ type: RefreshEntitlementsResponse })
  @ApiErrorResponse(
    400,
    'Refreshed less than a minute ago: `Entitlements already recently refreshed, please wait N seconds to force a new refresh`, with `Retry-After: N`.',
  )
  refreshEntitlements() {
    return this.licenses.refreshEntitlements();
  }

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get licenses (owners see all, with decoded claims; others an empty list)' })
  @ApiOkResponse({ type: [LicenseResponse] })
  list(@CurrentActor() actor: Actor) {
    return this.licenses.list(actor);
  }

  @Delete(':id')
  @HttpCode(200)
  @Authorize('license', 'delete')
  @ApiOperation({ summary: 'Delete a license (owner); 200 with an empty body, as Coder' })
  @ApiParam({ name: 'id', type: Number, description: 'License ID' })
  @ApiOkResponse({ description: 'Deleted (empty body).' })
  @ApiErrors(404)
  async delete(@CurrentActor() actor: Actor, @Param('id') id: string, @ReqMeta() meta: RequestMeta): Promise<void> {
    await this.licenses.delete(actor, id, meta);
  }
}
