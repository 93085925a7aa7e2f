import type pg from 'pg';
import { APPEARANCE_DEFAULTS as DEFAULTS, DEFAULT_DOCS_URL, storedAppearance } from '../helpers/appearance.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { signedOut } from '../helpers/expectations.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const NOT_ENTITLED = { message: 'Appearance is an Enterprise feature. Contact sales!' };
const MISSING_TOKEN = signedOut('Cookie "coder_session_token" or query parameter must be provided.');

const BANNER = { enabled: true, message: 'Maintenance at 17:00 UTC', background_color: '#5F1dc4' };
const SECOND_BANNER = { enabled: false, message: 'Old news', background_color: '#00ff00' };
/** A whole GET body: PUT back unchanged, it is what is stored and answered. */
const CONFIGURED = {
  application_name: 'Acme Dev',
  logo_url: 'https://example.com/logo.png',
  docs_url: DEFAULT_DOCS_URL,
  service_banner: BANNER,
  announcement_banners: [BANNER],
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
  const allAuditRows = async () => (await db.query(`SELECT id FROM audit_logs ORDER BY id`)).rows;

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

  it('the owner sets name, logo, banner and links; everyone reads them back; the GET body PUT back round-trips', async () => {
    const res = await put(owner.token, CONFIGURED).expect(200);
    expect(res.body).toEqual(CONFIGURED);
    expect((await get(owner.token).expect(200)).body).toEqual(CONFIGURED);
    expect((await get(member.token).expect(200)).body).toEqual(CONFIGURED);
    const stored = await storedAppearance(db);
    expect(stored).toEqual({
      application_name: 'Acme Dev',
      logo_url: 'https://example.com/logo.png',
      service_banner: '{"enabled":true,"message":"Maintenance at 17:00 UTC","background_color":"#5F1dc4"}',
      announcement_banners: '[{"enabled":true,"message":"Maintenance at 17:00 UTC","background_color":"#5F1dc4"}]',
      support_links: JSON.stringify(CONFIGURED.support_links),
    });

    const current = (await get(owner.token).expect(200)).body;
    expect((await put(owner.token, current).expect(200)).body).toEqual(CONFIGURED);
    expect(await storedAppearance(db)).toEqual(stored);
  });

  it('answers the stored config, not the request: missing fields clear, empty links show the defaults', async () => {
    const res = await put(owner.token, { service_banner: { enabled: false, message: 'draft' } }).expect(200);
    const expected = {
      ...DEFAULTS,
      service_banner: { enabled: false, message: 'draft' },
      announcement_banners: [{ enabled: false, message: 'draft' }],
    };
    expect(res.body).toEqual(expected);
    expect((await get(member.token).expect(200)).body).toEqual(expected);
    expect(await storedAppearance(db)).toEqual({
      application_name: '',
      logo_url: '',
      service_banner: '{"enabled":false,"message":"draft"}',
      announcement_banners: '[{"enabled":false,"message":"draft"}]',
      support_links: '[]',
    });

    expect((await put(owner.token, {}).expect(200)).body).toEqual(DEFAULTS);
    expect(await storedAppearance(db)).toEqual({
      application_name: '',
      logo_url: '',
      service_banner: '{"enabled":false}',
      announcement_banners: '[]',
      support_links: '[]',
    });
  });

  it("accepts the 2023 dashboard's read-modify-write (the GET body with the default links) and the 2023 SDK body", async () => {
    const current = (await get(owner.token).expect(200)).body;
    const edited = { ...current, application_name: 'Renamed', logo_url: 'https://example.com/new.svg' };
    expect((await put(owner.token, edited).expect(200)).body).toEqual(edited);
    const sdkBody = {
      application_name: '',
      logo_url: '',
      service_banner: { enabled: true, message: 'hi', background_color: '#00ff00' },
    };
    expect((await put(owner.token, sdkBody).expect(200)).body).toEqual({
      ...DEFAULTS,
      service_banner: sdkBody.service_banner,
      announcement_banners: [sdkBody.service_banner],
    });
  });

  it('several announcement banners: service_banner is the first; docs_url in the body is ignored', async () => {
    const body = {
      ...CONFIGURED,
      service_banner: { enabled: false },
      announcement_banners: [SECOND_BANNER, BANNER],
      docs_url: 'https://evil.example',
    };
    const expected = { ...CONFIGURED, service_banner: SECOND_BANNER, announcement_banners: [SECOND_BANNER, BANNER] };
    expect((await put(owner.token, body).expect(200)).body).toEqual(expected);
    expect((await get(member.token).expect(200)).body).toEqual(expected);
  });

  it("the 2023 dashboard's banner edit (GET body echoed with a new service_banner) replaces the first banner", async () => {
    const current = (await get(owner.token).expect(200)).body;
    expect(current.announcement_banners).toEqual([SECOND_BANNER, BANNER]);
    const edit = { enabled: true, message: 'Edited in the 2023 dashboard', background_color: '#123456' };
    const res = await put(owner.token, { ...current, service_banner: edit }).expect(200);
    expect(res.body).toMatchObject({ service_banner: edit, announcement_banners: [edit, BANNER] });
  });

  it("a 2024+ client's banner edit (changed announcement_banners, stale service_banner) is stored as sent", async () => {
    const current = (await get(owner.token).expect(200)).body;
    const res = await put(owner.token, { ...current, announcement_banners: [BANNER] }).expect(200);
    expect(res.body).toMatchObject({ service_banner: BANNER, announcement_banners: [BANNER] });
    // codersdk always sends a service_banner, Go's zero value when unset: it does not clear the banners.
    const sdk = await put(owner.token, { ...CONFIGURED, service_banner: { enabled: false } }).expect(200);
    expect(sdk.body).toEqual(CONFIGURED);
  });

  it('a service banner stored before announcement banners existed shows as the first announcement banner', async () => {
    await db.query(`DELETE FROM site_configs WHERE key = 'announcement_banners'`);
    await db.query(`UPDATE site_configs SET value = $1 WHERE key = 'service_banner'`, [JSON.stringify(SECOND_BANNER)]);
    expect((await get(member.token).expect(200)).body).toMatchObject({
      service_banner: SECOND_BANNER,
      announcement_banners: [SECOND_BANNER],
    });
    await put(owner.token, CONFIGURED).expect(200);
  });

  it('writes no audit entry (Coder has no audit resource type for appearance), and the audit search refuses the type', async () => {
    const audit = await addLicense(t, owner, ['audit_log']);
    const before = await allAuditRows();
    await put(owner.token, { ...CONFIGURED, logo_url: '' }).expect(200);
    await put(owner.token, CONFIGURED).expect(200);
    expect(await allAuditRows()).toEqual(before);
    expect(await auditRows()).toEqual([]);
    const res = await t.http
      .get('/api/v2/audit')
      .query({ q: 'resource_type:appearance' })
      .set(auth(owner.token))
      .expect(400);
    expect(res.body.validations).toEqual([
      {
        field: 'resource_type',
        detail: 'Query param "resource_type" has invalid value: "appearance" is not a valid value',
      },
    ]);
    await deleteLicense(t, owner, audit.id);
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

  it.each([
    ['announcement_banners', '[{"enabled":tru'],
    ['announcement_banners', '{"enabled":true}'],
    ['support_links', '"x"'],
  ])('stored %s that does not decode (%s) is a 500 on GET (cause not shown); a PUT repairs it', async (key, value) => {
    const license = await addLicense(t, owner, ['appearance']);
    await db.query(`UPDATE site_configs SET value = $1 WHERE key = $2`, [value, key]);
    const res = await get(member.token).expect(500);
    expect(res.body).toEqual({
      message: 'An internal server error occurred.',
      detail: expect.stringMatching(/^Request ID: /),
    });
    expect(JSON.stringify(res.body)).not.toContain('unmarshal');

    expect((await put(owner.token, CONFIGURED).expect(200)).body).toEqual(CONFIGURED);
    expect((await get(member.token).expect(200)).body).toEqual(CONFIGURED);
    await deleteLicense(t, owner, license.id);
  });
});
