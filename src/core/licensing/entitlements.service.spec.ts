import { importJWK, type CryptoKey } from 'jose';
import { ApiError } from '../../common/errors.js';
import type { AppConfig } from '../../config/config.schema.js';
import { EntitlementsService } from './entitlements.service.js';
import { newSigningKey, signLicense, type LicenseOptions, type SigningKey } from './license-issuer.js';

let key: SigningKey;
let publicKey: CryptoKey;

beforeAll(async () => {
  key = await newSigningKey('unit');
  publicKey = (await importJWK(key.publicJwk, 'EdDSA')) as CryptoKey;
});

/** The service over in-memory fakes: `jwts` are the stored licenses; `failing` makes the query fail. */
function service(options: { experiments?: string[]; jwts?: string[] } = {}) {
  const state = { jwts: options.jwts ?? [], failing: false, published: [] as string[] };
  const config = {
    experiments: options.experiments ?? [],
    quietHoursDefaultSchedule: 'CRON_TZ=UTC 0 0 * * *',
  } as unknown as AppConfig;
  const licenses = {
    listUnexpiredLicenses: async () => {
      if (state.failing) throw new Error('database is down');
      return state.jwts.map((jwt, i) => ({ id: i + 1, jwt }));
    },
  };
  const users = { countActiveUsers: async () => 1 };
  const keys = { resolve: (kid: string) => (kid === key.kid ? publicKey : undefined) };
  const pubsub = { publish: async (_channel: string, event: string) => void state.published.push(event) };
  const siteConfig = { deploymentId: '11111111-1111-4111-8111-111111111111' };
  const svc = new EntitlementsService(
    config,
    licenses as never,
    keys as never,
    pubsub as never,
    siteConfig as never,
    users as never,
  );
  return { svc, state };
}

const license = (options: LicenseOptions) => signLicense(key, options);
const aged = (svc: EntitlementsService) =>
  svc.replace({ ...svc.snapshot(), refreshed_at: new Date(Date.now() - 120_000).toISOString() });

describe('EntitlementsService.forceRefresh', () => {
  it('refuses while the snapshot is younger than a minute, with Retry-After', async () => {
    const { svc, state } = service();
    await svc.refresh();
    const error = await svc.forceRefresh().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(400);
    expect((error as ApiError).headers['Retry-After']).toMatch(/^(59|60)$/);
    expect(state.published).toEqual([]);
  });

  it('recomputes and announces "refresh" to every replica', async () => {
    const { svc, state } = service({ jwts: [await license({ features: { scim: 1 } })] });
    aged(svc);
    await svc.forceRefresh();
    expect(svc.snapshot().features.scim.entitlement).toBe('entitled');
    expect(state.published).toEqual(['refresh']);
  });

  it('fails (a server fault, not a success) when the recomputation fails, and announces nothing', async () => {
    const { svc, state } = service();
    aged(svc);
    state.failing = true;
    await expect(svc.forceRefresh()).rejects.toThrow('entitlements could not be recomputed');
    expect(state.published).toEqual([]);
  });
});

describe('EntitlementsService enablements (what this deployment turns on)', () => {
  it('template_autostop_requirement needs the experiment (and the default quiet hours schedule)', async () => {
    const jwt = await license({ features: { template_autostop_requirement: 1, advanced_template_scheduling: 1 } });
    const off = service({ jwts: [jwt] });
    await off.svc.refresh();
    expect(off.svc.snapshot().features.template_autostop_requirement).toEqual({
      entitlement: 'entitled',
      enabled: false,
    });
    const on = service({ jwts: [jwt], experiments: ['template_autostop_requirement'] });
    await on.svc.refresh();
    expect(on.svc.snapshot().features.template_autostop_requirement).toEqual({
      entitlement: 'entitled',
      enabled: true,
    });
  });

  it("keeps the previous entitlements, with Coder's error, when the autostop requirement lacks advanced scheduling", async () => {
    const { svc } = service({
      jwts: [await license({ features: { template_autostop_requirement: 1 } })],
      experiments: ['template_autostop_requirement'],
    });
    const previous = svc.snapshot();
    await svc.refresh();
    expect(svc.snapshot().features).toBe(previous.features);
    expect(svc.snapshot().errors).toEqual([
      'Your license is entitled to the feature "template autostop requirement" (and you have it enabled by setting the default quiet hours schedule), but you are not entitled to the dependency feature "advanced template scheduling". Please contact support for a new license.',
    ]);
  });

  it('turns on what this server has, and never what it lacks, under a premium license', async () => {
    const { svc } = service({ jwts: [await license({ featureSet: 'premium' })] });
    await svc.refresh();
    const enabled = Object.entries(svc.snapshot().features)
      .filter(([, f]) => f.enabled)
      .map(([name]) => name)
      .sort();
    expect(enabled).toEqual([
      'access_control',
      'advanced_template_scheduling',
      'appearance',
      'audit_log',
      'control_shared_ports',
      'external_provisioner_daemons',
      'high_availability',
      'multiple_organizations',
      'template_rbac',
      'user_role_management',
      'workspace_batch_actions',
      'workspace_proxy',
    ]);
    expect(svc.snapshot().features.custom_roles).toEqual({ entitlement: 'entitled', enabled: false });
  });

  it('a license bound to another deployment counts for nothing', async () => {
    const { svc } = service({
      jwts: [await license({ features: { scim: 1 }, deploymentIds: ['22222222-2222-4222-8222-222222222222'] })],
    });
    await svc.refresh();
    expect(svc.snapshot().has_license).toBe(false);
  });
});

describe('EntitlementsService.snapshotFor', () => {
  const actor = (siteRoles: string[], orgRoles: string[] = []) =>
    ({
      id: 'u',
      username: 'u',
      email: 'u@example.com',
      siteRoles,
      orgRoles: new Map([['org', orgRoles]]),
      groupIds: [],
      apiKeyId: 'k',
      apiKeyScope: 'all',
      loginType: 'password',
    }) as never;

  it('shows warnings only to callers who may read licenses', () => {
    const { svc } = service();
    svc.replace({ ...svc.snapshot(), warnings: ['Your license expires in 3 days.'] });
    expect(svc.snapshotFor(actor(['owner'])).warnings).toEqual(['Your license expires in 3 days.']);
    expect(svc.snapshotFor(actor(['auditor'])).warnings).toEqual([]);
    expect(svc.snapshotFor(actor([])).warnings).toEqual([]);
    expect(svc.snapshotFor(actor(['template-admin', 'user-admin'], ['organization-admin'])).warnings).toEqual([]);
    expect(svc.snapshotFor(undefined).warnings).toEqual([]);
    // The shared snapshot itself is never changed.
    expect(svc.snapshot().warnings).toEqual(['Your license expires in 3 days.']);
    expect(svc.snapshotFor(undefined)).toEqual({ ...svc.snapshot(), warnings: [] });
  });
});
