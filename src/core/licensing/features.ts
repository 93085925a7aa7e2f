/** Feature keys of `GET /entitlements` (Coder, mid-2023). */
export const FEATURES = [
  'user_limit',
  'audit_log',
  'browser_only',
  'scim',
  'template_rbac',
  'high_availability',
  'multiple_git_auth',
  'external_provisioner_daemons',
  'appearance',
  'advanced_template_scheduling',
  'workspace_proxy',
] as const;
export type FeatureName = (typeof FEATURES)[number];

const NICE_NAMES: Partial<Record<FeatureName, string>> = { template_rbac: 'Template RBAC', scim: 'SCIM' };

/** Coder's humanised feature name: "Template RBAC", "SCIM", else "Audit Log", "Workspace Proxy"... */
export function featureNiceName(feature: string): string {
  const known = NICE_NAMES[feature as FeatureName];
  if (known) return known;
  return feature
    .split('_')
    .map((word) => (word ? word[0].toUpperCase() + word.slice(1) : word))
    .join(' ');
}
