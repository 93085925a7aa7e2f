import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { newSigningKey, signLicense } from '../../src/core/licensing/license-issuer.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner } from '../helpers/world.js';

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - start > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /entitlements', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  // As the owner: warnings are shown only to callers who may read licenses.
  const get = async () => (await t.http.get('/api/v2/entitlements').set(auth(owner.token)).expect(200)).body;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
  });
  afterAll(() => closeWorld(t, db));

  it("is public and lists every feature name of Coder's 2023 and 2026 clients, unlicensed", async () => {
    const body = (await t.http.get('/api/v2/entitlements').expect(200)).body;
    expect(Object.keys(body)).toEqual([
      'features',
      'warnings',
      'errors',
      'has_license',
      'trial',
      'require_telemetry',
      'refreshed_at',
    ]);
    expect(Object.keys(body.features)).toEqual([
      'access_control',
      'advanced_template_scheduling',
      'agent_runtime_hours',
      'ai_governance_user_limit',
      'aibridge',
      'appearance',
      'audit_log',
      'boundary',
      'browser_only',
      'connection_log',
      'control_shared_ports',
      'custom_roles',
      'external_provisioner_daemons',
      'external_token_encryption',
      'high_availability',
      'managed_agent_limit',
      'multiple_external_auth',
      'multiple_organizations',
      'scim',
      'service_accounts',
      'task_batch_actions',
      'template_autostop_requirement',
      'template_rbac',
      'user_limit',
      'user_role_management',
      'workspace_batch_actions',
      'workspace_external_agent',
      'workspace_prebuilds',
      'workspace_proxy',
    ]);
    for (const [name, feature] of Object.entries(body.features)) {
      if (name !== 'user_limit')
        expect({ name, feature }).toEqual({ name, feature: { entitlement: 'not_entitled', enabled: false } });
    }
    expect(body.features.user_limit).toEqual({ entitlement: 'not_entitled', enabled: false, actual: 1 });
    expect(body).toMatchObject({
      warnings: [],
      errors: [],
      has_license: false,
      trial: false,
      require_telemetry: false,
    });
  });

  it('follows licenses being added and deleted', async () => {
    const license = await addLicense(t, owner, [], { features: { template_rbac: 1, audit_log: 1, user_limit: 50 } });
    const on = await get();
    expect(on.has_license).toBe(true);
    expect(on.features.template_rbac).toEqual({ entitlement: 'entitled', enabled: true });
    expect(on.features.audit_log).toEqual({ entitlement: 'entitled', enabled: true });
    expect(on.features.user_limit).toEqual({ entitlement: 'entitled', enabled: true, limit: 50, actual: 1 });
    expect(on.warnings).toContain('Workspace Proxy is enabled but your license is not entitled to this feature.');
    await deleteLicense(t, owner, license.id);
    const off = await get();
    expect(off.has_license).toBe(false);
    expect(off.features.template_rbac).toEqual({ entitlement: 'not_entitled', enabled: false });
    expect(off.warnings).toEqual([]);
  });

  it('counts active users and warns when over the seat limit', async () => {
    const license = await addLicense(t, owner, [], { features: { user_limit: 2 } });
    const first = await createUser(t, owner);
    const second = await createUser(t, owner);
    const over = await eventually(get, (b) => b.features.user_limit.actual === 3);
    expect(over.features.user_limit).toEqual({ entitlement: 'entitled', enabled: true, limit: 2, actual: 3 });
    expect(over.warnings).toContain('Your deployment has 3 active users but is only licensed for 2.');
    await t.http.put(`/api/v2/users/${second.userId}/status/suspend`).set(auth(owner.token)).expect(200);
    const back = await eventually(get, (b) => b.features.user_limit.actual === 2);
    expect(back.features.user_limit.actual).toBe(2);
    expect(back.warnings).not.toContain('Your deployment has 3 active users but is only licensed for 2.');
    await t.http.delete(`/api/v2/users/${first.userId}`).set(auth(owner.token)).expect(200);
    expect((await eventually(get, (b) => b.features.user_limit.actual === 1)).features.user_limit.actual).toBe(1);
    await deleteLicense(t, owner, license.id);
  });

  it('warns before expiry and shows the grace period', async () => {
    const soon = await addLicense(t, owner, ['browser_only'], { days: 3 });
    expect((await get()).warnings).toContain('Your license expires in 3 days.');
    await deleteLicense(t, owner, soon.id);
    const grace = await addLicense(t, owner, ['template_rbac'], { days: -1, graceDays: 5 });
    const body = await get();
    expect(body.features.template_rbac).toEqual({ entitlement: 'grace_period', enabled: true });
    expect(body.warnings).toContain('Template RBAC is enabled but your license for this feature is expired.');
    await deleteLicense(t, owner, grace.id);
  });

  it('reports trial and all_features licenses', async () => {
    const trial = await addLicense(t, owner, 'all', { trial: true, days: 5 });
    const body = await get();
    expect(body.trial).toBe(true);
    expect(body.features.scim).toEqual({ entitlement: 'entitled', enabled: false });
    expect(body.features.workspace_proxy).toEqual({ entitlement: 'entitled', enabled: true });
    expect(body.warnings).toContain('Your license expires in 5 days.');
    await deleteLicense(t, owner, trial.id);
  });

  it('a premium license entitles every feature but the limits; only what this server has is enabled', async () => {
    const premium = await addLicense(t, owner, [], { featureSet: 'premium' });
    const body = await get();
    for (const name of [
      'user_role_management',
      'access_control',
      'control_shared_ports',
      'workspace_batch_actions',
      'multiple_organizations',
    ]) {
      expect({ name, feature: body.features[name] }).toEqual({
        name,
        feature: { entitlement: 'entitled', enabled: true },
      });
    }
    for (const name of [
      'custom_roles',
      'service_accounts',
      'workspace_prebuilds',
      'boundary',
      'external_token_encryption',
      'template_autostop_requirement',
    ]) {
      expect({ name, feature: body.features[name] }).toEqual({
        name,
        feature: { entitlement: 'entitled', enabled: false },
      });
    }
    expect(body.features.user_limit).toEqual({ entitlement: 'not_entitled', enabled: false, actual: 1 });
    expect(body.features.managed_agent_limit).toMatchObject({
      entitlement: 'entitled',
      enabled: false,
      limit: 1000,
      actual: 0,
    });
    await deleteLicense(t, owner, premium.id);
  });

  it('a license with the old multiple_git_auth claim counts as multiple_external_auth', async () => {
    const old = await addLicense(t, owner, [], { features: { multiple_git_auth: 1 } });
    const body = await get();
    expect(body.features).not.toHaveProperty('multiple_git_auth');
    // Entitled, but this server has no external auth providers to turn on.
    expect(body.features.multiple_external_auth).toEqual({ entitlement: 'entitled', enabled: false });
    await deleteLicense(t, owner, old.id);
  });

  it('does not apply a license that requires telemetry (this server sends none)', async () => {
    const license = await addLicense(t, owner, ['template_rbac'], { requireTelemetry: true });
    const body = await get();
    expect(body.errors).toEqual(['License requires telemetry but telemetry is disabled']);
    expect(body.features.template_rbac.enabled).toBe(false);
    await deleteLicense(t, owner, license.id);
    expect((await get()).errors).toEqual([]);
  });
});

