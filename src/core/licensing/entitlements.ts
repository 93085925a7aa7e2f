import type { LicenseClaims } from './license-claims.js';
import {
  ADDONS,
  AGENT_RUNTIME_HOURS_CLAIMS,
  AGENT_RUNTIME_HOURS_UNLIMITED,
  ALWAYS_ENABLE,
  CLAIM_ALIASES,
  featureNiceName,
  FEATURES,
  featureSetFeatures,
  IGNORED_CLAIMS,
  isFeatureName,
  USES_LIMIT,
  USES_USAGE_PERIOD,
  type FeatureName,
} from './features.js';

export type Entitlement = 'entitled' | 'grace_period' | 'not_entitled';

/** `codersdk.UsagePeriod`: the term over which a usage limit counts. */
export interface UsagePeriod {
  issued_at: string;
  start: string;
  end: string;
}

/** One entry of `GET /entitlements` `features` (`codersdk.Feature`; optional fields omitted when absent). */
export interface FeatureState {
  entitlement: Entitlement;
  enabled: boolean;
  limit?: number;
  soft_limit?: number;
  hard_limit?: number;
  actual?: number;
  usage_period?: UsagePeriod;
}

/** `codersdk.Entitlements`. */
export interface EntitlementsSnapshot {
  features: Record<FeatureName, FeatureState>;
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
  /** Features this server does not have: never enabled, whatever the license or AlwaysEnable say. */
  unavailable?: ReadonlySet<string>;
  /** Configured external auth providers (always 0 here; kept for Coder's rule). */
  externalAuthProviders?: number;
  /** This deployment's id: a license bound to other deployments (`deployment_ids`) counts for nothing. */
  deploymentId?: string;
}

const DAY_MS = 86_400_000;
const WEIGHT: Record<Entitlement, number> = { not_entitled: -1, grace_period: 1, entitled: 2 };
/** Coder's default managed agent limit of a premium license without one (license.go, "Temporary"). */
const PREMIUM_AGENT_DEFAULT = { limit: 1000, issuedAt: '2025-07-01T00:00:00.000Z', end: '2125-07-01T00:00:00.000Z' };
/** Features with warnings of their own (license.go skips them in the "enabled but" loop). */
const OWN_WARNINGS = new Set<string>([
  'user_limit',
  'ai_governance_user_limit',
  'high_availability',
  'multiple_external_auth',
  'managed_agent_limit',
]);

/** `Feature.Compare` of Coder's codersdk (the capability rule only matters for user_limit, handled apart). */
function compareFeatures(a: FeatureState, b: FeatureState): number {
  if (a.usage_period && b.usage_period) {
    const issued = Date.parse(a.usage_period.issued_at) - Date.parse(b.usage_period.issued_at);
    if (issued !== 0) return issued;
    const end = Date.parse(a.usage_period.end) - Date.parse(b.usage_period.end);
    if (end !== 0) return end;
  }
  const weight = WEIGHT[a.entitlement] - WEIGHT[b.entitlement];
  if (weight !== 0) return weight;
  if (a.limit !== b.limit) {
    if (a.limit === undefined) return -1;
    if (b.limit === undefined) return 1;
    return a.limit - b.limit;
  }
  if (a.enabled !== b.enabled) return a.enabled ? 1 : -1;
  return 0;
}

/**
 * `Entitlements.AddFeature`: keep whichever grant is better, whole (never merged), so licenses
 * combine in any order. (Coder assigns à-la-carte grants directly, so a later license in its grace
 * period can replace an earlier entitled one; we keep the best.)
 */
function addFeature(features: Record<string, FeatureState>, name: FeatureName, add: FeatureState): void {
  const existing = features[name];
  if (USES_USAGE_PERIOD.has(name) && !add.usage_period) return;
  if (compareFeatures(add, existing) > 0) features[name] = add;
}

