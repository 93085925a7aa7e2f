import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const DAY_MS = 86_400_000;
const EXPIRES_IN_10 = 'Your license expires in 10 days.';
const PROXY_WARNING = 'Workspace Proxy is enabled but your license is not entitled to this feature.';

/**
 * Issue 17: the expiry warning covers the contiguous licensed period (Coder #19498, #19601) and
 * entitlement warnings reach only callers who may read licenses (Coder #13939).
 */
describe('GET /entitlements warnings (Coder 2024+)', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let auditor: Session;
  let templateAdmin: Session;

  const warnings = async (session?: Session): Promise<string[]> => {
    const req = t.http.get('/api/v2/entitlements');
    if (session) req.set(auth(session.token));
    return (await req.expect(200)).body.warnings;
  };
  const expiry = async (session: Session) =>
    (await warnings(session)).filter((w) => w.startsWith('Your license expires'));

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    auditor = await createUser(t, owner, { roles: ['auditor'] });
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
  });
  afterAll(() => closeWorld(t, db));

  it('a renewal that starts now and runs a year silences the warning of a license expiring in 10 days', async () => {
    const expiring = await addLicense(t, owner, ['browser_only'], { days: 10 });
    expect(await expiry(owner)).toEqual([EXPIRES_IN_10]);

    const renewal = await addLicense(t, owner, ['browser_only'], { days: 365 });
    expect(await expiry(owner)).toEqual([]);

    await deleteLicense(t, owner, renewal.id);
    expect(await expiry(owner)).toEqual([EXPIRES_IN_10]);
    await deleteLicense(t, owner, expiring.id);
    expect(await expiry(owner)).toEqual([]);
  });

  it('a renewal not valid yet silences it when it starts before the old term ends, not after a gap', async () => {
    const expiring = await addLicense(t, owner, ['browser_only'], { days: 10 });
    const gap = await addLicense(t, owner, ['scim'], { notBefore: new Date(Date.now() + 12 * DAY_MS), days: 380 });
    expect(await expiry(owner)).toEqual([EXPIRES_IN_10]);
    await deleteLicense(t, owner, gap.id);

    const next = await addLicense(t, owner, ['scim'], { notBefore: new Date(Date.now() + 9 * DAY_MS), days: 380 });
    const body = (await t.http.get('/api/v2/entitlements').set(auth(owner.token)).expect(200)).body;
    expect(body.warnings.filter((w: string) => w.startsWith('Your license expires'))).toEqual([]);
    // The renewal still entitles nothing before its term.
    expect(body.features.scim.entitlement).toBe('not_entitled');
    await deleteLicense(t, owner, next.id);
    await deleteLicense(t, owner, expiring.id);
  });

  it('owners see the warnings; auditors, members, template admins and signed-out callers see none', async () => {
    // Expiry plus an "enabled but not entitled" warning (workspace proxies are on, not licensed).
    const expiring = await addLicense(t, owner, ['browser_only'], { days: 10 });
    expect(await warnings(owner)).toEqual(expect.arrayContaining([EXPIRES_IN_10, PROXY_WARNING]));
    expect(await warnings(auditor)).toEqual([]);
    expect(await warnings(member)).toEqual([]);
    expect(await warnings(templateAdmin)).toEqual([]);
    expect(await warnings()).toEqual([]);

    // Only the warnings are withheld: the rest of the answer is the same for everyone.
    const anonymous = (await t.http.get('/api/v2/entitlements').expect(200)).body;
    const asOwner = (await t.http.get('/api/v2/entitlements').set(auth(owner.token)).expect(200)).body;
    expect({ ...anonymous, warnings: asOwner.warnings, refreshed_at: '' }).toEqual({ ...asOwner, refreshed_at: '' });
    expect(anonymous.has_license).toBe(true);
    await deleteLicense(t, owner, expiring.id);
  });
});
