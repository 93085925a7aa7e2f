import type pg from 'pg';
import { storedAppearance } from '../helpers/appearance.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, type Owner } from '../helpers/world.js';

const DOCS_URL = 'https://docs.example.com/coder';
const BAD_COLOR = 'parse color: expected # prefix and 6 characters';
const BAD_LOGO = 'logo_url must be empty or an absolute http(s) URL';
const BAD_TARGET = 'target must be an absolute http(s) URL';
const BAD_ICON = 'icon must be one of bug, chat, docs, star, an absolute http(s) URL or a path starting with /';
const LINK = { name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs' };
const BASELINE = {
  application_name: 'Acme',
  logo_url: 'https://example.com/logo.png',
  service_banner: { enabled: true, message: 'hello', background_color: '#123abc' },
  support_links: [LINK],
};
const banner = (background_color?: string, enabled = true) => ({
  service_banner: { enabled, message: 'm', background_color },
});
const announcement = (background_color?: string, enabled = true) => ({
  announcement_banners: [
    { enabled: false, message: 'ok', background_color: '#000000' },
    { enabled, message: 'm', background_color },
  ],
});
const badAnnouncementColor = (color: string, reason = 'expected # prefix and 6 characters') => [
  {
    field: 'announcement_banners.1.background_color',
    detail: `Invalid color format: ${JSON.stringify(color)}: ${reason}`,
  },
];
const tooManyBanners = Array.from({ length: 21 }, () => ({ enabled: false }));
const tooMany = Array.from({ length: 21 }, (_, i) => ({ ...LINK, name: `Link ${i}` }));
/** The pipe's rendering of a rejected value: JSON, cut at 256 characters. */
const rendered = (value: unknown) => `${JSON.stringify(value).slice(0, 256)}…`;

const CASES: [string, object, { field: string; detail: string }[]][] = [
  ['a colour name', banner('red'), [{ field: 'service_banner.background_color', detail: BAD_COLOR }]],
  ['five hex digits', banner('#12345'), [{ field: 'service_banner.background_color', detail: BAD_COLOR }]],
  [
    'a non-hex digit',
    banner('#12345g'),
    [{ field: 'service_banner.background_color', detail: "parse color: encoding/hex: invalid byte: U+0067 'g'" }],
  ],
  [
    'no # prefix',
    banner('1234567'),
    [{ field: 'service_banner.background_color', detail: 'parse color: no # prefix' }],
  ],
  [
    'an enabled banner without colour',
    banner(undefined),
    [{ field: 'service_banner.background_color', detail: BAD_COLOR }],
  ],
  [
    'an enabled banner with an empty colour',
    banner(''),
    [{ field: 'service_banner.background_color', detail: BAD_COLOR }],
  ],
  [
    'a bad colour on a disabled banner',
    banner('red', false),
    [{ field: 'service_banner.background_color', detail: BAD_COLOR }],
  ],
  [
    'a banner without enabled',
    { service_banner: { message: 'x' } },
    [{ field: 'service_banner.enabled', detail: 'Validation failed for tag "required" with value: ""' }],
  ],
  [
    'a banner message over 2048 characters',
    { service_banner: { enabled: false, message: 'x'.repeat(2049) } },
    [{ field: 'service_banner.message', detail: `Validation failed for tag "max" with value: "${'x'.repeat(256)}…"` }],
  ],
  ['a javascript: logo', { logo_url: 'javascript:alert(1)' }, [{ field: 'logo_url', detail: BAD_LOGO }]],
  ['an ftp logo', { logo_url: 'ftp://x' }, [{ field: 'logo_url', detail: BAD_LOGO }]],
  ['a relative logo', { logo_url: '/logo.png' }, [{ field: 'logo_url', detail: BAD_LOGO }]],
  [
    'a logo over 2048 characters',
    { logo_url: `https://example.com/${'a'.repeat(2030)}` },
    [{ field: 'logo_url', detail: BAD_LOGO }],
  ],
  [
    'a javascript: link target',
    { support_links: [{ ...LINK, target: 'javascript:alert(1)' }] },
    [{ field: 'support_links.0.target', detail: BAD_TARGET }],
  ],
  [
    'an unknown icon on the second link',
    { support_links: [LINK, { ...LINK, icon: 'rocket' }] },
    [{ field: 'support_links.1.icon', detail: BAD_ICON }],
  ],
  [
    'a protocol-relative icon',
    { support_links: [{ ...LINK, icon: '//evil.example/x.png' }] },
    [{ field: 'support_links.0.icon', detail: BAD_ICON }],
  ],
  [
    'an empty link name',
    { support_links: [{ ...LINK, name: '' }] },
    [{ field: 'support_links.0.name', detail: 'Validation failed for tag "required" with value: ""' }],
  ],
  [
    'a link without a target',
    { support_links: [{ name: 'x', icon: 'bug' }] },
    [{ field: 'support_links.0.target', detail: 'Validation failed for tag "required" with value: ""' }],
  ],
  [
    'more than 20 links',
    { support_links: tooMany },
    [{ field: 'support_links', detail: `Validation failed for tag "max" with value: "${rendered(tooMany)}"` }],
  ],
  [
    'a banner that is not an object',
    { service_banner: 'on' },
    [{ field: 'service_banner', detail: 'service_banner must be an object' }],
  ],
  [
    'links that are not a list',
    { support_links: 'x' },
    [{ field: 'support_links', detail: 'support_links must be an array' }],
  ],
  [
    'a link name that is not a string',
    { support_links: [{ ...LINK, name: 5 }] },
    [{ field: 'support_links.0.name', detail: 'name must be a string' }],
  ],
  ['an announcement banner colour name', announcement('red'), badAnnouncementColor('red')],
  ['an announcement banner colour without #', announcement('1234567'), badAnnouncementColor('1234567', 'no # prefix')],
  ['an enabled announcement banner without colour', announcement(undefined), badAnnouncementColor('')],
  ['a bad colour on a disabled announcement banner', announcement('#12', false), badAnnouncementColor('#12')],
  [
    'an announcement banner without enabled',
    { announcement_banners: [{ message: 'x' }] },
    [{ field: 'announcement_banners.0.enabled', detail: 'Validation failed for tag "required" with value: ""' }],
  ],
  [
    'an announcement banner message over 2048 characters',
    { announcement_banners: [{ enabled: false, message: 'x'.repeat(2049) }] },
    [
      {
        field: 'announcement_banners.0.message',
        detail: `Validation failed for tag "max" with value: "${'x'.repeat(256)}…"`,
      },
    ],
  ],
  [
    'announcement banners that are not a list',
    { announcement_banners: 'on' },
    [{ field: 'announcement_banners', detail: 'announcement_banners must be an array' }],
  ],
  [
    'more than 20 announcement banners',
    { announcement_banners: tooManyBanners },
    [
      {
        field: 'announcement_banners',
        detail: `Validation failed for tag "max" with value: "${rendered(tooManyBanners)}"`,
      },
    ],
  ],
  [
    'an application name that is not a string',
    { application_name: 7 },
    [{ field: 'application_name', detail: 'application_name must be a string' }],
  ],
  [
    'an application name over 256 characters',
    { application_name: 'n'.repeat(257) },
    [{ field: 'application_name', detail: `Validation failed for tag "max" with value: "${'n'.repeat(256)}…"` }],
  ],
  [
    'several bad fields at once (one validation each)',
    { logo_url: 'ftp://x', service_banner: { enabled: true }, support_links: [{ ...LINK, target: 'mailto:a@b.c' }] },
    [
      { field: 'logo_url', detail: BAD_LOGO },
      { field: 'service_banner.background_color', detail: BAD_COLOR },
      { field: 'support_links.0.target', detail: BAD_TARGET },
    ],
  ],
];

describe('appearance validation', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let stored: Record<string, string>;

  const put = (body: object) => t.http.put('/api/v2/appearance').set(auth(owner.token)).send(body);

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_DOCS_URL: DOCS_URL } }));
    await addLicense(t, owner, ['appearance']);
    await put(BASELINE).expect(200);
    stored = await storedAppearance(db);
  });
  afterAll(() => closeWorld(t, db));

  it('starts from a stored baseline', () => {
    expect(stored).toEqual({
      application_name: BASELINE.application_name,
      logo_url: BASELINE.logo_url,
      service_banner: JSON.stringify(BASELINE.service_banner),
      announcement_banners: JSON.stringify([BASELINE.service_banner]),
      support_links: JSON.stringify(BASELINE.support_links),
    });
  });

  it.each(CASES)('refuses %s with 400 and stores nothing', async (_, body, validations) => {
    const res = await put(body).expect(400);
    expect(res.body).toEqual({ message: 'Validation failed.', validations });
    expect(await storedAppearance(db)).toEqual(stored);
  });

  it('docs_url comes from CODER_DOCS_URL, whatever a PUT sends', async () => {
    expect((await put({ ...BASELINE, docs_url: 'https://evil.example' }).expect(200)).body.docs_url).toBe(DOCS_URL);
    expect((await t.http.get('/api/v2/appearance').set(auth(owner.token)).expect(200)).body.docs_url).toBe(DOCS_URL);
    expect(await storedAppearance(db)).toEqual(stored);
  });

  it('refuses a body that is not a JSON object', async () => {
    expect((await put([BASELINE]).expect(400)).body.message).toBe('Validation failed.');
    const res = await t.http
      .put('/api/v2/appearance')
      .set(auth(owner.token))
      .set('Content-Type', 'application/json')
      .send('{"logo_url":')
      .expect(400);
    expect(res.body.message).toBe('Request body must be valid JSON.');
    expect(await storedAppearance(db)).toEqual(stored);
  });

  it('accepts the edge values: upper-case hex, 20 links and banners, 2048-character message and URL, a 256-character name', async () => {
    const banners = Array.from({ length: 20 }, (_, i) => ({
      enabled: i % 2 === 0,
      message: 'x'.repeat(2048),
      background_color: '#ABCDEF',
    }));
    const body = {
      application_name: 'n'.repeat(256),
      logo_url: `https://example.com/${'a'.repeat(2048 - 20)}`,
      docs_url: DOCS_URL,
      service_banner: banners[0],
      announcement_banners: banners,
      support_links: tooMany.slice(0, 20),
    };
    expect((await put(body).expect(200)).body).toEqual(body);
    const disabled = { enabled: false };
    expect((await put({ announcement_banners: [disabled] }).expect(200)).body.announcement_banners).toEqual([disabled]);
    await put(BASELINE).expect(200);
  });
});
