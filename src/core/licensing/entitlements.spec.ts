import { computeEntitlements, unlicensedSnapshot, type EntitlementInputs } from './entitlements.js';
import { FEATURES } from './features.js';
import type { LicenseClaims } from './license-claims.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const S = (date: Date) => Math.floor(date.getTime() / 1000);
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

function license(overrides: Partial<LicenseClaims> = {}): LicenseClaims {
  return { version: 3, exp: S(days(400)), license_expires: S(days(365)), features: {}, ...overrides };
}

const ENABLEMENTS = {
  audit_log: true,
  template_rbac: true,
  external_provisioner_daemons: true,
  advanced_template_scheduling: true,
  workspace_proxy: true,
};

function compute(licenses: LicenseClaims[], extra: Partial<EntitlementInputs> = {}) {
  return computeEntitlements({
    licenses: licenses.map((claims, i) => ({ id: i + 1, claims })),
    now: NOW,
    activeUserCount: 3,
    replicaCount: 1,
    enablements: {},
    ...extra,
  });
}

describe('computeEntitlements (coder-behaviour-1 §4.3)', () => {
  it('without a license: every feature present, not entitled, disabled; user_limit.actual shown', () => {
    const e = compute([], { enablements: ENABLEMENTS });
    expect(Object.keys(e.features)).toEqual([...FEATURES].sort());
    for (const f of Object.values(e.features)) expect(f).toMatchObject({ entitlement: 'not_entitled', enabled: false });
    expect(e.features.user_limit).toEqual({ entitlement: 'not_entitled', enabled: false, actual: 3 });
    expect(e).toMatchObject({ has_license: false, trial: false, require_telemetry: false, warnings: [], errors: [] });
  });

  it('entitles and enables licensed features; enablement decides "enabled"', () => {
    const e = compute([license({ features: { template_rbac: 1, browser_only: 1 } })], { enablements: ENABLEMENTS });
    expect(e.features.template_rbac).toEqual({ entitlement: 'entitled', enabled: true });
    expect(e.features.browser_only).toEqual({ entitlement: 'entitled', enabled: false });
    expect(e.has_license).toBe(true);
  });

  it('always enables appearance, external provisioner daemons and multiple git auth when entitled', () => {
    const e = compute([license({ features: { appearance: 1, external_provisioner_daemons: 1, multiple_git_auth: 1 } })]);
    expect(e.features.appearance.enabled).toBe(true);
    expect(e.features.external_provisioner_daemons.enabled).toBe(true);
    expect(e.features.multiple_git_auth.enabled).toBe(true);
  });

  it('ignores features with a value of 0 or less', () => {
    const e = compute([license({ features: { scim: 0, audit_log: -1 } })], { enablements: { scim: true, audit_log: true } });
    expect(e.features.scim.entitlement).toBe('not_entitled');
    expect(e.features.audit_log.entitlement).toBe('not_entitled');
  });

  it('puts a license past license_expires (but before exp) into its grace period', () => {
    const e = compute([license({ license_expires: S(days(-1)), exp: S(days(6)), features: { template_rbac: 1 } })], {
      enablements: ENABLEMENTS,
    });
    expect(e.features.template_rbac).toEqual({ entitlement: 'grace_period', enabled: true });
    expect(e.warnings).toContain('Template RBAC is enabled but your license for this feature is expired.');
  });

  it('takes the best entitlement across licenses', () => {
    const grace = license({ license_expires: S(days(-1)), features: { template_rbac: 1 } });
    const fresh = license({ features: { template_rbac: 1 } });
    expect(compute([grace, fresh]).features.template_rbac.entitlement).toBe('entitled');
    expect(compute([fresh, grace]).features.template_rbac.entitlement).toBe('entitled');
  });

  it('all_features grants everything but user_limit, at the best all-features entitlement', () => {
    const e = compute([license({ all_features: true })], { enablements: ENABLEMENTS });
    for (const name of FEATURES.filter((f) => f !== 'user_limit')) expect(e.features[name].entitlement).toBe('entitled');
    expect(e.features.user_limit).toEqual({ entitlement: 'not_entitled', enabled: false, actual: 3 });
    expect(e.features.audit_log.enabled).toBe(true);
    expect(e.features.scim.enabled).toBe(false);
    expect(e.features.appearance.enabled).toBe(true);
  });

  it('user_limit: the largest limit, actual = active users, and the seat warning', () => {
    const e = compute([license({ features: { user_limit: 2 } }), license({ features: { user_limit: 2 } })]);
    expect(e.features.user_limit).toEqual({ entitlement: 'entitled', enabled: true, limit: 2, actual: 3 });
    expect(e.warnings).toEqual(['Your deployment has 3 active users but is only licensed for 2.']);
    const bigger = compute([license({ features: { user_limit: 10 } }), license({ features: { user_limit: 5 } })]);
    expect(bigger.features.user_limit.limit).toBe(10);
    expect(bigger.warnings).toEqual([]);
  });

  it.each([
    [29, false, 'Your license expires in 29 days.'],
    [1, false, 'Your license expires in 1 day.'],
    [2, false, 'Your license expires in 2 days.'],
    [6, true, 'Your license expires in 6 days.'],
  ])('warns %i day(s) before expiry (trial: %s)', (n, trial, warning) => {
    const e = compute([license({ license_expires: S(days(n)) - 60, trial })]);
    expect(e.warnings).toEqual([warning]);
  });

  it.each([
    [30, false],
    [7, true],
    [-1, false],
  ])('does not warn %i days before expiry (trial: %s)', (n, trial) => {
    expect(compute([license({ license_expires: S(days(n)) - 60, trial })]).warnings).toEqual([]);
  });

  it('warns about every enabled feature the license lacks, with Coder\'s nice names, never for HA or git auth', () => {
    const e = compute([license({ features: { audit_log: 1 } })], {
      enablements: { ...ENABLEMENTS, scim: true, high_availability: true, multiple_git_auth: true, browser_only: true },
    });
    expect(e.warnings).toEqual([
      'Advanced Template Scheduling is enabled but your license is not entitled to this feature.',
      'Browser Only is enabled but your license is not entitled to this feature.',
      'External Provisioner Daemons is enabled but your license is not entitled to this feature.',
      'SCIM is enabled but your license is not entitled to this feature.',
      'Template RBAC is enabled but your license is not entitled to this feature.',
      'Workspace Proxy is enabled but your license is not entitled to this feature.',
    ]);
    // ...and, after warning, every unentitled feature is switched off.
    expect(e.features.template_rbac).toEqual({ entitlement: 'not_entitled', enabled: false });
    expect(e.features.audit_log).toEqual({ entitlement: 'entitled', enabled: true });
  });

  it('no "enabled" warnings without a license', () => {
    expect(compute([], { enablements: ENABLEMENTS }).warnings).toEqual([]);
  });

  it.each([
    [[], 'You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.'],
    [[license()], 'You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.'],
  ])('errors with several replicas and no HA entitlement', (licenses, error) => {
    const e = compute(licenses as LicenseClaims[], { replicaCount: 2 });
    expect(e.errors).toEqual([error]);
  });

  it('several replicas: entitled HA is fine, HA in grace period warns', () => {
    expect(compute([license({ features: { high_availability: 1 } })], { replicaCount: 3 }).errors).toEqual([]);
    const grace = compute([license({ license_expires: S(days(-2)), features: { high_availability: 1 } })], { replicaCount: 2 });
    expect(grace.errors).toEqual([]);
    expect(grace.warnings).toContain(
      'You have multiple replicas but your license for high availability is expired. Reduce to one replica or workspace connections will stop working.',
    );
  });

  it('one replica: no HA messages at all', () => {
    expect(compute([]).errors).toEqual([]);
  });

  it('several git auth providers need multiple_git_auth', () => {
    expect(compute([], { gitAuthProviders: 2 }).errors).toEqual([
      'You have multiple Git authorizations configured but this is an Enterprise feature. Reduce to one.',
    ]);
    expect(compute([license()], { gitAuthProviders: 2 }).errors).toEqual([
      'You have multiple Git authorizations configured but your license is limited at one.',
    ]);
    expect(compute([license({ features: { multiple_git_auth: 1 } })], { gitAuthProviders: 2 }).errors).toEqual([]);
  });

  it('trial comes from the last license; require_telemetry from any', () => {
    expect(compute([license({ trial: true }), license({ trial: false })]).trial).toBe(false);
    expect(compute([license({ trial: false }), license({ trial: true })]).trial).toBe(true);
    expect(compute([license({ require_telemetry: true }), license()]).require_telemetry).toBe(true);
  });

  it('a license whose nbf is in the future counts for nothing yet', () => {
    const later = license({ nbf: S(days(2)), features: { template_rbac: 1 } });
    const e = compute([later], { enablements: ENABLEMENTS });
    expect(e.has_license).toBe(false);
    expect(e.features.template_rbac.entitlement).toBe('not_entitled');
    const afterwards = computeEntitlements({ licenses: [{ id: 1, claims: later }], now: days(3), activeUserCount: 1, replicaCount: 1, enablements: {} });
    expect(afterwards.features.template_rbac.entitlement).toBe('entitled');
  });

  it('keeps unknown feature names from a license', () => {
    expect(compute([license({ features: { shiny_future_thing: 1 } })]).features.shiny_future_thing).toEqual({
      entitlement: 'entitled',
      enabled: false,
    });
  });

  it('lists features sorted by name and stamps refreshed_at', () => {
    const e = compute([]);
    expect(Object.keys(e.features)).toEqual(Object.keys(e.features).sort());
    expect(e.refreshed_at).toBe(NOW.toISOString());
    expect(unlicensedSnapshot(NOW).features.user_limit.actual).toBe(0);
  });
});
