import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, isoTime } from '../helpers/expectations.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNKNOWN_ORG = '3f0c5a4e-8a6b-4c1d-9e2f-0123456789ab';

describe('organizations', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let userAdmin: Session;
  let templateAdmin: Session;
  let auditor: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    auditor = await createUser(t, owner, { roles: ['auditor'] });
  });
  afterAll(() => closeWorld(t, db));

  describe('POST /api/v2/organizations', () => {
    it('lets an owner create one: 201 with the organization, its Everyone group and the creator as member', async () => {
      const name = unique('acme');
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .send({ name, display_name: 'Acme Inc.', description: 'Builds anvils', icon: '/emojis/1f3ed.png' })
        .expect(201);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID_RE),
        name,
        display_name: 'Acme Inc.',
        description: 'Builds anvils',
        icon: '/emojis/1f3ed.png',
        is_default: false,
        created_at: isoTime(),
        updated_at: isoTime(),
        default_org_member_roles: [],
      });
      const id = res.body.id as string;

      const org = await db.query(
        'SELECT name, display_name, description, icon, is_default FROM organizations WHERE id = $1',
        [id],
      );
      expect(org.rows).toEqual([
        { name, display_name: 'Acme Inc.', description: 'Builds anvils', icon: '/emojis/1f3ed.png', is_default: false },
      ]);
      const groups = await db.query('SELECT id, name, organization_id FROM groups WHERE organization_id = $1', [id]);
      expect(groups.rows).toEqual([{ id, name: 'Everyone', organization_id: id }]);
      const members = await db.query('SELECT user_id, roles FROM organization_members WHERE organization_id = $1', [
        id,
      ]);
      expect(members.rows).toEqual([{ user_id: owner.userId, roles: [] }]);
      const audit = await db.query(
        `SELECT user_id, action, resource_type, resource_target, status_code FROM audit_logs WHERE resource_id = $1`,
        [id],
      );
      expect(audit.rows).toEqual([
        {
          user_id: owner.userId,
          action: 'create',
          resource_type: 'organization',
          resource_target: name,
          status_code: 201,
        },
      ]);

      // The creator can read it right away and sees it among its organizations.
      const got = await t.http.get(`/api/v2/organizations/${id}`).set(auth(owner.token)).expect(200);
      expect(got.body).toEqual(res.body);
      const mine = await t.http.get('/api/v2/users/me/organizations').set(auth(owner.token)).expect(200);
      expect(mine.body.map((o: { id: string }) => o.id)).toContain(id);
    });

    it('creates exactly one organization when the same name is posted concurrently', async () => {
      const name = unique('race');
      const results = await Promise.all(
        [0, 1, 2, 3].map(() => t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body).toEqual({ message: 'Organization already exists with that name.' });
      }
      const rows = await db.query('SELECT count(*)::int AS n FROM organizations WHERE name = $1', [name]);
      expect(rows.rows[0].n).toBe(1);
    });

    it('defaults the optional fields to empty strings', async () => {
      const name = unique('plain');
      const res = await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name }).expect(201);
      expect(res.body).toMatchObject({ name, display_name: '', description: '', icon: '', is_default: false });
    });

    it('rejects a duplicate name, case-insensitively, with 409 and creates nothing', async () => {
      const name = unique('Dup-Org');
      await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name }).expect(201);
      for (const again of [name, name.toLowerCase(), name.toUpperCase()]) {
        const res = await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name: again }).expect(409);
        expect(res.body).toEqual({ message: 'Organization already exists with that name.' });
      }
      const rows = await db.query('SELECT count(*)::int AS n FROM organizations WHERE lower(name) = lower($1)', [name]);
      expect(rows.rows[0].n).toBe(1);
    });

    it.each([
      [
        'a name with spaces',
        { name: 'bad name' },
        'name',
        'Validation failed for tag "username" with value: "bad name"',
      ],
      ['a leading hyphen', { name: '-acme' }, 'name', 'Validation failed for tag "username" with value: "-acme"'],
      ['an underscore', { name: 'acme_corp' }, 'name', 'Validation failed for tag "username" with value: "acme_corp"'],
      [
        '33 characters',
        { name: 'a'.repeat(33) },
        'name',
        `Validation failed for tag "username" with value: "${'a'.repeat(33)}"`,
      ],
      ['an empty name', { name: '' }, 'name', 'Validation failed for tag "username" with value: ""'],
      ['no name', {}, 'name', 'Validation failed for tag "required" with value: ""'],
      ['a number as name', { name: 42 }, 'name', 'Validation failed for tag "username" with value: "42"'],
      [
        'a display name over 64',
        { name: 'okname', display_name: 'x'.repeat(65) },
        'display_name',
        `Validation failed for tag "max" with value: "${'x'.repeat(65)}"`,
      ],
      [
        'a bad name beside an unknown field (ignored)',
        { name: 'ok name2', colour: 'red' },
        'name',
        'Validation failed for tag "username" with value: "ok name2"',
      ],
    ])('rejects %s with 400 Validation failed', async (_label, body, field, detail) => {
      const res = await t.http.post('/api/v2/organizations').set(auth(owner.token)).send(body).expect(400);
      expect(res.body).toEqual({ message: 'Validation failed.', validations: [{ field, detail }] });
    });

    it('reports one validation per invalid field', async () => {
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .send({ name: 'no good', description: 'd'.repeat(129) })
        .expect(400);
      expect(res.body.message).toBe('Validation failed.');
      expect(res.body.validations).toHaveLength(2);
      expect(res.body.validations.map((v: { field: string }) => v.field).sort()).toEqual(['description', 'name']);
    });

    it.each([
      ['a plain member', () => member],
      ['a user admin', () => userAdmin],
      ['a template admin', () => templateAdmin],
      ['an auditor', () => auditor],
    ])('forbids %s (403) and creates nothing', async (_label, who) => {
      const name = unique('nope');
      const res = await t.http.post('/api/v2/organizations').set(auth(who().token)).send({ name }).expect(403);
      expect(res.body).toEqual(FORBIDDEN);
      const rows = await db.query('SELECT 1 FROM organizations WHERE name = $1', [name]);
      expect(rows.rowCount).toBe(0);
    });

    it('requires a session (401)', async () => {
      const res = await t.http
        .post('/api/v2/organizations')
        .send({ name: unique('anon') })
        .expect(401);
      expect(res.body.message).toBe(
        'You are signed out or your session has expired. Please sign in again to continue.',
      );
    });
  });

  describe('GET /api/v2/organizations/{organization}', () => {
    let orgId: string;
    let orgMember: Session;
    beforeAll(async () => {
      orgId = await createOrg(t, owner);
      orgMember = await createUser(t, owner);
      await addMember(t, owner, orgId, orgMember.userId);
    });

    it('answers a member of it with the organization', async () => {
      const res = await t.http.get(`/api/v2/organizations/${orgId}`).set(auth(orgMember.token)).expect(200);
      expect(res.body).toEqual({
        id: orgId,
        name: expect.any(String),
        display_name: '',
        description: '',
        icon: '',
        is_default: false,
        created_at: isoTime(),
        updated_at: isoTime(),
        default_org_member_roles: [],
      });
    });

    it('accepts the id in upper case', async () => {
      const res = await t.http
        .get(`/api/v2/organizations/${orgId.toUpperCase()}`)
        .set(auth(orgMember.token))
        .expect(200);
      expect(res.body.id).toBe(orgId);
    });

    it('hides it from a non-member (404, same as unknown)', async () => {
      const res = await t.http.get(`/api/v2/organizations/${orgId}`).set(auth(member.token)).expect(404);
      expect(res.body).toEqual(NOT_FOUND);
      const au = await t.http.get(`/api/v2/organizations/${orgId}`).set(auth(auditor.token)).expect(404);
      expect(au.body).toEqual(NOT_FOUND);
    });

    it('shows any organization to an owner, a template admin and a user admin (site read)', async () => {
      for (const who of [owner, templateAdmin, userAdmin]) {
        const res = await t.http.get(`/api/v2/organizations/${orgId}`).set(auth(who.token)).expect(200);
        expect(res.body.id).toBe(orgId);
      }
    });

    it('answers 404 for an unknown id, even to an owner', async () => {
      const res = await t.http.get(`/api/v2/organizations/${UNKNOWN_ORG}`).set(auth(owner.token)).expect(404);
      expect(res.body).toEqual(NOT_FOUND);
    });

    it('takes a name or `default` as current Coder does; an unknown name is 404', async () => {
      const byId = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body;
      const byName = await t.http
        .get(`/api/v2/organizations/${byId.name.toUpperCase()}`)
        .set(auth(owner.token))
        .expect(200);
      expect(byName.body).toEqual(byId);
      const byDefault = await t.http.get('/api/v2/organizations/default').set(auth(owner.token)).expect(200);
      expect(byDefault.body.is_default).toBe(true);
      const res = await t.http.get('/api/v2/organizations/not-a-uuid').set(auth(owner.token)).expect(404);
      expect(res.body).toEqual(NOT_FOUND);
    });

    it('requires a session (401)', async () => {
      await t.http.get(`/api/v2/organizations/${orgId}`).expect(401);
    });
  });

  describe('GET /api/v2/organizations', () => {
    it('lists only the organizations the caller can see', async () => {
      const a = await createOrg(t, owner);
      const b = await createOrg(t, owner);
      const someone = await createUser(t, owner);
      await addMember(t, owner, a, someone.userId);

      const mine = await t.http.get('/api/v2/organizations').set(auth(someone.token)).expect(200);
      expect(mine.body.map((o: { id: string }) => o.id).sort()).toEqual([owner.orgId, a].sort());
      expect(mine.body.find((o: { id: string }) => o.id === owner.orgId)).toMatchObject({ is_default: true });

      const all = await t.http.get('/api/v2/organizations').set(auth(owner.token)).expect(200);
      const count = await db.query('SELECT count(*)::int AS n FROM organizations');
      expect(all.body).toHaveLength(count.rows[0].n);
      expect(all.body.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([owner.orgId, a, b]));

      for (const siteReader of [templateAdmin, userAdmin]) {
        const res = await t.http.get('/api/v2/organizations').set(auth(siteReader.token)).expect(200);
        expect(res.body).toHaveLength(count.rows[0].n);
      }
      const au = await t.http.get('/api/v2/organizations').set(auth(auditor.token)).expect(200);
      expect(au.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId]);
    });
  });

  describe('GET /api/v2/users/{user}/organizations', () => {
    let orgId: string;
    let orgName: string;
    let alice: Session;
    let bob: Session;
    beforeAll(async () => {
      orgName = unique('Team');
      orgId = await createOrg(t, owner, orgName);
      alice = await createUser(t, owner);
      bob = await createUser(t, owner);
      await addMember(t, owner, orgId, alice.userId);
    });

    it("lists the user's own organizations (me, id and username)", async () => {
      for (const who of ['me', alice.userId, alice.username]) {
        const res = await t.http.get(`/api/v2/users/${who}/organizations`).set(auth(alice.token)).expect(200);
        expect(res.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId, orgId]);
        expect(res.body[1]).toEqual({
          id: orgId,
          name: orgName,
          display_name: '',
          description: '',
          icon: '',
          is_default: false,
          created_at: isoTime(),
          updated_at: isoTime(),
          default_org_member_roles: [],
        });
      }
    });

    it("filters another user's organizations to those the caller can see", async () => {
      // bob shares the default organization with alice, but not the team.
      const res = await t.http.get(`/api/v2/users/${alice.userId}/organizations`).set(auth(bob.token)).expect(200);
      expect(res.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId]);
      const asOwner = await t.http
        .get(`/api/v2/users/${alice.userId}/organizations`)
        .set(auth(owner.token))
        .expect(200);
      expect(asOwner.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId, orgId]);
    });

    it('answers [] for a user in no organization', async () => {
      const loner = await createUser(t, owner);
      await db.query('DELETE FROM organization_members WHERE user_id = $1', [loner.userId]);
      const res = await t.http.get('/api/v2/users/me/organizations').set(auth(loner.token)).expect(200);
      expect(res.body).toEqual([]);
    });

    it('gets one organization by name, case-insensitively', async () => {
      const res = await t.http
        .get(`/api/v2/users/${alice.username}/organizations/${orgName.toUpperCase()}`)
        .set(auth(alice.token))
        .expect(200);
      expect(res.body.id).toBe(orgId);
      expect(res.body.name).toBe(orgName);
    });

    it('answers 404 for an organization the user is not in, or one the caller cannot see', async () => {
      const notIn = await t.http.get(`/api/v2/users/me/organizations/${orgName}`).set(auth(bob.token)).expect(404);
      expect(notIn.body).toEqual(NOT_FOUND);
      const hidden = await t.http
        .get(`/api/v2/users/${alice.userId}/organizations/${orgName}`)
        .set(auth(bob.token))
        .expect(404);
      expect(hidden.body).toEqual(NOT_FOUND);
      const unknown = await t.http.get('/api/v2/users/me/organizations/no-such-org').set(auth(alice.token)).expect(404);
      expect(unknown.body).toEqual(NOT_FOUND);
    });
  });
});