/** A license whose `deployment_ids` names other deployments only (Coder checks this at upload). */
export function boundElsewhere(claims: LicenseClaims, deploymentId: string | undefined): boolean {
  const ids = claims.deployment_ids;
  return Array.isArray(ids) && ids.length > 0 && (deploymentId === undefined || !ids.includes(deploymentId));
}

/** Coder's license term for usage limits: from `nbf` (else `iat`, else now) to `exp`. */
function usagePeriod(claims: LicenseClaims, now: Date): UsagePeriod {
  const startS = claims.nbf ?? claims.iat ?? now.getTime() / 1000;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  return { issued_at: iso(claims.iat ?? startS), start: iso(startS), end: iso(claims.exp) };
}

/**
 * Coder's `decodeAgentRuntimeHours`: the allocation is the limit (-1: unlimited, no limit; other
 * negatives grant nothing); the soft limit counts only below the allocation, the hard one only at
 * or above a positive allocation. Unusable claims are dropped, never the license.
 */
function agentRuntimeHours(
  claimed: Record<string, number>,
  entitlement: Entitlement,
  period: UsagePeriod,
): FeatureState | undefined {
  const allocation = claimed[AGENT_RUNTIME_HOURS_CLAIMS.allocation];
  if (allocation === AGENT_RUNTIME_HOURS_UNLIMITED) return { entitlement, enabled: true, usage_period: period };
  if (allocation === undefined || allocation < 0) return undefined;
  const soft = claimed[AGENT_RUNTIME_HOURS_CLAIMS.soft];
  const hard = claimed[AGENT_RUNTIME_HOURS_CLAIMS.hard];
  return {
    entitlement,
    enabled: allocation > 0,
    limit: allocation,
    ...(soft !== undefined && soft >= 0 && soft < allocation ? { soft_limit: soft } : {}),
    ...(hard !== undefined && allocation > 0 && hard >= allocation ? { hard_limit: hard } : {}),
    usage_period: period,
  };
}

interface LicenseContext {
  claims: LicenseClaims;
  ent: Entitlement;
  now: Date;
  switchedOn: (name: FeatureName) => boolean;
}

/** One license's grants: feature set in bulk, then à-la-carte claims, then add-ons (license.go order). */
function applyLicense(
  features: Record<string, FeatureState>,
  errors: string[],
  userLimits: { limit: number; ent: Entitlement }[],
  l: LicenseContext,
): void {
  const { claims, ent } = l;
  // `all_features` is the legacy spelling of `feature_set: "enterprise"`; an explicit set wins.
  const set = claims.feature_set ? claims.feature_set : claims.all_features === true ? 'enterprise' : '';
  if (set.toLowerCase() === 'premium') {
    const { limit, issuedAt, end } = PREMIUM_AGENT_DEFAULT;
    addFeature(features, 'managed_agent_limit', {
      entitlement: ent,
      enabled: true,
      limit,
      usage_period: { issued_at: issuedAt, start: issuedAt, end },
    });
  }
  for (const name of featureSetFeatures(set))
    addFeature(features, name, { entitlement: ent, enabled: l.switchedOn(name) });

  const claimed = claims.features ?? {};
  for (const [raw, value] of Object.entries(claimed)) {
    const name = CLAIM_ALIASES[raw] ?? raw;
    if (IGNORED_CLAIMS.has(raw) || value < 0 || !isFeatureName(name)) continue;
    if (USES_USAGE_PERIOD.has(name)) {
      addFeature(features, name, {
        entitlement: ent,
        enabled: value > 0,
        limit: value,
        usage_period: usagePeriod(claims, l.now),
      });
    } else if (value <= 0) {
      continue;
    } else if (name === 'user_limit') {
      userLimits.push({ limit: value, ent });
    } else if (USES_LIMIT.has(name)) {
      // No AI seats are ever used on this server, so the AI governance seat count is 0.
      addFeature(features, name, {
        entitlement: ent,
        enabled: true,
        limit: value,
        ...(name === 'ai_governance_user_limit' ? { actual: 0 } : {}),
      });
    } else {
      addFeature(features, name, { entitlement: ent, enabled: l.switchedOn(name) });
    }
  }

  const runtimeHours = agentRuntimeHours(claimed, ent, usagePeriod(claims, l.now));
  if (runtimeHours) addFeature(features, 'agent_runtime_hours', runtimeHours);

  for (const addon of claims.addons ?? []) {
    const def = ADDONS[addon];
    if (!def) continue;
    const missing = def.requires.filter((f) => features[f].limit === undefined);
    if (missing.length > 0) {
      for (const f of missing)
        errors.push(`Feature ${featureNiceName(f)} must be set when using the ${def.name} addon.`);
      continue;
    }
    for (const name of def.features) addFeature(features, name, { entitlement: ent, enabled: l.switchedOn(name) });
  }
}

