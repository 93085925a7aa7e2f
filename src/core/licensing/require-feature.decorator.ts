import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrorResponse } from '../../common/decorators/api-errors.decorator.js';
import type { FeatureName } from './features.js';
import { notEntitledMessage } from './licensing.errors.js';

export const FEATURE_METADATA = 'coder:feature';

/** Gates a route (or controller) on an entitlement; documents the 403 in Swagger. */
export function RequireFeature(feature: FeatureName): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(FEATURE_METADATA, feature),
    ApiErrorResponse(403, `When not entitled: \`${notEntitledMessage(feature)}\``),
  );
}
