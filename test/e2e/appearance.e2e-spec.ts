import type pg from 'pg';
import { APPEARANCE_DEFAULTS as DEFAULTS, DEFAULT_LINKS, storedAppearance } from '../helpers/appearance.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { signedOut } from '../helpers/expectations.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const NOT_ENTITLED = { message: 'Appearance is an Enterprise feature. Contact sales!' };
const MISSING_TOKEN = signedOut('Cookie "coder_session_token" or query parameter must be provided.');

const CONFIGURED = {
  logo_url: 'https://example.com/logo.png',
  service_banner: { enabled: true, message: 'Maintenance at 17:00 UTC', background_color: '#5F1dc4' },
  support_links: [
    { name: 'Wiki', target: 'https://wiki.example.com/coder', icon: '/emojis/1f4d6.png' },
    { name: 'Status', target: 'http://status.example.com', icon: 'star' },
  ],
};

describe('appearance', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let licenseId: number;

  const get = (token: string) => t.http.get('/api/v2/appearance').set(auth(token));
  const put = (token: string, body: object) => t.http.put('/api/v2/appearance').set(auth(token)).send(body);
  const auditRows = async () =>
    (await db.query(`SELECT * FROM audit_logs WHERE resource_type = 'appearance' ORDER BY time`)).rows;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
  });
  afterAll(() => closeWorld(t, db));

  it('answers 401 to callers without a session', async () => {
    expect((await t.http.get('/api/v2/appearance').expect(401)).body).toEqual(MISSING_TOKEN);
    expect((await t.http.put('/api/v2/appearance').send(CONFIGURED).expect(401)).body).toEqual(MISSING_TOKEN);
    expect((await get('abcdefghij-abcdefghijabcdefghijkl').expect(401)).body.message).toMatch(/^You are signed out/);
  });

  it("without a license, GET answers Coder's defaults to every user", async () => {
    expect((await get(member.token).expect(200)).body).toEqual(DEFAULTS);
    expect((await get(owner.token).expect(200)).body).toEqual(DEFAULTS);
  });

  it('without a license, PUT is refused before the role check and stores nothing', async () => {
    expect((await put(owner.token, CONFIGURED).expect(403)).body).toEqual(NOT_ENTITLED);
    expect((await put(member.token, CONFIGURED).expect(403)).body).toEqual(NOT_ENTITLED);
    expect(await storedAppearance(db)).toEqual({});
    expect(await auditRows()).toEqual([]);
  });

  it('with a license, a member may not update it (403) and nothing is stored', async () => {
    licenseId = (await addLicense(t, owner, ['appearance'])).id;
    const res = await put(member.token, CONFIGURED).expect(403);
    expect(res.body).toEqual({ message: 'Insufficient permissions to update appearance' });
    expect(await storedAppearance(db)).toEqual({});
    expect((await get(member.token).expect(200)).body).toEqual(DEFAULTS);
  });

  it('the owner sets logo, banner and links; everyone reads them back', async () => {
    const res = await put(owner.token, CONFIGURED).expect(200);
    expect(res.body).toEqual(CONFIGURED);
    expect((await get(owner.token).expect(200)).body).toEqual(CONFIGURED);
    expect((await get(member.token).expect(200)).body).toEqual(CONFIGURED);
    expect(await storedAppearance(db)).toEqual({
      logo_url: 'https://example.com/logo.png',
      service_banner: '{"enabled":true,"message":"Maintenance at 17:00 UTC","background_color":"#5F1dc4"}',
      support_links: JSON.stringify(CONFIGURED.support_links),
    });
  });

  it('answers the stored config, not the request: missing fields clear, empty links show the defaults', async () => {
    const res = await put(owner.token, { service_banner: { enabled: false, message: 'draft' } }).expect(200);
    const expected = { logo_url: '', service_banner: { enabled: false, message: 'draft' }, support_links: DEFAULT_LINKS };
    expect(res.body).toEqual(expected);
    expect((await get(member.token).expect(200)).body).toEqual(expected);
    expect(await storedAppearance(db)).toEqual({
      logo_url: '',
      service_banner: '{"enabled":false,"message":"draft"}',
      support_links: '[]',
    });

    expect((await put(owner.token, {}).expect(200)).body).toEqual(DEFAULTS);
    expect(await storedAppearance(db)).toEqual({ logo_url: '', service_banner: '{"enabled":false}', support_links: '[]' });
  });

  it("accepts the dashboard's read-modify-write (the GET body with the default links) and Coder's SDK body", async () => {
    const current = (await get(owner.token).expect(200)).body;
    const edited = { ...current, logo_url: 'https://example.com/new.svg' };
    expect((await put(owner.token, edited).expect(200)).body).toEqual(edited);
    const sdkBody = { logo_url: '', service_banner: { enabled: true, message: 'hi', background_color: '#00ff00' } };
    expect((await put(owner.token, sdkBody).expect(200)).body).toEqual({ ...sdkBody, support_links: DEFAULT_LINKS });
  });

  it('writes an audit entry for each update, with the old and new values', async () => {
    await put(owner.token, CONFIGURED).expect(200);
    const before = (await auditRows()).length;
    const next = { ...CONFIGURED, logo_url: '', service_banner: { enabled: false } };
    await put(owner.token, next).set('User-Agent', 'appearance-test').expect(200);
    const rows = await auditRows();
    expect(rows).toHaveLength(before + 1);
    expect(rows[rows.length - 1]).toMatchObject({
      user_id: owner.userId,
      organization_id: null,
      resource_type: 'appearance',
      resource_id: '00000000-0000-0000-0000-000000000000',
      resource_target: 'appearance',
      action: 'write',
      status_code: 200,
      user_agent: 'appearance-test',
    });
    expect(rows[rows.length - 1].diff).toEqual({
      logo_url: { old: 'https://example.com/logo.png', new: '', secret: false },
      service_banner: { old: CONFIGURED.service_banner, new: { enabled: false }, secret: false },
    });
    await put(owner.token, CONFIGURED).expect(200);
  });

  it('without the license again, GET answers the defaults but the settings are kept and return with a license', async () => {
    await deleteLicense(t, owner, licenseId);
    expect((await get(member.token).expect(200)).body).toEqual(DEFAULTS);
    expect((await get(owner.token).expect(200)).body).toEqual(DEFAULTS);
    expect((await put(owner.token, {}).expect(403)).body).toEqual(NOT_ENTITLED);
    expect(await storedAppearance(db)).toMatchObject({ logo_url: CONFIGURED.logo_url });

    licenseId = (await addLicense(t, owner, ['appearance'])).id;
    expect((await get(member.token).expect(200)).body).toEqual(CONFIGURED);
  });

  it('a license for other features only does not show the settings', async () => {
    await deleteLicense(t, owner, licenseId);
    const other = await addLicense(t, owner, ['template_rbac', 'audit_log']);
    expect((await get(member.token).expect(200)).body).toEqual(DEFAULTS);
    expect((await put(owner.token, CONFIGURED).expect(403)).body).toEqual(NOT_ENTITLED);
    await deleteLicense(t, owner, other.id);
  });

  it('a license in its grace period counts as not entitled for GET (as Coder); PUT stays open', async () => {
    const grace = await addLicense(t, owner, ['appearance'], { days: -1, graceDays: 5 });
    const entitlements = (await t.http.get('/api/v2/entitlements').expect(200)).body;
    expect(entitlements.features.appearance).toEqual({ entitlement: 'grace_period', enabled: true });
    expect((await get(member.token).expect(200)).body).toEqual(DEFAULTS);
    expect((await get(owner.token).expect(200)).body).toEqual(DEFAULTS);

    // The gate admits every enabled feature, grace period included; the write is kept for later.
    const next = { ...CONFIGURED, logo_url: 'https://example.com/grace.png' };
    expect((await put(owner.token, next).expect(200)).body).toEqual(next);
    expect((await get(owner.token).expect(200)).body).toEqual(DEFAULTS);
    expect(await storedAppearance(db)).toMatchObject({ logo_url: 'https://example.com/grace.png' });
    await deleteLicense(t, owner, grace.id);
  });

  it('stored JSON that does not decode is a 500 on GET (cause not shown); a PUT repairs it', async () => {
    const license = await addLicense(t, owner, ['appearance']);
    await db.query(`UPDATE site_configs SET value = '{"enabled":tru' WHERE key = 'service_banner'`);
    const res = await get(member.token).expect(500);
    expect(res.body).toEqual({ message: 'An internal server error occurred.', detail: expect.stringMatching(/^Request ID: /) });
    expect(JSON.stringify(res.body)).not.toContain('unmarshal');

    expect((await put(owner.token, CONFIGURED).expect(200)).body).toEqual(CONFIGURED);
    expect((await get(member.token).expect(200)).body).toEqual(CONFIGURED);
    const rows = await auditRows();
    expect(rows[rows.length - 1].diff.service_banner).toEqual({ old: null, new: CONFIGURED.service_banner, secret: false });
    await deleteLicense(t, owner, license.id);
  });
});
