import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, Authorize, CurrentActor } from '../../core/auth/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { AppearanceService } from './appearance.service.js';
import { UPDATE_FORBIDDEN } from './appearance.rules.js';
import { AppearanceConfig, UpdateAppearanceConfig } from './dto/appearance.dto.js';

@ApiTags('Enterprise')
@Controller('appearance')
export class AppearanceController {
  constructor(private readonly appearance: AppearanceService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: "Get appearance (Coder's defaults unless `appearance` is entitled)" })
  @ApiOkResponse({ type: AppearanceConfig })
  get() {
    return this.appearance.get();
  }

  @Put()
  @RequireFeature('appearance')
  @Authorize('deployment_config', 'update', { message: UPDATE_FORBIDDEN })
  @ApiOperation({ summary: 'Update appearance (owners; answers the stored settings)' })
  @ApiOkResponse({ type: AppearanceConfig })
  @ApiErrors(400)
  update(@CurrentActor() actor: Actor, @Body() body: UpdateAppearanceConfig, @ReqMeta() meta: RequestMeta) {
    return this.appearance.update(actor, body, meta);
  }
}