/**
 * Coder's entitlements computation (enterprise/coderd/license/license.go in coder/coder, its
 * 2026 rules where the eras differ) as a pure function. Licenses whose `nbf` is still in the
 * future, or that are bound to other deployments, count for nothing.
 */
export function computeEntitlements(input: EntitlementInputs): EntitlementsSnapshot {
  const { now, activeUserCount, enablements } = input;
  const unavailable = input.unavailable ?? new Set<string>();
  const switchedOn = (name: FeatureName) => enablements[name] === true || ALWAYS_ENABLE.has(name);
  const features: Record<string, FeatureState> = {};
  for (const name of FEATURES) features[name] = { entitlement: 'not_entitled', enabled: enablements[name] === true };
  features.user_limit = { ...features.user_limit, actual: activeUserCount };

  const warnings: string[] = [];
  const errors: string[] = [];
  const userLimits: { limit: number; ent: Entitlement }[] = [];
  let hasLicense = false;
  let trial = false;
  let requireTelemetry = false;

  const periods: [number, number][] = [];
  for (const { claims } of input.licenses) {
    if (boundElsewhere(claims, input.deploymentId)) continue;
    // A license for a later term counts for nothing yet, but its term continues the current one.
    periods.push([(claims.nbf ?? claims.iat ?? 0) * 1000, claims.license_expires * 1000]);
    if (claims.nbf !== undefined && claims.nbf * 1000 > now.getTime()) continue;
    hasLicense = true;
    trial = claims.trial === true;
    requireTelemetry ||= claims.require_telemetry === true;
    const ent: Entitlement = now.getTime() > claims.license_expires * 1000 ? 'grace_period' : 'entitled';
    applyLicense(features, errors, userLimits, { claims, ent, now, switchedOn });
  }
  const expiry = expiryWarning(periods, now, trial);
  if (expiry) warnings.push(expiry);
  applyUserLimit(features, userLimits, activeUserCount);
  for (const name of unavailable) if (features[name]) features[name].enabled = false;

  if (hasLicense) {
    warnings.push(...licensedWarnings(features, activeUserCount));
    // No agents run here, so the managed agent count of a license's term is 0.
    if (features.managed_agent_limit.usage_period) features.managed_agent_limit.actual = 0;
  }
  replicaMessages(features.high_availability.entitlement, input.replicaCount, hasLicense, warnings, errors);
  externalAuthMessages(
    features.multiple_external_auth.entitlement,
    input.externalAuthProviders ?? 0,
    hasLicense,
    warnings,
    errors,
  );

  for (const feature of Object.values(features)) {
    if (feature.entitlement === 'not_entitled') feature.enabled = false;
  }

  const sorted = Object.fromEntries(
    Object.keys(features)
      .sort()
      .map((name) => [name, features[name]]),
  );
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

/**
 * Coder's license term periods merged into contiguous blocks (license.go `licenseValidityPeriod`,
 * #19601): a license whose term starts no later than another's `license_expires` extends it, so
 * a loaded renewal (even one not valid yet) silences the warning of the license it replaces.
 */
export function mergePeriods(periods: readonly [number, number][]): [number, number][] {
  const sorted = periods.filter(([start, end]) => end >= start).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * One warning for the contiguous licensed period in force or next (30 days ahead, 7 for a trial).
 * Coder takes the earliest merged block, so an old license in its grace period silences the
 * warning of a separate current one; we take the first block that has not ended, as its comment
 * ("the current or next contiguous period") intends.
 */
function expiryWarning(periods: readonly [number, number][], now: Date, trial: boolean): string | undefined {
  const block = mergePeriods(periods).find(([, end]) => end > now.getTime());
  if (!block) return undefined;
  const days = Math.ceil((block[1] - now.getTime()) / DAY_MS);
  if (days <= 0 || days >= (trial ? 7 : 30)) return undefined;
  return `Your license expires in ${days} ${days === 1 ? 'day' : 'days'}.`;
}

/**
 * Coder's user_limit choice (license.go `betterUserLimit`): each license's limit with its own
 * entitlement, never mixed; a limit the active users fit in wins, then the better entitlement,
 * then the larger limit.
 */
function applyUserLimit(
  features: Record<string, FeatureState>,
  candidates: { limit: number; ent: Entitlement }[],
  users: number,
): void {
  if (candidates.length === 0) return;
  const better = (a: { limit: number; ent: Entitlement }, b: { limit: number; ent: Entitlement }) => {
    const fitsA = users <= a.limit;
    if (fitsA !== users <= b.limit) return fitsA;
    if (a.ent !== b.ent) return WEIGHT[a.ent] > WEIGHT[b.ent];
    return a.limit > b.limit;
  };
  const best = candidates.reduce((a, b) => (better(b, a) ? b : a));
  features.user_limit = { entitlement: best.ent, enabled: true, limit: best.limit, actual: users };
}

function licensedWarnings(features: Record<string, FeatureState>, users: number): string[] {
  const warnings: string[] = [];
  const seats = features.user_limit;
  if (seats.limit !== undefined && users > seats.limit) {
    warnings.push(`Your deployment has ${users} active users but is only licensed for ${seats.limit}.`);
  } else if (seats.limit !== undefined && seats.entitlement === 'grace_period') {
    warnings.push(
      `Your deployment has ${users} active users but the license with the limit ${seats.limit} is expired.`,
    );
  }
  for (const name of Object.keys(features).sort()) {
    const feature = features[name];
    if (OWN_WARNINGS.has(name) || !feature.enabled) continue;
    if (feature.entitlement === 'not_entitled') {
      warnings.push(`${featureNiceName(name)} is enabled but your license is not entitled to this feature.`);
    } else if (feature.entitlement === 'grace_period') {
      warnings.push(`${featureNiceName(name)} is enabled but your license for this feature is expired.`);
    }
  }
  return warnings;
}

function replicaMessages(
  ha: Entitlement,
  replicas: number,
  hasLicense: boolean,
  warnings: string[],
  errors: string[],
): void {
  if (replicas <= 1) return;
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

function externalAuthMessages(
  entitlement: Entitlement,
  providers: number,
  hasLicense: boolean,
  warnings: string[],
  errors: string[],
): void {
  if (providers <= 1) return;
  if (entitlement === 'not_entitled') {
    errors.push(
      hasLicense
        ? 'You have multiple External Auth Providers configured but your license is limited at one.'
        : 'You have multiple External Auth Providers configured but this is an Enterprise feature. Reduce to one.',
    );
  } else if (entitlement === 'grace_period') {
    warnings.push('You have multiple External Auth Providers configured but your license is expired. Reduce to one.');
  }
}

/** The entitlements of a deployment without any license (what the server starts with). */
export function unlicensedSnapshot(now = new Date(), activeUserCount = 0): EntitlementsSnapshot {
  return computeEntitlements({ licenses: [], now, activeUserCount, replicaCount: 1, enablements: {} });
}
