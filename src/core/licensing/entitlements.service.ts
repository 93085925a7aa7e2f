import { Injectable } from '@nestjs/common';
import { FEATURES, type FeatureName } from './features.js';

export type Entitlement = 'entitled' | 'grace_period' | 'not_entitled';

export interface FeatureState {
  entitlement: Entitlement;
  enabled: boolean;
  limit?: number;
  actual?: number;
}

export interface EntitlementsSnapshot {
  features: Record<FeatureName, FeatureState>;
  warnings: string[];
  errors: string[];
  has_license: boolean;
  trial: boolean;
  require_telemetry: boolean;
  refreshed_at: string;
}

/** The entitlements of a deployment without any license: nothing is entitled or enabled. */
export function unlicensedSnapshot(now = new Date()): EntitlementsSnapshot {
  const features = Object.fromEntries(
    FEATURES.map((name) => [name, { entitlement: 'not_entitled', enabled: false } satisfies FeatureState]),
  ) as Record<FeatureName, FeatureState>;
  return {
    features,
    warnings: [],
    errors: [],
    has_license: false,
    trial: false,
    require_telemetry: false,
    refreshed_at: now.toISOString(),
  };
}

/**
 * The in-memory entitlements snapshot every feature gate reads (no query per request). It starts
 * unlicensed; the licensing module computes snapshots from stored licenses and `replace`s it.
 */
@Injectable()
export class EntitlementsService {
  private current: EntitlementsSnapshot = unlicensedSnapshot();

  snapshot(): EntitlementsSnapshot {
    return this.current;
  }

  isEnabled(feature: FeatureName): boolean {
    return this.current.features[feature]?.enabled === true;
  }

  replace(snapshot: EntitlementsSnapshot): void {
    this.current = snapshot;
  }
}
