import type pg from 'pg';
import { closeWorld, type TestApp } from '../helpers/app.js';
import { isoTime } from '../helpers/expectations.js';
import {
  oktaUser,
  openScimWorld,
  scimClient,
  scimError,
  SCIM_GROUP,
  SCIM_KEY,
  SCIM_LIST,
  SCIM_PATCH,
  SCIM_USER,
  type ScimClient,
} from '../helpers/scim.js';
import { auth, createOrg, createUser, unique, type Owner } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const ACCESS_URL = 'https://coder.example.com';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UNKNOWN_ID = '5b4e1e8c-6f0a-4c53-9d7e-1a2b3c4d5e6f';
const SCIM_JSON = /^application\/scim\+json/;
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const WEAK_ETAG = /^W\/".+"$/;

type Body = JsonObject;

// SCIM /Groups over the Coder groups of the default organization, and SCIM discovery.
describe('SCIM groups', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, db, owner, scim } = await openScimWorld({ env: { CODER_ACCESS_URL: ACCESS_URL } }));
  });
  afterAll(() => closeWorld(t, db));

  /** A user provisioned through SCIM; returns its id. */
  const provision = async (): Promise<string> => {
    const res = await scim('post', '/Users', oktaUser(`${unique('member')}@example.com`)).expect(201);
    return res.body.id as string;
  };
  const provisionMany = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await provision());
    return ids;
  };
  const createGroup = async (body: Body = {}): Promise<Body> =>
    (await scim('post', '/Groups', { schemas: [SCIM_GROUP], displayName: unique('Team '), ...body }).expect(201)).body;
  const refs = (ids: string[]) => ids.map((value) => ({ value }));
  const patch = (id: string, operations: Body[], path = `/Groups/${id}`) =>
    scim('patch', path, { schemas: [SCIM_PATCH], Operations: operations });
  const sorted = (ids: string[]) => [...ids].sort();
  const memberIdsOf = (resource: Body): string[] => sorted((resource.members ?? []).map((m: Body) => m.value));
  const dbMembers = async (groupId: string): Promise<string[]> =>
    (
      await db.query<{ user_id: string }>('SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id', [
        groupId,
      ])
    ).rows.map((r) => r.user_id);
  const dbGroup = async (groupId: string) =>
    (
      await db.query(
        `SELECT g.name, g.display_name, g.organization_id, g.source, g.quota_allowance, sg.external_id, sg.updated_at
           FROM groups g LEFT JOIN scim_groups sg ON sg.group_id = g.id WHERE g.id = $1`,
        [groupId],
      )
    ).rows[0] as Body | undefined;
  const auditOf = async (resourceId: string) =>
    (
      await db.query(
        `SELECT action, status_code, user_id, organization_id, resource_type, resource_target, additional_fields, diff
           FROM audit_logs WHERE resource_id = $1 ORDER BY time, id`,
        [resourceId],
      )
    ).rows as Body[];
  const exposedGroupCount = async () =>
    Number(
      (
        await db.query('SELECT count(*) AS n FROM groups WHERE organization_id = $1 AND id <> organization_id', [
          owner.orgId,
        ])
      ).rows[0].n,
    );
  const filterQuery = (filter: string, extra = '') => `/Groups?filter=${encodeURIComponent(filter)}${extra}`;

  describe('create', () => {
    it('POST creates the Coder group: 201, Location, ETag, meta, members, rows and an audit entry', async () => {
      const [u1, u2] = await provisionMany(2);
      const displayName = unique('Platform Team ');
      const externalId = unique('ext-Platform-');
      const res = await scim('post', '/Groups', {
        schemas: [SCIM_GROUP],
        displayName,
        externalId,
        members: [{ value: u1 }, { value: u2.toUpperCase(), display: 'ignored' }],
      }).expect(201);
      const id = res.body.id as string;
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.headers.location).toBe(`${ACCESS_URL}/scim/v2/Groups/${id}`);
      expect(res.headers.etag).toBe(res.body.meta.version);
      expect(res.body).toEqual({
        schemas: [SCIM_GROUP],
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        externalId,
        displayName,
        members: expect.any(Array),
        meta: {
          resourceType: 'Group',
          created: isoTime(),
          lastModified: isoTime(),
          location: `${ACCESS_URL}/scim/v2/Groups/${id}`,
          version: expect.stringMatching(WEAK_ETAG),
        },
      });
      expect(memberIdsOf(res.body)).toEqual(sorted([u1, u2]));
      const userName = (await scim('get', `/Users/${u1}`).expect(200)).body.userName;
      expect(res.body.members).toContainEqual({
        value: u1,
        $ref: `${ACCESS_URL}/scim/v2/Users/${u1}`,
        display: userName,
        type: 'User',
      });
      expect(Date.parse(res.body.meta.lastModified)).toBeGreaterThanOrEqual(Date.parse(res.body.meta.created));

      expect(await dbGroup(id)).toEqual({
        name: displayName.replace(/ /g, '-'),
        display_name: displayName,
        organization_id: owner.orgId,
        source: 'user',
        quota_allowance: 0,
        external_id: externalId,
        updated_at: expect.any(Date),
      });
      expect(await dbMembers(id)).toEqual(sorted([u1, u2]));

      // The same group through Coder's own API.
      const coder = await t.http.get(`/api/v2/groups/${id}`).set(auth(owner.token)).expect(200);
      expect(coder.body).toMatchObject({
        id,
        name: displayName.replace(/ /g, '-'),
        display_name: displayName,
        organization_id: owner.orgId,
      });
      expect(sorted(coder.body.members.map((m: Body) => m.id))).toEqual(sorted([u1, u2]));

      const audit = await auditOf(id);
      expect(audit).toEqual([
        {
          action: 'create',
          status_code: 201,
          user_id: NIL_UUID,
          organization_id: owner.orgId,
          resource_type: 'group',
          resource_target: displayName.replace(/ /g, '-'),
          additional_fields: { automatic_actor: 'coder', automatic_subsystem: 'scim' },
          diff: expect.objectContaining({
            display_name: { old: null, new: displayName, secret: false },
            external_id: { old: null, new: externalId, secret: false },
            members: { old: null, new: sorted([u1, u2]), secret: false },
          }),
        },
      ]);
    });

    it('POST without members creates an empty group (no members attribute)', async () => {
      const group = await createGroup({ members: [] });
      expect(group.members).toBeUndefined();
      expect(group.externalId).toBeUndefined();
      expect(await dbMembers(group.id)).toEqual([]);
      expect((await dbGroup(group.id))!.external_id).toBeNull();
    });

    it('a displayName already shown (in any case, also by a group made in Coder) is 409 uniqueness, and nothing is created', async () => {
      const existing = await createGroup();
      const coderName = unique('coder-team');
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: coderName })
        .expect(201);
      const before = await exposedGroupCount();
      for (const displayName of [existing.displayName, existing.displayName.toUpperCase(), coderName.toUpperCase()]) {
        const res = await scim('post', '/Groups', { schemas: [SCIM_GROUP], displayName }).expect(409);
        expect(res.headers['content-type']).toMatch(SCIM_JSON);
        expect(res.body).toMatchObject(scimError(409, 'uniqueness'));
      }
      expect(await exposedGroupCount()).toBe(before);
    });

    it('the Coder name is derived from displayName and made free when another group has it', async () => {
      const suffix = unique('x');
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: `eng-${suffix}`, display_name: `Unrelated ${suffix}` })
        .expect(201);
      const group = await createGroup({ displayName: `Eng ${suffix}` });
      expect(group.displayName).toBe(`Eng ${suffix}`);
      expect((await dbGroup(group.id))!.name).toBe(`Eng-${suffix}-2`);
    });

    it.each([
      ['accents are dropped', (s: string) => `Équipe Données ${s}`, (s: string) => `Equipe-Donnees-${s}`],
      [
        'spaces and runs of symbols become single hyphens',
        (s: string) => `  lead -- ${s}!! `,
        (s: string) => `lead-${s}`,
      ],
      [
        'long names are cut at 36 characters',
        (s: string) => `${s}${'a'.repeat(60)}`,
        (s: string) => `${s}${'a'.repeat(36 - s.length)}`,
      ],
    ])('Coder names from displayName: %s', async (_, display, expected) => {
      const suffix = unique('s');
      const group = await createGroup({ displayName: display(suffix) });
      expect(group.displayName).toBe(display(suffix));
      expect(await dbGroup(group.id)).toMatchObject({ name: expected(suffix), display_name: display(suffix) });
    });

    it('a displayName without letters or digits, or "Everyone", still gets a valid Coder name of its own', async () => {
      const symbols = await createGroup({ displayName: '### !!!' });
      expect((await dbGroup(symbols.id))!.name).toMatch(/^group(-\d+)?$/);
      const everyone = await createGroup({ displayName: 'Everyone' });
      expect(everyone.id).not.toBe(owner.orgId);
      expect(await dbGroup(everyone.id)).toMatchObject({ name: 'Everyone-2', display_name: 'Everyone' });
      const listed = await scim('get', filterQuery('displayName eq "Everyone"')).expect(200);
      expect(listed.body.Resources.map((g: Body) => g.id)).toEqual([everyone.id]);
    });

    it('a displayName "new" or "create" gets a Coder name other than those reserved words', async () => {
      for (const word of ['new', 'create']) {
        const group = await createGroup({ displayName: word });
        expect(group.displayName).toBe(word);
        expect(await dbGroup(group.id)).toMatchObject({ name: `${word}-2`, display_name: word });
      }
    });

    it.each([
      ['no displayName', () => ({ schemas: [SCIM_GROUP] }), 'invalidValue'],
      ['a blank displayName', () => ({ displayName: '   ' }), 'invalidValue'],
      ['a displayName that is not a string', () => ({ displayName: 42 }), 'invalidValue'],
      ['a body that is an array', (name: string) => [{ displayName: name }], 'invalidSyntax'],
      ['the User schema', (name: string) => ({ schemas: [SCIM_USER], displayName: name }), 'invalidSyntax'],
      ['a member that is not an object', (name: string) => ({ displayName: name, members: ['abc'] }), 'invalidValue'],
      [
        'a member without value',
        (name: string) => ({ displayName: name, members: [{ display: 'abc' }] }),
        'invalidValue',
      ],
      [
        'a group as a member',
        (name: string) => ({ displayName: name, members: [{ value: UNKNOWN_ID, type: 'Group' }] }),
        'invalidValue',
      ],
      [
        'an unknown member id',
        (name: string) => ({ displayName: name, members: [{ value: UNKNOWN_ID }] }),
        'invalidValue',
      ],
      [
        'a malformed member id',
        (name: string) => ({ displayName: name, members: [{ value: 'not-a-uuid' }] }),
        'invalidValue',
      ],
    ])('POST with %s → 400 %s, nothing created', async (_, body, scimType) => {
      const before = await exposedGroupCount();
      const res = await scim('post', '/Groups', body(unique('Bad '))).expect(400);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toEqual({ ...scimError(400, scimType), detail: expect.any(String) });
      expect(await exposedGroupCount()).toBe(before);
    });

    it('POST with a known and an unknown member is refused as a whole', async () => {
      const [u1] = await provisionMany(1);
      const displayName = unique('Half ');
      const res = await scim('post', '/Groups', { displayName, members: refs([u1, UNKNOWN_ID]) }).expect(400);
      expect(res.body).toMatchObject(scimError(400, 'invalidValue'));
      expect(res.body.detail).toContain(UNKNOWN_ID);
      expect((await db.query('SELECT 1 FROM groups WHERE display_name = $1', [displayName])).rowCount).toBe(0);
    });
  });

  describe('read', () => {
    it('GET /Groups/{id}: 200 with ETag, 304 for If-None-Match of the current version', async () => {
      const [u1] = await provisionMany(1);
      const group = await createGroup({ members: refs([u1]) });
      const res = await scim('get', `/Groups/${group.id}`).expect(200);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toEqual(group);
      expect(res.headers.etag).toBe(group.meta.version);
      const notModified = await scim('get', `/Groups/${group.id}`).set('If-None-Match', group.meta.version).expect(304);
      expect(notModified.text ?? '').toBe('');
      await scim('get', `/Groups/${group.id}`).set('If-None-Match', 'W/"other"').expect(200);
      const lean = await scim('get', `/Groups/${group.id}?excludedAttributes=members`).expect(200);
      expect(lean.body.members).toBeUndefined();
      expect(lean.body.displayName).toBe(group.displayName);
    });

    it.each([
      ['an unknown id', () => UNKNOWN_ID],
      ['a malformed id', () => 'not-a-uuid'],
      ['the Everyone group (the organization id)', (o: Owner) => o.orgId],
    ])('%s is 404 on GET, PUT, PATCH and DELETE', async (_, idOf) => {
      const id = idOf(owner);
      const responses = [
        await scim('get', `/Groups/${id}`),
        await scim('put', `/Groups/${id}`, { schemas: [SCIM_GROUP], displayName: unique('Put ') }),
        await patch(id, [{ op: 'replace', path: 'displayName', value: unique('Patched ') }]),
        await scim('delete', `/Groups/${id}`),
      ];
      for (const res of responses) {
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(SCIM_JSON);
        expect(res.body).toEqual({ ...scimError(404), detail: expect.any(String) });
      }
      const everyone = await db.query('SELECT name, display_name FROM groups WHERE id = $1', [owner.orgId]);
      expect(everyone.rows).toEqual([{ name: 'Everyone', display_name: '' }]);
    });

    it('the list holds every group of the organization but Everyone, including groups made in Coder', async () => {
      const coderName = unique('made-in-coder');
      const made = (
        await t.http
          .post(`/api/v2/organizations/${owner.orgId}/groups`)
          .set(auth(owner.token))
          .send({ name: coderName })
          .expect(201)
      ).body;
      const other = await createOrg(t, owner);
      const foreign = (
        await t.http
          .post(`/api/v2/organizations/${other}/groups`)
          .set(auth(owner.token))
          .send({ name: unique('foreign') })
          .expect(201)
      ).body;
      const res = await scim('get', '/Groups?count=200').expect(200);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toMatchObject({ schemas: [SCIM_LIST], totalResults: await exposedGroupCount(), startIndex: 1 });
      const ids = res.body.Resources.map((g: Body) => g.id);
      expect(res.body.itemsPerPage).toBe(ids.length);
      expect(ids).toHaveLength(await exposedGroupCount());
      expect(ids).not.toContain(owner.orgId);
      expect(ids).not.toContain(other);
      expect(ids).not.toContain(foreign.id);
      const shown = res.body.Resources.find((g: Body) => g.id === made.id);
      expect(shown).toEqual({
        schemas: [SCIM_GROUP],
        id: made.id,
        displayName: coderName,
        meta: expect.objectContaining({
          resourceType: 'Group',
          created: isoTime(),
          location: `${ACCESS_URL}/scim/v2/Groups/${made.id}`,
        }),
      });
      const byId = await scim('get', filterQuery(`id eq "${owner.orgId}"`)).expect(200);
      expect(byId.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('filters on displayName (case-insensitive) and externalId (case-exact); excludedAttributes=members drops members', async () => {
      const [u1, u2] = await provisionMany(2);
      const externalId = unique('ExtId-');
      const group = await createGroup({ externalId, members: refs([u1, u2]) });
      await createGroup({ displayName: `${group.displayName} suffix` });

      const byName = await scim('get', filterQuery(`displayName eq "${group.displayName.toUpperCase()}"`)).expect(200);
      expect(byName.body).toMatchObject({ schemas: [SCIM_LIST], totalResults: 1, itemsPerPage: 1, startIndex: 1 });
      expect(byName.body.Resources).toEqual([group]);

      const lean = await scim(
        'get',
        filterQuery(`displayName eq "${group.displayName}"`, '&excludedAttributes=members'),
      ).expect(200);
      expect(lean.body.Resources).toHaveLength(1);
      const { members: _members, ...withoutMembers } = group;
      expect(lean.body.Resources[0]).toEqual(withoutMembers);

      const byExternalId = await scim('get', filterQuery(`externalId eq "${externalId}"`)).expect(200);
      expect(byExternalId.body.Resources.map((g: Body) => g.id)).toEqual([group.id]);
      const wrongCase = await scim('get', filterQuery(`externalId eq "${externalId.toLowerCase()}"`)).expect(200);
      expect(wrongCase.body).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });

      const byMember = await scim(
        'get',
        filterQuery(`members[value eq "${u2}"]`, '&excludedAttributes=members'),
      ).expect(200);
      expect(byMember.body.Resources.map((g: Body) => g.id)).toEqual([group.id]);

      const only = await scim(
        'get',
        filterQuery(`displayName eq "${group.displayName}"`, '&attributes=displayName'),
      ).expect(200);
      expect(only.body.Resources).toEqual([{ schemas: [SCIM_GROUP], id: group.id, displayName: group.displayName }]);

      const search = await scim('post', '/Groups/.search', {
        schemas: [SEARCH_REQUEST],
        filter: `externalId eq "${externalId}"`,
        excludedAttributes: ['members'],
      }).expect(200);
      expect(search.body.Resources).toEqual([withoutMembers]);
    });

    it.each([
      ['an incomplete filter', 'displayName eq'],
      ['an unknown attribute', 'title eq "x"'],
      ['an unterminated string', 'displayName eq "x'],
      ['an attribute of another schema', 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"'],
      ['a sub-attribute of a simple attribute', 'displayName.value eq "x"'],
      ['a date that is not one', 'meta.created gt "yesterday"'],
    ])('GET /Groups with %s → 400 invalidFilter', async (_, filter) => {
      const res = await scim('get', filterQuery(filter)).expect(400);
      expect(res.body).toMatchObject(scimError(400, 'invalidFilter'));
    });

    it('startIndex and count page through the list in a stable order', async () => {
      for (let i = 0; i < 3; i++) await createGroup();
      const all = (await scim('get', '/Groups?count=200&excludedAttributes=members').expect(200)).body;
      const ids: string[] = all.Resources.map((g: Body) => g.id);
      const total = all.totalResults as number;
      expect(total).toBe(ids.length);
      expect(total).toBeGreaterThanOrEqual(4);

      const page = async (query: string) =>
        (await scim('get', `/Groups?excludedAttributes=members&${query}`).expect(200)).body;
      const first = await page('startIndex=1&count=2');
      expect(first).toMatchObject({ totalResults: total, startIndex: 1, itemsPerPage: 2 });
      expect(first.Resources.map((g: Body) => g.id)).toEqual(ids.slice(0, 2));
      const second = await page('startIndex=3&count=2');
      expect(second).toMatchObject({ totalResults: total, startIndex: 3, itemsPerPage: 2 });
      expect(second.Resources.map((g: Body) => g.id)).toEqual(ids.slice(2, 4));
      const last = await page(`startIndex=${total}&count=10`);
      expect(last.Resources.map((g: Body) => g.id)).toEqual([ids[total - 1]]);
      expect(await page(`startIndex=${total + 1}&count=10`)).toMatchObject({
        totalResults: total,
        itemsPerPage: 0,
        Resources: [],
      });
      expect(await page('count=0')).toMatchObject({ totalResults: total, itemsPerPage: 0, Resources: [] });
      // RFC 7644 §3.4.2.4: a startIndex below 1 is 1.
      expect((await page('startIndex=0&count=1')).Resources.map((g: Body) => g.id)).toEqual(ids.slice(0, 1));
      const bad = await scim('get', '/Groups?count=many').expect(400);
      expect(bad.body).toMatchObject(scimError(400, 'invalidValue'));
    });
  });

  describe('replace (PUT)', () => {
    it('replaces displayName, externalId and members; leaving members out empties the group; users are untouched', async () => {
      const [u1, u2, u3] = await provisionMany(3);
      const group = await createGroup({ externalId: unique('old-'), members: refs([u1, u2]) });
      const displayName = unique('Renamed Team ');
      const externalId = unique('new-');
      const res = await scim('put', `/Groups/${group.id}`, {
        schemas: [SCIM_GROUP],
        displayName,
        externalId,
        members: refs([u3]),
      }).expect(200);
      expect(res.headers.etag).toBe(res.body.meta.version);
      expect(res.body).toMatchObject({ id: group.id, displayName, externalId });
      expect(res.body.meta.version).not.toBe(group.meta.version);
      expect(res.body.meta.created).toBe(group.meta.created);
      expect(memberIdsOf(res.body)).toEqual([u3]);
      expect(await dbGroup(group.id)).toMatchObject({
        name: displayName.replace(/ /g, '-'),
        display_name: displayName,
        external_id: externalId,
      });
      expect(await dbMembers(group.id)).toEqual([u3]);

      const emptied = await scim('put', `/Groups/${group.id}`, { displayName }).expect(200);
      expect(emptied.body.members).toBeUndefined();
      expect(emptied.body.externalId).toBeUndefined();
      expect(await dbMembers(group.id)).toEqual([]);
      expect((await dbGroup(group.id))!.external_id).toBeNull();

      const users = await db.query('SELECT id, status, deleted FROM users WHERE id = ANY($1::uuid[]) ORDER BY id', [
        [u1, u2, u3],
      ]);
      expect(users.rows).toEqual(sorted([u1, u2, u3]).map((id) => ({ id, status: 'active', deleted: false })));
      expect((await auditOf(group.id)).map((a) => [a.action, a.status_code])).toEqual([
        ['create', 201],
        ['write', 200],
        ['write', 200],
      ]);
    });

    it('PUT to a displayName another group shows is 409 uniqueness, nothing changes', async () => {
      const taken = await createGroup();
      const [u1] = await provisionMany(1);
      const group = await createGroup({ members: refs([u1]) });
      const res = await scim('put', `/Groups/${group.id}`, {
        displayName: taken.displayName.toLowerCase(),
        members: [],
      }).expect(409);
      expect(res.body).toMatchObject(scimError(409, 'uniqueness'));
      expect((await dbGroup(group.id))!.display_name).toBe(group.displayName);
      expect(await dbMembers(group.id)).toEqual([u1]);
    });

    it('PUT with an unknown member is 400 invalidValue, nothing changes', async () => {
      const [u1] = await provisionMany(1);
      const group = await createGroup({ members: refs([u1]) });
      const res = await scim('put', `/Groups/${group.id}`, {
        displayName: unique('Other '),
        members: refs([UNKNOWN_ID]),
      }).expect(400);
      expect(res.body).toMatchObject(scimError(400, 'invalidValue'));
      expect((await dbGroup(group.id))!.display_name).toBe(group.displayName);
      expect(await dbMembers(group.id)).toEqual([u1]);
    });
  });

  describe('patch', () => {
    it('adds members, and removes one with a members[value eq "id"] path', async () => {
      const [u1, u2, u3] = await provisionMany(3);
      const group = await createGroup({ members: refs([u1]) });
      const added = await patch(group.id, [{ op: 'add', path: 'members', value: refs([u2, u3]) }]).expect(200);
      expect(added.headers.etag).toBe(added.body.meta.version);
      expect(memberIdsOf(added.body)).toEqual(sorted([u1, u2, u3]));
      expect(await dbMembers(group.id)).toEqual(sorted([u1, u2, u3]));

      const removed = await patch(group.id, [{ op: 'remove', path: `members[value eq "${u2}"]` }]).expect(200);
      expect(memberIdsOf(removed.body)).toEqual(sorted([u1, u3]));
      expect(await dbMembers(group.id)).toEqual(sorted([u1, u3]));

      // Removing someone who is not a member changes nothing and is not an error.
      const again = await patch(group.id, [{ op: 'remove', path: `members[value eq "${u2}"]` }]).expect(200);
      expect(memberIdsOf(again.body)).toEqual(sorted([u1, u3]));
      expect(await dbMembers(group.id)).toEqual(sorted([u1, u3]));
    });

    it("Entra's remove-with-value form removes only the listed members", async () => {
      const [u1, u2, u3, u4] = await provisionMany(4);
      const group = await createGroup({ members: refs([u1, u2, u3, u4]) });
      await patch(group.id, [{ op: 'Remove', path: 'members', value: [{ value: u2 }] }]).expect(200);
      expect(await dbMembers(group.id)).toEqual(sorted([u1, u3, u4]));
      const res = await patch(group.id, [{ op: 'Remove', path: 'members', value: refs([u1, u4]) }]).expect(200);
      expect(memberIdsOf(res.body)).toEqual([u3]);
      expect(await dbMembers(group.id)).toEqual([u3]);
    });

    it('remove of members without a value removes every member', async () => {
      const [u1, u2] = await provisionMany(2);
      const group = await createGroup({ members: refs([u1, u2]) });
      const res = await patch(group.id, [{ op: 'remove', path: 'members' }]).expect(200);
      expect(res.body.members).toBeUndefined();
      expect(await dbMembers(group.id)).toEqual([]);
      const users = await db.query(
        "SELECT count(*)::int AS n FROM users WHERE id = ANY($1::uuid[]) AND status = 'active'",
        [[u1, u2]],
      );
      expect(users.rows[0].n).toBe(2);
    });

    it('replaces members and displayName (with a path, and path-less as Okta sends it)', async () => {
      const [u1, u2, u3] = await provisionMany(3);
      const group = await createGroup({ externalId: unique('keep-'), members: refs([u1, u2]) });
      const replaced = await patch(group.id, [{ op: 'replace', path: 'members', value: refs([u3]) }]).expect(200);
      expect(memberIdsOf(replaced.body)).toEqual([u3]);
      expect(await dbMembers(group.id)).toEqual([u3]);

      const renamed = unique('Okta Name ');
      const okta = await patch(group.id, [{ op: 'replace', value: { id: group.id, displayName: renamed } }]).expect(
        200,
      );
      expect(okta.body).toMatchObject({ id: group.id, displayName: renamed, externalId: group.externalId });
      expect(await dbGroup(group.id)).toMatchObject({
        name: renamed.replace(/ /g, '-'),
        display_name: renamed,
        external_id: group.externalId,
      });

      const again = unique('Path Name ');
      const withPath = await patch(group.id, [{ op: 'Replace', path: 'displayName', value: again }]).expect(200);
      expect(withPath.body.displayName).toBe(again);
      expect(memberIdsOf(withPath.body)).toEqual([u3]);
      expect(await dbGroup(group.id)).toMatchObject({ name: again.replace(/ /g, '-'), display_name: again });
      expect(await dbMembers(group.id)).toEqual([u3]);

      const externalId = unique('Changed-');
      await patch(group.id, [{ op: 'replace', path: 'externalId', value: externalId }]).expect(200);
      expect((await dbGroup(group.id))!.external_id).toBe(externalId);
    });

    it('several operations apply in order in one write', async () => {
      const [u1, u2, u3] = await provisionMany(3);
      const group = await createGroup({ members: refs([u1]) });
      const displayName = unique('Ordered ');
      const res = await patch(group.id, [
        { op: 'add', path: 'members', value: refs([u2, u3]) },
        { op: 'remove', path: `members[value eq "${u1}"]` },
        { op: 'replace', path: 'displayName', value: displayName },
      ]).expect(200);
      expect(res.body.displayName).toBe(displayName);
      expect(await dbMembers(group.id)).toEqual(sorted([u2, u3]));
      expect((await auditOf(group.id)).map((a) => a.action)).toEqual(['create', 'write']);
    });

    it('adding a user SCIM does not see is 400 invalidValue and the whole request is refused', async () => {
      const [u1, u2, gone] = await provisionMany(3);
      await scim('delete', `/Users/${gone}`).expect(204);
      const otherOrg = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId: otherOrg });
      await scim('get', `/Users/${outsider.userId}`).expect(404);
      const group = await createGroup({ members: refs([u1]) });
      for (const id of [UNKNOWN_ID, 'not-a-uuid', gone, outsider.userId]) {
        const res = await patch(group.id, [
          { op: 'add', path: 'members', value: refs([u2]) },
          { op: 'add', path: 'members', value: refs([id]) },
        ]).expect(400);
        expect(res.body).toMatchObject(scimError(400, 'invalidValue'));
        expect(res.body.detail).toContain(id);
        expect(await dbMembers(group.id)).toEqual([u1]);
      }
      expect((await auditOf(group.id)).map((a) => a.action)).toEqual(['create']);
    });

    it.each([
      ['an unknown op', 'invalidSyntax', [{ op: 'move', path: 'displayName', value: 'x' }]],
      ['no Operations', 'invalidSyntax', []],
      ['an unknown attribute', 'invalidPath', [{ op: 'replace', path: 'owner', value: 'x' }]],
      ['a malformed path', 'invalidFilter', [{ op: 'replace', path: 'members[value eq]', value: 'x' }]],
      ['removing displayName', 'invalidValue', [{ op: 'remove', path: 'displayName' }]],
      ['remove without a path', 'noTarget', [{ op: 'remove' }]],
      [
        'replacing a member that is not there',
        'noTarget',
        [{ op: 'replace', path: `members[value eq "${UNKNOWN_ID}"]`, value: { value: UNKNOWN_ID } }],
      ],
      ['changing the id', 'mutability', [{ op: 'replace', path: 'id', value: UNKNOWN_ID }]],
      ['changing meta', 'mutability', [{ op: 'replace', path: 'meta', value: {} }]],
      ['replace without a value', 'invalidValue', [{ op: 'replace', path: 'displayName' }]],
    ])('PATCH with %s → 400 %s, nothing changes', async (_, scimType, operations) => {
      const [u1] = await provisionMany(1);
      const group = await createGroup({ members: refs([u1]) });
      const res = await patch(group.id, operations as Body[]).expect(400);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toMatchObject(scimError(400, scimType));
      expect((await dbGroup(group.id))!.display_name).toBe(group.displayName);
      expect(await dbMembers(group.id)).toEqual([u1]);
    });

    it('changing the value of a member is 400 mutability (member values are immutable)', async () => {
      const [u1, u2] = await provisionMany(2);
      const group = await createGroup({ members: refs([u1]) });
      const res = await patch(group.id, [{ op: 'replace', path: `members[value eq "${u1}"].value`, value: u2 }]).expect(
        400,
      );
      expect(res.body).toMatchObject(scimError(400, 'mutability'));
      expect(await dbMembers(group.id)).toEqual([u1]);
    });

    it('a PatchOp body without the PatchOp schema is 400 invalidSyntax', async () => {
      const group = await createGroup();
      const res = await scim('patch', `/Groups/${group.id}`, {
        schemas: [SCIM_GROUP],
        Operations: [{ op: 'replace', path: 'displayName', value: 'x' }],
      }).expect(400);
      expect(res.body).toMatchObject(scimError(400, 'invalidSyntax'));
      expect((await dbGroup(group.id))!.display_name).toBe(group.displayName);
    });

    it('renaming to a displayName another group shows is 409 uniqueness', async () => {
      const taken = await createGroup();
      const group = await createGroup();
      const res = await patch(group.id, [
        { op: 'replace', path: 'displayName', value: taken.displayName.toUpperCase() },
      ]).expect(409);
      expect(res.body).toMatchObject(scimError(409, 'uniqueness'));
      expect((await dbGroup(group.id))!.display_name).toBe(group.displayName);
    });

    it('If-Match: a stale version is 412, the current one applies', async () => {
      const [u1, u2] = await provisionMany(2);
      const group = await createGroup({ members: refs([u1]) });
      const changed = await patch(group.id, [{ op: 'add', path: 'members', value: refs([u2]) }]).expect(200);
      const stale = await patch(group.id, [{ op: 'remove', path: 'members' }])
        .set('If-Match', group.meta.version)
        .expect(412);
      expect(stale.body).toMatchObject(scimError(412));
      expect(await dbMembers(group.id)).toEqual(sorted([u1, u2]));
      await patch(group.id, [{ op: 'remove', path: 'members' }])
        .set('If-Match', changed.body.meta.version)
        .expect(200);
      expect(await dbMembers(group.id)).toEqual([]);
    });

    it('a PATCH that changes nothing keeps the version and writes no audit entry', async () => {
      const [u1] = await provisionMany(1);
      const group = await createGroup({ members: refs([u1]) });
      const res = await patch(group.id, [
        { op: 'add', path: 'members', value: refs([u1]) },
        { op: 'replace', path: 'displayName', value: group.displayName },
      ]).expect(200);
      expect(res.body.meta.version).toBe(group.meta.version);
      expect(res.body.meta.lastModified).toBe(group.meta.lastModified);
      expect((await auditOf(group.id)).map((a) => a.action)).toEqual(['create']);
    });

    it('concurrent PATCHes each adding a member all land; concurrent POSTs of one displayName create one group', async () => {
      const users = await provisionMany(4);
      const group = await createGroup();
      const results = await Promise.all(
        users.map((u) => patch(group.id, [{ op: 'Add', path: 'members', value: refs([u]) }])),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(await dbMembers(group.id)).toEqual(sorted(users));

      const displayName = unique('Race ');
      const posts = await Promise.all(
        [1, 2, 3].map(() => scim('post', '/Groups', { schemas: [SCIM_GROUP], displayName })),
      );
      expect(posts.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      for (const r of posts.filter((p) => p.status === 409)) expect(r.body).toMatchObject(scimError(409, 'uniqueness'));
      expect((await db.query('SELECT 1 FROM groups WHERE display_name = $1', [displayName])).rowCount).toBe(1);
    });

    it('?attributes= on PATCH with no attribute named answers 204', async () => {
      const [u1] = await provisionMany(1);
      const group = await createGroup();
      const res = await patch(
        group.id,
        [{ op: 'add', path: 'members', value: refs([u1]) }],
        `/Groups/${group.id}?attributes=`,
      );
      expect(res.status).toBe(204);
      expect(await dbMembers(group.id)).toEqual([u1]);
    });

    it('?attributes= on GET and PUT answers 200 with the always-returned attributes (204 is for PATCH only)', async () => {
      const group = await createGroup();
      const got = await scim('get', `/Groups/${group.id}?attributes=`);
      expect({ status: got.status, body: got.body }).toEqual({
        status: 200,
        body: { schemas: [SCIM_GROUP], id: group.id },
      });
      const displayName = unique('Put Attrs ');
      const put = await scim('put', `/Groups/${group.id}?attributes=`, { schemas: [SCIM_GROUP], displayName });
      expect({ status: put.status, body: put.body }).toEqual({
        status: 200,
        body: { schemas: [SCIM_GROUP], id: group.id },
      });
      expect((await dbGroup(group.id))!.display_name).toBe(displayName);
    });
  });

  describe('delete', () => {
    it('DELETE: 204, the Coder group, its memberships and SCIM row gone, the users untouched, then 404', async () => {
      const [u1, u2] = await provisionMany(2);
      const group = await createGroup({ externalId: unique('del-'), members: refs([u1, u2]) });
      const coderName = (await dbGroup(group.id))!.name;
      const res = await scim('delete', `/Groups/${group.id}`).expect(204);
      expect(res.text ?? '').toBe('');
      expect((await db.query('SELECT 1 FROM groups WHERE id = $1', [group.id])).rowCount).toBe(0);
      expect((await db.query('SELECT 1 FROM group_members WHERE group_id = $1', [group.id])).rowCount).toBe(0);
      expect((await db.query('SELECT 1 FROM scim_groups WHERE group_id = $1', [group.id])).rowCount).toBe(0);
      const users = await db.query('SELECT id, status, deleted FROM users WHERE id = ANY($1::uuid[]) ORDER BY id', [
        [u1, u2],
      ]);
      expect(users.rows).toEqual(sorted([u1, u2]).map((id) => ({ id, status: 'active', deleted: false })));
      await scim('get', `/Users/${u1}`).expect(200);
      const audit = await auditOf(group.id);
      expect(
        audit.map((a) => [
          a.action,
          a.status_code,
          a.user_id,
          a.resource_target,
          a.additional_fields.automatic_subsystem,
        ]),
      ).toEqual([
        ['create', 201, NIL_UUID, coderName, 'scim'],
        ['delete', 204, NIL_UUID, coderName, 'scim'],
      ]);
      expect(audit[1].diff.members).toEqual({ old: sorted([u1, u2]), new: null, secret: false });
      expect((await scim('get', `/Groups/${group.id}`).expect(404)).body).toMatchObject(scimError(404));
      expect((await scim('delete', `/Groups/${group.id}`).expect(404)).body).toMatchObject(scimError(404));
      await t.http.get(`/api/v2/groups/${group.id}`).set(auth(owner.token)).expect(404);
    });
  });

  describe("changes made through Coder's API", () => {
    it('members added and removed with PATCH /api/v2/groups/{id} show in SCIM, and lastModified and the version move', async () => {
      const [u1, u2] = await provisionMany(2);
      const group = await createGroup({ members: refs([u1]) });
      await new Promise((r) => setTimeout(r, 20));
      await t.http
        .patch(`/api/v2/groups/${group.id}`)
        .set(auth(owner.token))
        .send({ add_users: [u2] })
        .expect(200);
      const after = (await scim('get', `/Groups/${group.id}`).expect(200)).body;
      expect(memberIdsOf(after)).toEqual(sorted([u1, u2]));
      expect(Date.parse(after.meta.lastModified)).toBeGreaterThan(Date.parse(group.meta.lastModified));
      expect(after.meta.created).toBe(group.meta.created);
      expect(after.meta.version).not.toBe(group.meta.version);
      await scim('get', `/Groups/${group.id}`).set('If-None-Match', group.meta.version).expect(200);
      const stale = await patch(group.id, [{ op: 'remove', path: 'members' }])
        .set('If-Match', group.meta.version)
        .expect(412);
      expect(stale.body).toMatchObject(scimError(412));

      await new Promise((r) => setTimeout(r, 20));
      await t.http
        .patch(`/api/v2/groups/${group.id}`)
        .set(auth(owner.token))
        .send({ remove_users: [u1] })
        .expect(200);
      const removed = (await scim('get', `/Groups/${group.id}`).expect(200)).body;
      expect(memberIdsOf(removed)).toEqual([u2]);
      expect(Date.parse(removed.meta.lastModified)).toBeGreaterThan(Date.parse(after.meta.lastModified));

      const byMember = await scim('get', filterQuery(`members[value eq "${u1}"]`)).expect(200);
      expect(byMember.body.Resources.map((g: Body) => g.id)).not.toContain(group.id);
      const user = (await scim('get', `/Users/${u2}`).expect(200)).body;
      expect(user.groups).toContainEqual({
        value: group.id,
        $ref: `${ACCESS_URL}/scim/v2/Groups/${group.id}`,
        display: group.displayName,
      });
    });

    it('a display name changed in Coder is the SCIM displayName', async () => {
      const group = await createGroup();
      const displayName = unique('Coder Renamed ');
      await new Promise((r) => setTimeout(r, 20));
      await t.http
        .patch(`/api/v2/groups/${group.id}`)
        .set(auth(owner.token))
        .send({ display_name: displayName })
        .expect(200);
      const res = (await scim('get', `/Groups/${group.id}`).expect(200)).body;
      expect(res.displayName).toBe(displayName);
      expect(Date.parse(res.meta.lastModified)).toBeGreaterThan(Date.parse(group.meta.lastModified));
      const found = await scim('get', filterQuery(`displayName eq "${displayName}"`)).expect(200);
      expect(found.body.Resources.map((g: Body) => g.id)).toEqual([group.id]);
    });
  });

  describe('mounts and authentication', () => {
    it('unknown paths and undecodable ids under both mounts are SCIM 404s', async () => {
      for (const client of [scim, scimClient(t, '/api/v2/scim/v2')]) {
        for (const [method, path] of [
          ['get', '/Bulk'],
          ['post', '/Bulk'],
          ['get', '/Groups/%a'],
          ['delete', '/Groups/%E0%A4%A'],
          ['get', '/Users/%zz'],
        ] as const) {
          const res = await client(method, path);
          expect({ path, status: res.status, type: res.headers['content-type'], body: res.body }).toEqual({
            path,
            status: 404,
            type: expect.stringMatching(SCIM_JSON),
            body: { ...scimError(404), detail: 'Resource not found.' },
          });
        }
      }
    });

    it('/api/v2/scim/v2/Groups serves the same groups, with locations on that mount', async () => {
      const api = scimClient(t, '/api/v2/scim/v2');
      const res = await api('post', '/Groups', { schemas: [SCIM_GROUP], displayName: unique('Api Mount ') }).expect(
        201,
      );
      expect(res.headers.location).toBe(`${ACCESS_URL}/api/v2/scim/v2/Groups/${res.body.id}`);
      expect(res.body.meta.location).toBe(`${ACCESS_URL}/api/v2/scim/v2/Groups/${res.body.id}`);
      const viaOther = await scim('get', `/Groups/${res.body.id}`).expect(200);
      expect(viaOther.body.meta.location).toBe(`${ACCESS_URL}/scim/v2/Groups/${res.body.id}`);
      expect(viaOther.body.displayName).toBe(res.body.displayName);
    });

    it('a wrong key, no key or a Coder session token is 401 on every groups route, and nothing is created', async () => {
      const before = await exposedGroupCount();
      const group = await createGroup();
      for (const key of [`Bearer ${SCIM_KEY}x`, `Bearer ${owner.token}`, '']) {
        const client = scimClient(t, '/scim/v2', key);
        for (const res of [
          await client('get', '/Groups'),
          await client('get', `/Groups/${group.id}`),
          await client('post', '/Groups', { displayName: unique('Intruder ') }),
          await client('put', `/Groups/${group.id}`, { displayName: unique('Intruder ') }),
          await patch(group.id, [{ op: 'remove', path: 'members' }]).set('Authorization', key),
          await client('delete', `/Groups/${group.id}`),
        ]) {
          expect(res.status).toBe(401);
          expect(res.body).toMatchObject(scimError(401));
          expect(res.headers['www-authenticate']).toBe('Bearer realm="SCIM"');
        }
      }
      expect(await exposedGroupCount()).toBe(before + 1);
      expect((await dbGroup(group.id))!.display_name).toBe(group.displayName);
    });
  });

  describe('discovery', () => {
    it('/ServiceProviderConfig says what is supported', async () => {
      const res = await scim('get', '/ServiceProviderConfig').expect(200);
      expect(res.headers['content-type']).toMatch(SCIM_JSON);
      expect(res.body).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: 200 },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: true },
        authenticationSchemes: [
          expect.objectContaining({
            type: 'oauthbearertoken',
            primary: true,
            name: expect.any(String),
            description: expect.any(String),
          }),
        ],
        meta: { resourceType: 'ServiceProviderConfig', location: `${ACCESS_URL}/scim/v2/ServiceProviderConfig` },
      });
      // The advertised maximum is the real one.
      expect((await scim('get', '/Groups?count=100000').expect(200)).body.itemsPerPage).toBeLessThanOrEqual(200);
    });

    it('/ResourceTypes lists User and Group; each is served on its own; others are 404', async () => {
      const user = {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: expect.any(String),
        schema: SCIM_USER,
        schemaExtensions: [],
        meta: { resourceType: 'ResourceType', location: `${ACCESS_URL}/scim/v2/ResourceTypes/User` },
      };
      const group = {
        ...user,
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        schema: SCIM_GROUP,
        meta: { resourceType: 'ResourceType', location: `${ACCESS_URL}/scim/v2/ResourceTypes/Group` },
      };
      const list = await scim('get', '/ResourceTypes').expect(200);
      expect(list.headers['content-type']).toMatch(SCIM_JSON);
      expect(list.body).toEqual({
        schemas: [SCIM_LIST],
        totalResults: 2,
        startIndex: 1,
        itemsPerPage: 2,
        Resources: [user, group],
      });
      expect((await scim('get', '/ResourceTypes/User').expect(200)).body).toEqual(user);
      expect((await scim('get', '/ResourceTypes/Group').expect(200)).body).toEqual(group);
      for (const name of ['Nope', SCIM_USER, 'Users']) {
        const res = await scim('get', `/ResourceTypes/${encodeURIComponent(name)}`).expect(404);
        expect(res.headers['content-type']).toMatch(SCIM_JSON);
        expect(res.body).toMatchObject(scimError(404));
      }
    });

    it('/Schemas publishes exactly the attributes stored; each schema by URN; others are 404', async () => {
      const list = await scim('get', '/Schemas').expect(200);
      expect(list.body).toMatchObject({ schemas: [SCIM_LIST], totalResults: 2, itemsPerPage: 2, startIndex: 1 });
      expect(list.body.Resources.map((s: Body) => s.id)).toEqual([SCIM_USER, SCIM_GROUP]);

      const user = (await scim('get', `/Schemas/${SCIM_USER}`).expect(200)).body;
      expect(user).toEqual(list.body.Resources[0]);
      expect(user).toMatchObject({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        id: SCIM_USER,
        name: 'User',
        meta: { resourceType: 'Schema', location: `${ACCESS_URL}/scim/v2/Schemas/${SCIM_USER}` },
      });
      expect(user.attributes.map((a: Body) => a.name)).toEqual([
        'userName',
        'name',
        'displayName',
        'emails',
        'active',
        'groups',
      ]);
      const attr = (schema: Body, name: string) => schema.attributes.find((a: Body) => a.name === name);
      expect(attr(user, 'userName')).toMatchObject({
        type: 'string',
        required: true,
        uniqueness: 'server',
        multiValued: false,
      });
      expect(attr(user, 'groups')).toMatchObject({ multiValued: true, mutability: 'readOnly' });
      expect(attr(user, 'emails').subAttributes.map((a: Body) => a.name)).toEqual(['value', 'type', 'primary']);

      const group = (await scim('get', `/Schemas/${SCIM_GROUP}`).expect(200)).body;
      expect(group).toEqual(list.body.Resources[1]);
      expect(group.attributes.map((a: Body) => a.name)).toEqual(['displayName', 'members']);
      expect(attr(group, 'displayName')).toMatchObject({ type: 'string', required: true, uniqueness: 'server' });
      expect(attr(group, 'members')).toMatchObject({ type: 'complex', multiValued: true, mutability: 'readWrite' });
      expect(attr(group, 'members').subAttributes.map((a: Body) => [a.name, a.mutability])).toEqual([
        ['value', 'immutable'],
        ['$ref', 'readOnly'],
        ['display', 'readOnly'],
        ['type', 'readOnly'],
      ]);

      for (const id of [ENTERPRISE_USER, 'User', 'urn:ietf:params:scim:schemas:core:2.0:Nope']) {
        const res = await scim('get', `/Schemas/${encodeURIComponent(id)}`).expect(404);
        expect(res.body).toMatchObject(scimError(404));
      }
    });

    it('discovery needs the key too', async () => {
      const anonymous = scimClient(t, '/scim/v2', '');
      for (const path of ['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', `/Schemas/${SCIM_GROUP}`]) {
        const res = await anonymous('get', path).expect(401);
        expect(res.body).toMatchObject(scimError(401));
      }
    });
  });
});
