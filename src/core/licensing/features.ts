/**
 * Feature keys of `GET /entitlements`: every name of Coder's `codersdk.FeatureNames` in both eras
 * clients come from. The October 2023 dashboard (15 names) indexes its names directly and crashes
 * on a missing one; newer codersdk and the Terraform provider (28 names, August 2026) check others
 * such as `access_control`. `multiple_git_auth` is gone: Coder renamed it `multiple_external_auth`
 * (#10017), and a license that still carries the old claim counts for the new name.
 */
export const FEATURES = [
  'user_limit',
  'audit_log',
  'connection_log',
  'browser_only',
  'scim',
  'template_rbac',
  'high_availability',
  'multiple_external_auth',
  'external_provisioner_daemons',
  'appearance',
  'advanced_template_scheduling',
  'workspace_proxy',
  'user_role_management',
  'external_token_encryption',
  /** October 2023 only (removed by Coder in #10920); still read by that era's dashboard. */
  'template_autostop_requirement',
  'workspace_batch_actions',
  'task_batch_actions',
  'access_control',
  'control_shared_ports',
  'custom_roles',
  'multiple_organizations',
  'workspace_prebuilds',
  'managed_agent_limit',
  'workspace_external_agent',
  'aibridge',
  'boundary',
  'service_accounts',
  'ai_governance_user_limit',
  'agent_runtime_hours',
] as const;
export type FeatureName = (typeof FEATURES)[number];

const KNOWN = new Set<string>(FEATURES);

export function isFeatureName(name: string): name is FeatureName {
  return KNOWN.has(name);
}

/** Old license claim names and the feature they grant now (codersdk rename of 2023-10-03). */
export const CLAIM_ALIASES: Readonly<Record<string, FeatureName>> = {
  multiple_git_auth: 'multiple_external_auth',
  // Coder's license.go: old licenses split the managed agent limit; the soft one is the limit.
  managed_agent_limit_soft: 'managed_agent_limit',
};

/** Claims Coder's license.go reads but never grants as a feature of their own. */
export const IGNORED_CLAIMS: ReadonlySet<string> = new Set(['managed_agent_limit_hard', 'agent_runtime_hours']);

/** Coder's `FeatureName.AlwaysEnable()` (codersdk/deployment.go, 2026): on whenever entitled. */
export const ALWAYS_ENABLE: ReadonlySet<FeatureName> = new Set<FeatureName>([
  'multiple_external_auth',
  'external_provisioner_daemons',
  'appearance',
  'workspace_batch_actions',
  'task_batch_actions',
  'high_availability',
  'custom_roles',
  'multiple_organizations',
  'workspace_prebuilds',
  'workspace_external_agent',
  'boundary',
  'service_accounts',
]);

/** Not part of the `enterprise` feature set, only of `premium` (`FeatureName.Enterprise()`). */
export const PREMIUM_ONLY: ReadonlySet<FeatureName> = new Set<FeatureName>([
  'multiple_organizations',
  'custom_roles',
  'service_accounts',
]);

/** `FeatureName.UsesLimit()`: granted only with a number from the license, never in bulk. */
export const USES_LIMIT: ReadonlySet<FeatureName> = new Set<FeatureName>([
  'user_limit',
  'managed_agent_limit',
  'ai_governance_user_limit',
  'agent_runtime_hours',
]);

/** `FeatureName.UsesUsagePeriod()`: the limit counts over the license's term. */
export const USES_USAGE_PERIOD: ReadonlySet<FeatureName> = new Set<FeatureName>([
  'managed_agent_limit',
  'agent_runtime_hours',
]);

/** Coder's add-ons (`codersdk.Addon`): the features each grants and the limit it needs set. */
export const ADDONS: Readonly<Record<string, { name: string; features: FeatureName[]; requires: FeatureName[] }>> = {
  ai_governance: { name: 'AI Governance', features: ['aibridge', 'boundary'], requires: ['ai_governance_user_limit'] },
};

/** Coder's agent runtime hours claims (license.go): the allocation is the limit. */
export const AGENT_RUNTIME_HOURS_CLAIMS = {
  allocation: 'agent_runtime_hours_allocation',
  soft: 'agent_runtime_hours_limit_soft',
  hard: 'agent_runtime_hours_limit_hard',
} as const;
/** The allocation claim's reserved value for unlimited runtime hours (an enabled feature without a limit). */
export const AGENT_RUNTIME_HOURS_UNLIMITED = -1;

/**
 * The features a `feature_set` claim grants in bulk (`FeatureSet.Features()`): `enterprise` is every
 * feature but the premium-only ones, `premium` every feature; neither grants a limit feature.
 * The 2023-only `template_autostop_requirement` belongs to both, as `all_features` granted it then.
 */
export function featureSetFeatures(set: string | undefined): FeatureName[] {
  const normalized = (set ?? '').toLowerCase();
  if (normalized !== 'enterprise' && normalized !== 'premium') return [];
  return FEATURES.filter((f) => !USES_LIMIT.has(f) && (normalized === 'premium' || !PREMIUM_ONLY.has(f)));
}

const NICE_NAMES: Partial<Record<FeatureName, string>> = {
  template_rbac: 'Template RBAC',
  scim: 'SCIM',
  aibridge: 'AI Gateway',
  ai_governance_user_limit: 'AI Governance User Limit',
};

/** Coder's `FeatureName.Humanize()`: "Template RBAC", "SCIM", else "Audit Log", "Workspace Proxy"... */
export function featureNiceName(feature: string): string {
  const known = NICE_NAMES[feature as FeatureName];
  if (known) return known;
  return feature
    .split('_')
    .map((word) => (word ? word[0].toUpperCase() + word.slice(1) : word))
    .join(' ');
}
