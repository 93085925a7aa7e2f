import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, Authorize } from '../../core/access/access.decorators.js';
import { notEntitledMessage } from '../../core/licensing/licensing.errors.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import { UPDATE_FORBIDDEN } from './appearance.errors.js';
import { AppearanceService } from './appearance.service.js';
import { AppearanceConfig, UpdateAppearanceConfig } from './dto/appearance.dto.js';

/** Reading is open to every user (the defaults without the entitlement); see AppearanceUpdateController. */
@ApiTags('Enterprise')
@Controller('appearance')
export class AppearanceController {
  constructor(private readonly appearance: AppearanceService) {}

  @Route('GET', '', {
    summary: "Get appearance (Coder's defaults unless `appearance` is entitled)",
    returns: AppearanceConfig,
  })
  @Authenticated()
  get() {
    return this.appearance.get();
  }
}

/** Changing the appearance needs the `appearance` entitlement. */
@ApiTags('Enterprise')
@RequireFeature('appearance')
@Controller('appearance')
export class AppearanceUpdateController {
  constructor(private readonly appearance: AppearanceService) {}

  @Route('PUT', '', {
    summary: 'Update appearance (owners; answers the stored settings; not audited, as in Coder)',
    returns: AppearanceConfig,
    errors: [400],
    // The method-level 403 (the permission) replaces the controller's; this keeps the gate's answer in it.
    responses: [
      {
        status: 403,
        description: `When not entitled: \`${notEntitledMessage('appearance')}\``,
        type: ErrorResponseDto,
      },
    ],
  })
  @Authorize('deployment_config', 'update', { message: UPDATE_FORBIDDEN })
  update(@Body() body: UpdateAppearanceConfig) {
    return this.appearance.update(body);
  }
}
