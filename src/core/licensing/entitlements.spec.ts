import { computeEntitlements, mergePeriods, unlicensedSnapshot, type EntitlementInputs } from './entitlements.js';
import { FEATURES, type FeatureName } from './features.js';
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

describe("computeEntitlements (Coder's enterprise/coderd/license/license.go)", () => {
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

  it("always enables Coder's AlwaysEnable features when entitled, whatever the enablements say", () => {
    const names = [
      'appearance',
      'external_provisioner_daemons',
      'multiple_external_auth',
      'workspace_batch_actions',
      'high_availability',
    ];
    const e = compute([license({ features: Object.fromEntries(names.map((n) => [n, 1])) })]);
    for (const name of names)
      expect(e.features[name as FeatureName]).toEqual({ entitlement: 'entitled', enabled: true });
  });

  it('never enables a feature this deployment does not have, even an AlwaysEnable one, and does not warn about it', () => {
    const e = compute([license({ features: { custom_roles: 1, multiple_external_auth: 1, audit_log: 1 } })], {
      unavailable: new Set(['custom_roles', 'multiple_external_auth', 'connection_log']),
      enablements: { connection_log: true },
    });
    expect(e.features.custom_roles).toEqual({ entitlement: 'entitled', enabled: false });
    expect(e.features.multiple_external_auth).toEqual({ entitlement: 'entitled', enabled: false });
    expect(e.features.connection_log).toEqual({ entitlement: 'not_entitled', enabled: false });
    expect(e.warnings).toEqual([]);
  });

  it('ignores features with a value of 0 or less', () => {
    const e = compute([license({ features: { scim: 0, audit_log: -1 } })], {
      enablements: { scim: true, audit_log: true },
    });
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

  it('all_features grants everything but the limits and the premium-only features (2026: the enterprise set)', () => {
    const e = compute([license({ all_features: true })], { enablements: ENABLEMENTS });
    const bulk = FEATURES.filter(
      (f) => !['user_limit', 'managed_agent_limit', 'ai_governance_user_limit', 'agent_runtime_hours'].includes(f),
    );
    for (const name of bulk.filter(
      (f) => !['custom_roles', 'multiple_organizations', 'service_accounts'].includes(f),
    )) {
      expect(e.features[name].entitlement).toBe('entitled');
    }
    expect(e.features.custom_roles.entitlement).toBe('not_entitled');
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

  describe('expiry warning over the contiguous licensed period (Coder #19498, #19601)', () => {
    const expiring = license({ nbf: S(days(-355)), license_expires: S(days(10)) - 60 });

    it('warns once for a license expiring in 10 days with no renewal', () => {
      expect(compute([expiring]).warnings).toEqual(['Your license expires in 10 days.']);
    });

    it('is silenced by a renewal starting now and valid for a year', () => {
      const renewal = license({ nbf: S(NOW), license_expires: S(days(365)) });
      expect(compute([expiring, renewal]).warnings).toEqual([]);
      expect(compute([renewal, expiring]).warnings).toEqual([]);
    });

    it('is silenced by a renewal that is not valid yet but starts before the old term ends', () => {
      const next = license({ nbf: S(days(10)) - 60, license_expires: S(days(375)), features: { scim: 1 } });
      const e = compute([expiring, next]);
      expect(e.warnings).toEqual([]);
      // ...while the future license still grants nothing.
      expect(e.features.scim.entitlement).toBe('not_entitled');
    });

    it('still warns when a gap separates the renewal from the expiring term', () => {
      const later = license({ nbf: S(days(12)), license_expires: S(days(377)) });
      expect(compute([expiring, later]).warnings).toEqual(['Your license expires in 10 days.']);
    });

    it('warns for the end of the merged period when a chained renewal also ends soon', () => {
      const short = license({ nbf: S(days(-1)), license_expires: S(days(20)) - 60 });
      expect(compute([expiring, short]).warnings).toEqual(['Your license expires in 20 days.']);
    });

    it('ignores an old license in its grace period when looking at the current term', () => {
      const grace = license({ nbf: S(days(-400)), license_expires: S(days(-40)), exp: S(days(5)) });
      expect(compute([grace, expiring]).warnings).toEqual(['Your license expires in 10 days.']);
    });

    it('a renewal bound to another deployment silences nothing', () => {
      const renewal = license({ nbf: S(NOW), license_expires: S(days(365)), deployment_ids: ['elsewhere'] });
      expect(compute([expiring, renewal], { deploymentId: 'mine' }).warnings).toEqual([
        'Your license expires in 10 days.',
      ]);
    });

    it('mergePeriods joins touching and overlapping terms, keeps gaps, drops reversed ones', () => {
      expect(
        mergePeriods([
          [5, 8],
          [0, 3],
          [3, 4],
          [9, 7],
          [6, 12],
        ]),
      ).toEqual([
        [0, 4],
        [5, 12],
      ]);
    });
  });

  it("warns about every enabled feature the license lacks, with Coder's nice names, never for HA or git auth", () => {
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
    [
      [],
      'You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.',
    ],
    [
      [license()],
      'You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.',
    ],
  ])('errors with several replicas and no HA entitlement', (licenses, error) => {
    const e = compute(licenses, { replicaCount: 2 });
    expect(e.errors).toEqual([error]);
  });

  it('several replicas: entitled HA is fine, HA in grace period warns', () => {
    expect(compute([license({ features: { high_availability: 1 } })], { replicaCount: 3 }).errors).toEqual([]);
    const grace = compute([license({ license_expires: S(days(-2)), features: { high_availability: 1 } })], {
      replicaCount: 2,
    });
    expect(grace.errors).toEqual([]);
    expect(grace.warnings).toContain(
      'You have multiple replicas but your license for high availability is expired. Reduce to one replica or workspace connections will stop working.',
    );
  });

  it('one replica: no HA messages at all', () => {
    expect(compute([]).errors).toEqual([]);
  });

  it('several external auth providers need multiple_external_auth (an old multiple_git_auth claim counts)', () => {
    expect(compute([], { externalAuthProviders: 2 }).errors).toEqual([
      'You have multiple External Auth Providers configured but this is an Enterprise feature. Reduce to one.',
    ]);
    expect(compute([license()], { externalAuthProviders: 2 }).errors).toEqual([
      'You have multiple External Auth Providers configured but your license is limited at one.',
    ]);
    expect(compute([license({ features: { multiple_git_auth: 1 } })], { externalAuthProviders: 2 }).errors).toEqual([]);
    const grace = compute([license({ license_expires: S(days(-1)), features: { multiple_external_auth: 1 } })], {
      externalAuthProviders: 3,
    });
    expect(grace.warnings).toContain(
      'You have multiple External Auth Providers configured but your license is expired. Reduce to one.',
    );
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
    const afterwards = computeEntitlements({
      licenses: [{ id: 1, claims: later }],
      now: days(3),
      activeUserCount: 1,
      replicaCount: 1,
      enablements: {},
    });
    expect(afterwards.features.template_rbac.entitlement).toBe('entitled');
  });

  it('ignores claimed feature names Coder does not know (2026 rule), and the retired hard agent limit', () => {
    const e = compute([
      license({ features: { shiny_future_thing: 1, managed_agent_limit_hard: 50, agent_runtime_hours: 9 } }),
    ]);
    expect(Object.keys(e.features)).toEqual([...FEATURES].sort());
    expect(e.features.managed_agent_limit).toEqual({ entitlement: 'not_entitled', enabled: false });
    expect(e.features.agent_runtime_hours).toEqual({ entitlement: 'not_entitled', enabled: false });
    expect(e.has_license).toBe(true);
  });

  it('lists features sorted by name and stamps refreshed_at', () => {
    const e = compute([]);
    expect(Object.keys(e.features)).toEqual(Object.keys(e.features).sort());
    expect(e.refreshed_at).toBe(NOW.toISOString());
    expect(unlicensedSnapshot(NOW).features.user_limit.actual).toBe(0);
  });
});

describe('computeEntitlements: feature names of both eras and the 2026 claim rules (license.go)', () => {
  const F6_NAMES = [
    'user_limit',
    'audit_log',
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
    'template_autostop_requirement',
    'workspace_batch_actions',
  ];
  const L26_NAMES = [
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
  ];
  const LIMITS = ['user_limit', 'managed_agent_limit', 'ai_governance_user_limit', 'agent_runtime_hours'];
  const PREMIUM_ONLY = ['custom_roles', 'multiple_organizations', 'service_accounts'];
  const entitledNames = (e: ReturnType<typeof compute>) =>
    Object.entries(e.features)
      .filter(([, f]) => f.entitlement !== 'not_entitled')
      .map(([n]) => n)
      .sort();

  it('lists the 15 names of 2023 and the 28 of 2026 (29 in all), never multiple_git_auth', () => {
    expect(F6_NAMES).toHaveLength(15);
    expect(L26_NAMES).toHaveLength(28);
    const keys = Object.keys(compute([]).features);
    expect(keys).toEqual([...new Set([...F6_NAMES, ...L26_NAMES])].sort());
    expect(keys).not.toContain('multiple_git_auth');
  });

  it('a multiple_git_auth claim grants multiple_external_auth', () => {
    const e = compute([license({ features: { multiple_git_auth: 1 } })]);
    expect(e.features.multiple_external_auth).toEqual({ entitlement: 'entitled', enabled: true });
    expect(e.features).not.toHaveProperty('multiple_git_auth');
  });

  it('feature_set "enterprise" grants every feature but the premium-only and limit ones', () => {
    const e = compute([license({ feature_set: 'enterprise' })]);
    expect(entitledNames(e)).toEqual(FEATURES.filter((f) => !PREMIUM_ONLY.includes(f) && !LIMITS.includes(f)).sort());
  });

  it('feature_set "premium" (any case) adds the premium-only ones and a default managed agent limit of 1000', () => {
    const e = compute([license({ feature_set: 'Premium' })]);
    expect(entitledNames(e)).toEqual(FEATURES.filter((f) => !LIMITS.includes(f) || f === 'managed_agent_limit').sort());
    expect(e.features.custom_roles).toEqual({ entitlement: 'entitled', enabled: true });
    expect(e.features.managed_agent_limit).toEqual({
      entitlement: 'entitled',
      enabled: true,
      limit: 1000,
      actual: 0,
      usage_period: {
        issued_at: '2025-07-01T00:00:00.000Z',
        start: '2025-07-01T00:00:00.000Z',
        end: '2125-07-01T00:00:00.000Z',
      },
    });
  });

  it('legacy all_features means the enterprise set; an explicit feature_set wins over it; an unknown set grants nothing', () => {
    expect(entitledNames(compute([license({ all_features: true })]))).toEqual(
      entitledNames(compute([license({ feature_set: 'enterprise' })])),
    );
    expect(
      compute([license({ all_features: true, feature_set: 'premium' })]).features.service_accounts.entitlement,
    ).toBe('entitled');
    expect(entitledNames(compute([license({ all_features: true, feature_set: 'platinum' })]))).toEqual([]);
  });

  it('never grants a limit feature in bulk: the seat limit must be claimed', () => {
    const e = compute([license({ feature_set: 'premium' })]);
    expect(e.features.user_limit).toEqual({ entitlement: 'not_entitled', enabled: false, actual: 3 });
    expect(e.features.ai_governance_user_limit.entitlement).toBe('not_entitled');
    expect(e.features.agent_runtime_hours.entitlement).toBe('not_entitled');
  });

  it('a bulk grant and an à-la-carte grant combine; a feature set in its grace period does not downgrade a fresh claim', () => {
    const grace = license({ feature_set: 'enterprise', license_expires: S(days(-1)) });
    const fresh = license({ features: { scim: 1 } });
    const e = compute([fresh, grace]);
    expect(e.features.scim.entitlement).toBe('entitled');
    expect(e.features.audit_log.entitlement).toBe('grace_period');
  });

  it('managed_agent_limit_soft is the managed agent limit, counted over the license term', () => {
    const nbf = S(days(-10));
    const e = compute([license({ nbf, iat: nbf, features: { managed_agent_limit_soft: 25 } })]);
    expect(e.features.managed_agent_limit).toEqual({
      entitlement: 'entitled',
      enabled: true,
      limit: 25,
      actual: 0,
      usage_period: {
        issued_at: days(-10).toISOString(),
        start: days(-10).toISOString(),
        end: days(400).toISOString(),
      },
    });
  });

  it('agent runtime hours come from their allocation claim, with soft and hard limits', () => {
    const claims = {
      agent_runtime_hours_allocation: 100,
      agent_runtime_hours_limit_soft: 80,
      agent_runtime_hours_limit_hard: 120,
    };
    const e = compute([license({ nbf: S(NOW), features: claims })]);
    expect(e.features.agent_runtime_hours).toMatchObject({
      entitlement: 'entitled',
      enabled: true,
      limit: 100,
      soft_limit: 80,
      hard_limit: 120,
    });
  });

  it.each([
    [
      'unlimited (-1): enabled without a limit',
      { agent_runtime_hours_allocation: -1, agent_runtime_hours_limit_soft: 5 },
      { enabled: true },
    ],
    [
      'a soft limit at or above the allocation is dropped',
      { agent_runtime_hours_allocation: 100, agent_runtime_hours_limit_soft: 100 },
      { enabled: true, limit: 100 },
    ],
    [
      'a hard limit below the allocation is dropped',
      { agent_runtime_hours_allocation: 100, agent_runtime_hours_limit_hard: 99 },
      { enabled: true, limit: 100 },
    ],
    [
      'a zero allocation grants it disabled, without a hard limit',
      { agent_runtime_hours_allocation: 0, agent_runtime_hours_limit_hard: 10 },
      { enabled: false, limit: 0 },
    ],
  ])('agent runtime hours (Coder decodeAgentRuntimeHours): %s', (_, claims, expected) => {
    const feature = compute([license({ nbf: S(NOW), features: claims })]).features.agent_runtime_hours;
    const { usage_period, ...rest } = feature;
    expect(rest).toEqual({ entitlement: 'entitled', ...expected });
    expect(usage_period).toBeDefined();
  });

  it('agent runtime hours: another negative allocation grants nothing', () => {
    const e = compute([license({ features: { agent_runtime_hours_allocation: -2 } })]);
    expect(e.features.agent_runtime_hours).toEqual({ entitlement: 'not_entitled', enabled: false });
  });

  it('the AI Governance add-on grants aibridge and boundary, but only with an AI governance seat limit', () => {
    const without = compute([license({ addons: ['ai_governance'] })]);
    expect(without.errors).toEqual([
      'Feature AI Governance User Limit must be set when using the AI Governance addon.',
    ]);
    expect(without.features.aibridge.entitlement).toBe('not_entitled');
    const withLimit = compute([
      license({ addons: ['ai_governance', 'unknown_addon'], features: { ai_governance_user_limit: 10 } }),
    ]);
    expect(withLimit.errors).toEqual([]);
    expect(withLimit.features.aibridge).toEqual({ entitlement: 'entitled', enabled: false });
    expect(withLimit.features.boundary).toEqual({ entitlement: 'entitled', enabled: true });
    expect(withLimit.features.ai_governance_user_limit).toEqual({
      entitlement: 'entitled',
      enabled: true,
      limit: 10,
      actual: 0,
    });
  });

  it('user_limit: a limit the active users fit in wins over a better entitlement, and its grace period is warned about', () => {
    const small = license({ features: { user_limit: 2 } });
    const big = license({ license_expires: S(days(-1)), features: { user_limit: 10 } });
    const e = compute([small, big]);
    expect(e.features.user_limit).toEqual({ entitlement: 'grace_period', enabled: true, limit: 10, actual: 3 });
    expect(e.warnings).toEqual(['Your deployment has 3 active users but the license with the limit 10 is expired.']);
    const bothFit = compute([
      license({ features: { user_limit: 5 } }),
      license({ license_expires: S(days(-1)), features: { user_limit: 10 } }),
    ]);
    expect(bothFit.features.user_limit).toMatchObject({ entitlement: 'entitled', limit: 5 });
  });

  it('a license bound to other deployments counts for nothing; bound to this one, or to none, it counts', () => {
    const mine = '11111111-1111-4111-8111-111111111111';
    const other = license({ deployment_ids: ['22222222-2222-4222-8222-222222222222'], features: { scim: 1 } });
    const e = compute([other], { deploymentId: mine });
    expect(e.has_license).toBe(false);
    expect(e.features.scim.entitlement).toBe('not_entitled');
    expect(
      compute([license({ deployment_ids: ['x', mine], features: { scim: 1 } })], { deploymentId: mine }).features.scim
        .entitlement,
    ).toBe('entitled');
    expect(compute([license({ deployment_ids: [], features: { scim: 1 } })], { deploymentId: mine }).has_license).toBe(
      true,
    );
  });
});
