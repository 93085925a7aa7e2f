import type { LicenseClaims } from './license-claims.js';
import { featureNiceName, FEATURES, type FeatureName } from './features.js';

export type Entitlement = 'entitled' | 'grace_period' | 'not_entitled';

/** One entry of `GET /entitlements` `features`. */
export interface FeatureState {
  entitlement: Entitlement;
  enabled: boolean;
  limit?: number;
  actual?: number;
}

/** `codersdk.Entitlements`. */
export interface EntitlementsSnapshot {
  features: Record<FeatureName, FeatureState> & Record<string, FeatureState>;
  warnings: string[];
  errors: string[];
  has_license: boolean;
  trial: boolean;
  require_telemetry: boolean;
  refreshed_at: string;
}

export interface EntitlementInputs {
  /** Verified licenses in id order (expired-grace ones already dropped by the caller's query). */
  licenses: { id: number; claims: LicenseClaims }[];
  now: Date;
  activeUserCount: number;
  replicaCount: number;
  /** What this deployment turns on when entitled (Coder's "enablements"). */
  enablements: Partial<Record<string, boolean>>;
  /** Configured git/external auth providers (always 0 here; kept for Coder's rule). */
  gitAuthProviders?: number;
}

const DAY_MS = 86_400_000;
const RANK: Record<Entitlement, number> = { not_entitled: 0, grace_period: 1, entitled: 2 };

/** Features switched on whenever entitled, whatever the enablements say (Coder's AlwaysEnable, mid-2023). */
const ALWAYS_ENABLE = new Set(['multiple_git_auth', 'external_provisioner_daemons', 'appearance']);
/** Not warned about as "enabled but not entitled". */
const NO_ENABLED_WARNING = new Set(['user_limit', 'high_availability', 'multiple_git_auth']);

function maxEntitlement(a: Entitlement, b: Entitlement): Entitlement {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Coder's entitlements computation (enterprise/coderd/license/license.go, coder-behaviour-1 §4.3)
 * as a pure function. Licenses whose `nbf` is still in the future count for nothing yet.
 */
export function computeEntitlements(input: EntitlementInputs): EntitlementsSnapshot {
  const { now, activeUserCount, enablements } = input;
  const enabledFor = (name: string) => enablements[name] === true;
  const features: Record<string, FeatureState> = {};
  for (const name of FEATURES) features[name] = { entitlement: 'not_entitled', enabled: enabledFor(name) };
  features.user_limit = { ...features.user_limit, actual: activeUserCount };

  const warnings: string[] = [];
  const errors: string[] = [];
  let hasLicense = false;
  let trial = false;
  let requireTelemetry = false;
  let allFeatures: Entitlement | undefined;

  for (const { claims } of input.licenses) {
    if (claims.nbf !== undefined && claims.nbf * 1000 > now.getTime()) continue;
    hasLicense = true;
    trial = claims.trial === true;
    const expiresMs = claims.license_expires * 1000;
    const ent: Entitlement = now.getTime() > expiresMs ? 'grace_period' : 'entitled';
    const days = Math.ceil((expiresMs - now.getTime()) / DAY_MS);
    if (days > 0 && days < (trial ? 7 : 30)) {
      warnings.push(`Your license expires in ${days} ${days === 1 ? 'day' : 'days'}.`);
    }
    for (const [name, value] of Object.entries(claims.features ?? {})) {
      if (value <= 0) continue;
      const existing = features[name] ?? { entitlement: 'not_entitled', enabled: enabledFor(name) };
      if (name === 'user_limit') {
        features.user_limit = {
          entitlement: maxEntitlement(existing.entitlement, ent),
          enabled: true,
          limit: Math.max(existing.limit ?? 0, value),
          actual: activeUserCount,
        };
        continue;
      }
      features[name] = {
        entitlement: maxEntitlement(existing.entitlement, ent),
        enabled: enabledFor(name) || ALWAYS_ENABLE.has(name),
      };
    }
    if (claims.all_features === true) allFeatures = allFeatures ? maxEntitlement(allFeatures, ent) : ent;
    requireTelemetry ||= claims.require_telemetry === true;
  }

  if (allFeatures) {
    for (const name of Object.keys(features)) {
      if (name === 'user_limit') continue;
      features[name] = {
        ...features[name],
        entitlement: maxEntitlement(features[name].entitlement, allFeatures),
        enabled: enabledFor(name) || ALWAYS_ENABLE.has(name),
      };
    }
  }

  if (hasLicense) {
    const seats = features.user_limit;
    if (seats.limit !== undefined && activeUserCount > seats.limit) {
      warnings.push(`Your deployment has ${activeUserCount} active users but is only licensed for ${seats.limit}.`);
    }
    for (const name of Object.keys(features).sort()) {
      const feature = features[name];
      if (NO_ENABLED_WARNING.has(name) || !feature.enabled) continue;
      if (feature.entitlement === 'not_entitled') {
        warnings.push(`${featureNiceName(name)} is enabled but your license is not entitled to this feature.`);
      } else if (feature.entitlement === 'grace_period') {
        warnings.push(`${featureNiceName(name)} is enabled but your license for this feature is expired.`);
      }
    }
  }

  if (input.replicaCount > 1) {
    const ha = features.high_availability.entitlement;
    if (ha === 'not_entitled') {
      errors.push(
        hasLicense
          ? 'You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.'
          : 'You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.',
      );
    } else if (ha === 'grace_period') {
      warnings.push(
        'You have multiple replicas but your license for high availability is expired. Reduce to one replica or workspace connections will stop working.',
      );
    }
  }

  if ((input.gitAuthProviders ?? 0) > 1) {
    const git = features.multiple_git_auth.entitlement;
    if (git === 'not_entitled') {
      errors.push(
        hasLicense
          ? 'You have multiple Git authorizations configured but your license is limited at one.'
          : 'You have multiple Git authorizations configured but this is an Enterprise feature. Reduce to one.',
      );
    } else if (git === 'grace_period') {
      warnings.push('You have multiple Git authorizations configured but your license is expired. Reduce to one.');
    }
  }

  for (const feature of Object.values(features)) {
    if (feature.entitlement === 'not_entitled') feature.enabled = false;
  }

  const sorted = Object.fromEntries(Object.keys(features).sort().map((name) => [name, features[name]]));
  return {
    features: sorted as EntitlementsSnapshot['features'],
    warnings,
    errors,
    has_license: hasLicense,
    trial,
    require_telemetry: requireTelemetry,
    refreshed_at: now.toISOString(),
  };
}

/** The entitlements of a deployment without any license (what the server starts with). */
export function unlicensedSnapshot(now = new Date(), activeUserCount = 0): EntitlementsSnapshot {
  return computeEntitlements({ licenses: [], now, activeUserCount, replicaCount: 1, enablements: {} });
}
