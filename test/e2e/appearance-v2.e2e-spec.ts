import type pg from 'pg';
import { SERVER_VERSION } from '../../src/common/version.js';
import { storedAppearance } from '../helpers/appearance.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const DOCS_URL = 'https://docs.example.com/coder';
const BAD_LOCATION = 'location must be one of navbar, dropdown';
const WIKI = { name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs' };
const CHAT = { name: 'Chat', target: 'https://chat.example.com', icon: 'chat' };

/** Issue 17: Coder 2024+ appearance (`LinkConfig.location`, the current default support links). */
describe('appearance, Coder 2024+ shapes', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;

  const get = async (session: Session = owner) =>
    (await t.http.get('/api/v2/appearance').set(auth(session.token)).expect(200)).body;
  const put = (body: object) => t.http.put('/api/v2/appearance').set(auth(owner.token)).send(body);

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_DOCS_URL: DOCS_URL } }));
    member = await createUser(t, owner);
    await addLicense(t, owner, ['appearance']);
  });
  afterAll(() => closeWorld(t, db));

  it("shows Coder's current four default links, documentation at docs_url, to every user", async () => {
    await put({}).expect(200);
    const body = await get(member);
    expect(body.docs_url).toBe(DOCS_URL);
    expect(body.support_links).toEqual([
      { name: 'Documentation', target: DOCS_URL, icon: 'docs' },
      {
        name: 'Report a bug',
        target:
          'https://github.com/coder/coder/issues/new?labels=needs+triage&body=' +
          encodeURIComponent(`Version: [\`${SERVER_VERSION}\`](https://github.com/coder/coder)`),
        icon: 'bug',
      },
      { name: 'Join the Coder Discord', target: 'https://discord.gg/coder', icon: 'chat' },
      { name: 'Star the Repo', target: 'https://github.com/coder/coder', icon: 'star' },
    ]);
  });

  it('accepts the GET body sent back unchanged (a dashboard read-modify-write of the defaults)', async () => {
    const shown = await get();
    expect((await put(shown).expect(200)).body).toEqual(shown);
  });

  it('stores and shows a link location; an unset or empty one is omitted', async () => {
    const links = [
      { ...WIKI, location: 'navbar' },
      { ...CHAT, location: 'dropdown' },
      { ...WIKI, name: 'Plain' },
      { ...CHAT, name: 'Empty', location: '' },
    ];
    const expected = [links[0], links[1], { ...WIKI, name: 'Plain' }, { ...CHAT, name: 'Empty' }];
    expect((await put({ support_links: links }).expect(200)).body.support_links).toEqual(expected);
    expect((await get(member)).support_links).toEqual(expected);
    expect(JSON.parse((await storedAppearance(db)).support_links)).toEqual(expected);
  });

  it.each([
    ['an unknown location', [{ ...WIKI, location: 'sidebar' }], 'support_links.0.location'],
    ['a location in the wrong case', [WIKI, { ...CHAT, location: 'Navbar' }], 'support_links.1.location'],
    ['a location that is not a string', [{ ...WIKI, location: 5 }], 'support_links.0.location'],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_, links, field) => {
    await put({ support_links: [{ ...WIKI, location: 'navbar' }] }).expect(200);
    const before = await storedAppearance(db);
    const res = await put({ application_name: 'changed', support_links: links }).expect(400);
    expect(res.body).toEqual({ message: 'Validation failed.', validations: [{ field, detail: BAD_LOCATION }] });
    expect(await storedAppearance(db)).toEqual(before);
  });

  it('a member cannot set links', async () => {
    await t.http
      .put('/api/v2/appearance')
      .set(auth(member.token))
      .send({ support_links: [{ ...WIKI, location: 'navbar' }] })
      .expect(403);
  });
});
