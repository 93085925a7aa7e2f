import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import type { FeatureName } from './features.js';

export const FEATURE_METADATA = 'coder:feature';

/** Gates a route (or controller) on an entitlement; documents the 403 in Swagger. */
export function RequireFeature(feature: FeatureName): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(FEATURE_METADATA, feature), ApiErrors(403));
}
