import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EntitlementsService } from './entitlements.service.js';
import type { FeatureName } from './features.js';
import { FEATURE_METADATA } from './require-feature.decorator.js';

/**
 * Global guard after the session guard (so anonymous callers get 401 and never learn the license
 * state): a route marked `@RequireFeature(f)` answers 403 unless `f` is enabled in the snapshot.
 */
@Injectable()
export class EntitlementGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly entitlements: EntitlementsService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const feature = this.reflector.getAllAndOverride<FeatureName | undefined>(FEATURE_METADATA, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    if (feature) this.entitlements.requireFeature(feature);
    return true;
  }
}