describe('template_autostop_requirement with CODER_EXPERIMENTS=template_autostop_requirement', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  const get = async () => (await t.http.get('/api/v2/entitlements').expect(200)).body;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_EXPERIMENTS: 'template_autostop_requirement' } }));
  });
  afterAll(() => closeWorld(t, db));

  it('is enabled when licensed with advanced template scheduling', async () => {
    const license = await addLicense(t, owner, ['template_autostop_requirement', 'advanced_template_scheduling']);
    expect((await get()).features.template_autostop_requirement).toEqual({ entitlement: 'entitled', enabled: true });
    await deleteLicense(t, owner, license.id);
  });

  it("without advanced template scheduling, the new license is not applied and Coder's error says why", async () => {
    const license = await addLicense(t, owner, ['template_autostop_requirement', 'scim']);
    const body = await get();
    expect(body.errors).toEqual([
      expect.stringContaining('you are not entitled to the dependency feature "advanced template scheduling"'),
    ]);
    expect(body.features.scim.entitlement).toBe('not_entitled');
    await deleteLicense(t, owner, license.id);
    expect((await get()).errors).toEqual([]);
  });
});

describe('license signing keys are re-read without a restart', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let keysFile: string;

  beforeAll(async () => {
    keysFile = join(mkdtempSync(join(tmpdir(), 'coder-keys-')), 'license-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [] }));
    ({ t, db, owner } = await openWorld({ env: { CODER_LICENSE_KEYS_FILE: keysFile } }));
  });
  afterAll(() => closeWorld(t, db));

  it('accepts licenses of a key added to the file, and drops them when the key is removed', async () => {
    const key = await newSigningKey('rotated-2026');
    const jwt = await signLicense(key, { features: { template_rbac: 1 } });
    const post = () => t.http.post('/api/v2/licenses').set(auth(owner.token)).send({ license: jwt });
    expect((await post().expect(400)).body).toEqual({
      message: 'Invalid license',
      detail: 'no key with ID rotated-2026',
    });

    writeFileSync(keysFile, JSON.stringify({ keys: [key.publicJwk] }));
    const accepted = await eventually(
      () => post(),
      (res) => res.status === 201,
      8000,
    );
    expect(accepted.status).toBe(201);
    expect((await t.http.get('/api/v2/entitlements')).body.features.template_rbac.enabled).toBe(true);

    writeFileSync(keysFile, JSON.stringify({ keys: [] }));
    const dropped = await eventually(
      async () => (await t.http.get('/api/v2/entitlements')).body,
      (b) => b.features.template_rbac.enabled === false,
      8000,
    );
    expect(dropped.features.template_rbac.enabled).toBe(false);
    expect(dropped.has_license).toBe(false);
  });
});
