import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrorResponse } from '../../common/decorators/api-errors.decorator.js';
import { featureNiceName, type FeatureName } from './features.js';

export const FEATURE_METADATA = 'coder:feature';

/** Gates a route (or controller) on an entitlement; documents the 403 in Swagger. */
export function RequireFeature(feature: FeatureName): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(FEATURE_METADATA, feature),
    ApiErrorResponse(403, `When not entitled: \`${featureNiceName(feature)} is an Enterprise feature. Contact sales!\``),
  );
}
