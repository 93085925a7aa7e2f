import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { Authenticated, Authorize } from '../../core/access/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
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
  @ApiOperation({ summary: 'Update appearance (owners; answers the stored settings; not audited, as in Coder)' })
  @ApiOkResponse({ type: AppearanceConfig })
  @ApiErrors(400)
  update(@Body() body: UpdateAppearanceConfig) {
    return this.appearance.update(body);
  }
}
