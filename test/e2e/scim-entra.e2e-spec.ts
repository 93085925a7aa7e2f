import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, type TestApp } from '../helpers/app.js';
import {
  openScimWorld,
  scimError,
  SCIM_GROUP,
  SCIM_LIST,
  SCIM_PATCH,
  SCIM_USER,
  type ScimClient,
} from '../helpers/scim.js';
import { auth, unique, type Owner } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const SCIM_ACTOR = { automatic_actor: 'coder', automatic_subsystem: 'scim' };

type Body = JsonObject;

/** What Entra's provisioning service sends to create a user (its default attribute mappings). */
function entraUser(nick: string, upn: string, given: string, family: string): Body {
  return {
    schemas: [SCIM_USER, ENTERPRISE_USER],
    externalId: nick,
    userName: upn,
    active: true,
    emails: [{ primary: true, type: 'work', value: upn }],
    meta: { resourceType: 'User' },
    name: { formatted: `${given} ${family}`, familyName: family, givenName: given },
    displayName: `${given} ${family}`,
    title: 'Engineer',
    preferredLanguage: 'en-US',
    addresses: [{ type: 'work', country: 'US', primary: false }],
    [ENTERPRISE_USER]: { employeeNumber: '1701', department: 'Research', manager: { value: '00u-manager' } },
  };
}

/** A PatchOp body as Entra sends it. */
const patchOp = (...operations: Body[]) => ({ schemas: [SCIM_PATCH], Operations: operations });

// Replays the requests Microsoft Entra ID's provisioning service makes, in its order and shapes.
describe('SCIM: Microsoft Entra ID provisioning replay', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, db, owner, scim } = await openScimWorld());
  });
  afterAll(() => closeWorld(t, db));

  const filtered = (resource: 'Users' | 'Groups', filter: string, extra = '') =>
    scim('get', `/${resource}?filter=${encodeURIComponent(filter)}${extra}`);
  const userRow = async (id: string) =>
    (
      await db.query(
        `SELECT u.username, u.email, u.name, u.status, u.login_type, u.deleted,
                s.user_name, s.external_id, s.given_name, s.family_name, s.formatted_name, s.email_type, s.deprovisioned_at
           FROM users u LEFT JOIN scim_users s ON s.user_id = u.id WHERE u.id = $1`,
        [id],
      )
    ).rows[0] as Body;
  const scimAudit = async (resourceId: string) =>
    (
      await db.query(
        `SELECT action, status_code, resource_type, user_id, diff FROM audit_logs
          WHERE resource_id = $1 AND additional_fields @> $2::jsonb ORDER BY time, id`,
        [resourceId, JSON.stringify(SCIM_ACTOR)],
      )
    ).rows as Body[];
  const members = async (groupId: string) =>
    (
      await db.query<{ user_id: string }>('SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id', [
        groupId,
      ])
    ).rows.map((r) => r.user_id);

  /** Entra's create flow for one user: look it up by userName, then POST it. Returns its id. */
  const entraCreate = async (nick = unique('gh')) => {
    const upn = `${nick}@contoso.example.com`;
    const lookup = await filtered('Users', `userName eq "${upn}"`).expect(200);
    expect(lookup.body).toEqual({
      schemas: [SCIM_LIST],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    const res = await scim('post', '/Users', entraUser(nick, upn, 'Grace', 'Hopper')).expect(201);
    return { id: res.body.id as string, nick, upn, body: res.body as Body };
  };

  describe('users', () => {
    it('the connection test: an unknown userName is an empty list, an unknown id a 404', async () => {
      const res = await filtered('Users', `userName eq "${randomUUID()}"`).expect(200);
      expect(res.body).toMatchObject({ totalResults: 0, Resources: [] });
      const missing = await scim('get', `/Users/${randomUUID()}`).expect(404);
      expect(missing.body).toMatchObject(scimError(404));
      const groups = await filtered('Groups', `displayName eq "${randomUUID()}"`, '&excludedAttributes=members').expect(
        200,
      );
      expect(groups.body).toMatchObject({ totalResults: 0, Resources: [] });
    });

    it('GET ?filter=userName → POST with the enterprise extension → the user exists, active, the extension ignored', async () => {
      const { id, nick, upn, body } = await entraCreate();
      expect(body).toEqual({
        schemas: [SCIM_USER],
        id,
        externalId: nick,
        userName: upn,
        name: { formatted: 'Grace Hopper', familyName: 'Hopper', givenName: 'Grace' },
        displayName: 'Grace Hopper',
        emails: [{ value: upn, type: 'work', primary: true }],
        active: true,
        meta: expect.objectContaining({
          resourceType: 'User',
          location: expect.stringMatching(new RegExp(`/scim/v2/Users/${id}$`)),
        }),
      });
      expect(await userRow(id)).toEqual({
        username: nick,
        email: upn,
        name: 'Grace Hopper',
        status: 'active',
        login_type: 'oidc',
        deleted: false,
        user_name: upn,
        external_id: nick,
        given_name: 'Grace',
        family_name: 'Hopper',
        formatted_name: 'Grace Hopper',
        email_type: 'work',
        deprovisioned_at: null,
      });
      const members = await db.query('SELECT 1 FROM organization_members WHERE organization_id = $1 AND user_id = $2', [
        owner.orgId,
        id,
      ]);
      expect(members.rowCount).toBe(1);
      expect(await scimAudit(id)).toEqual([
        expect.objectContaining({ action: 'create', status_code: 201, resource_type: 'user', user_id: NIL_UUID }),
      ]);

      // Entra looks the user up again before every update.
      const again = await filtered('Users', `userName eq "${upn.toUpperCase()}"`).expect(200);
      expect(again.body.Resources.map((u: Body) => u.id)).toEqual([id]);
      const byExternalId = await filtered('Users', `externalId eq "${nick}"`).expect(200);
      expect(byExternalId.body.Resources.map((u: Body) => u.id)).toEqual([id]);
      // The same POST again is a conflict, as Entra expects (it then matches on userName).
      const duplicate = await scim('post', '/Users', entraUser(nick, upn, 'Grace', 'Hopper')).expect(409);
      expect(duplicate.body).toMatchObject(scimError(409, 'uniqueness'));
    });

    it('PATCH Replace active "False" suspends the user, "True" reactivates it', async () => {
      const { id } = await entraCreate();
      const off = await scim(
        'patch',
        `/Users/${id}`,
        patchOp({ op: 'Replace', path: 'active', value: 'False' }),
      ).expect(200);
      expect(off.body.active).toBe(false);
      expect((await userRow(id)).status).toBe('suspended');
      const on = await scim('patch', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' })).expect(
        200,
      );
      expect(on.body.active).toBe(true);
      expect((await userRow(id)).status).toBe('active');
      const audit = await scimAudit(id);
      expect(audit.map((a) => [a.action, a.status_code])).toEqual([
        ['create', 201],
        ['write', 200],
        ['write', 200],
      ]);
      expect(audit[1].diff.status).toEqual({ old: 'active', new: 'suspended', secret: false });
      expect(audit[2].diff.status).toEqual({ old: 'suspended', new: 'active', secret: false });
      const notBoolean = await scim(
        'patch',
        `/Users/${id}`,
        patchOp({ op: 'Replace', path: 'active', value: 'Nope' }),
      ).expect(400);
      expect(notBoolean.body).toMatchObject(scimError(400, 'invalidValue'));
      expect((await userRow(id)).status).toBe('active');
    });

    it('PATCH Add emails[type eq "work"].value changes the Coder email', async () => {
      const { id, upn } = await entraCreate();
      const email = `${unique('new')}@contoso.example.com`;
      const res = await scim(
        'patch',
        `/Users/${id}`,
        patchOp({ op: 'Add', path: 'emails[type eq "work"].value', value: email }),
      ).expect(200);
      expect(res.body.emails).toEqual([{ value: email, type: 'work', primary: true }]);
      expect(res.body.userName).toBe(upn);
      expect(await userRow(id)).toMatchObject({ email, user_name: upn, email_type: 'work' });
    });

    it('PATCH Replace name.givenName, then a path-less Add of displayName and name.familyName', async () => {
      const { id } = await entraCreate();
      await scim('patch', `/Users/${id}`, patchOp({ op: 'Replace', path: 'name.givenName', value: 'Amazing' })).expect(
        200,
      );
      expect(await userRow(id)).toMatchObject({ given_name: 'Amazing', family_name: 'Hopper', name: 'Grace Hopper' });
      const res = await scim(
        'patch',
        `/Users/${id}`,
        patchOp({ op: 'Add', value: { displayName: 'Amazing Grace', 'name.familyName': 'Murray Hopper' } }),
      ).expect(200);
      expect(res.body).toMatchObject({
        displayName: 'Amazing Grace',
        name: { givenName: 'Amazing', familyName: 'Murray Hopper', formatted: 'Grace Hopper' },
      });
      expect(await userRow(id)).toMatchObject({
        name: 'Amazing Grace',
        given_name: 'Amazing',
        family_name: 'Murray Hopper',
      });
    });

    it('PATCH Replace externalId (the mailNickname changed) and userName (the UPN changed)', async () => {
      const { id, nick } = await entraCreate();
      const newNick = unique('ghopper');
      const upn = `${newNick}@contoso.example.com`;
      const res = await scim(
        'patch',
        `/Users/${id}`,
        patchOp({ op: 'Replace', path: 'externalId', value: newNick }, { op: 'Replace', path: 'userName', value: upn }),
      ).expect(200);
      expect(res.body).toMatchObject({ externalId: newNick, userName: upn });
      // The Coder username was derived once, at creation; it stays.
      expect(await userRow(id)).toMatchObject({ external_id: newNick, user_name: upn, username: nick });
      expect(
        (await filtered('Users', `userName eq "${upn}"`).expect(200)).body.Resources.map((u: Body) => u.id),
      ).toEqual([id]);
    });

    it('enterprise extension paths are accepted and ignored: 200, nothing stored, no audit entry', async () => {
      const { id, body } = await entraCreate();
      const before = await userRow(id);
      const res = await scim(
        'patch',
        `/Users/${id}`,
        patchOp(
          { op: 'Replace', path: `${ENTERPRISE_USER}:department`, value: 'Navy' },
          { op: 'Add', path: `${ENTERPRISE_USER}:manager`, value: '00u-new-manager' },
          { op: 'Add', value: { [`${ENTERPRISE_USER}:employeeNumber`]: '1906' } },
          { op: 'Replace', value: { [ENTERPRISE_USER]: { costCenter: 'R&D' } } },
          { op: 'Add', path: 'title', value: 'Rear Admiral' },
        ),
      ).expect(200);
      expect(res.body[ENTERPRISE_USER]).toBeUndefined();
      expect(res.body.title).toBeUndefined();
      expect(res.body.meta.version).toBe(body.meta.version);
      expect(await userRow(id)).toEqual(before);
      expect((await scimAudit(id)).map((a) => a.action)).toEqual(['create']);
      const bogus = await scim(
        'patch',
        `/Users/${id}`,
        patchOp({ op: 'Replace', path: 'urn:example:unknown:User:x', value: 'y' }),
      ).expect(400);
      expect(bogus.body).toMatchObject(scimError(400, 'invalidPath'));
    });

    it('all of it in one request, as Entra batches an update', async () => {
      const { id } = await entraCreate();
      const email = `${unique('batch')}@contoso.example.com`;
      const externalId = unique('batch');
      const res = await scim(
        'patch',
        `/Users/${id}`,
        patchOp(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: email },
          { op: 'Replace', path: 'name.givenName', value: 'Grace B.' },
          { op: 'Add', value: { displayName: 'Grace Brewster', 'name.familyName': 'Murray' } },
          { op: 'Replace', path: 'externalId', value: externalId },
          { op: 'Replace', path: `${ENTERPRISE_USER}:department`, value: 'Navy' },
          { op: 'Replace', path: 'active', value: 'False' },
        ),
      ).expect(200);
      expect(res.body).toMatchObject({
        active: false,
        displayName: 'Grace Brewster',
        externalId,
        emails: [{ value: email, type: 'work', primary: true }],
      });
      expect(await userRow(id)).toMatchObject({
        email,
        name: 'Grace Brewster',
        status: 'suspended',
        external_id: externalId,
        given_name: 'Grace B.',
        family_name: 'Murray',
      });
      expect((await scimAudit(id)).map((a) => a.action)).toEqual(['create', 'write']);
    });

    it('DELETE deprovisions (suspended, hidden from SCIM, kept in Coder); a later POST brings the same user back', async () => {
      const { id, nick, upn } = await entraCreate();
      await scim('delete', `/Users/${id}`).expect(204);
      const row = await userRow(id);
      expect(row).toMatchObject({ status: 'suspended', deleted: false, user_name: upn });
      expect(row.deprovisioned_at).toBeInstanceOf(Date);
      await scim('get', `/Users/${id}`).expect(404);
      expect((await filtered('Users', `userName eq "${upn}"`).expect(200)).body.totalResults).toBe(0);

      const back = await scim('post', '/Users', entraUser(nick, upn, 'Grace', 'Hopper')).expect(201);
      expect(back.body).toMatchObject({ id, userName: upn, active: true });
      expect(await userRow(id)).toMatchObject({ status: 'active', deprovisioned_at: null });
      expect((await db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [upn])).rows[0].n).toBe(1);
    });
  });

  describe('groups', () => {
    it('the full group sequence: look up, create, add members, remove one, rename, delete', async () => {
      const users = [await entraCreate(), await entraCreate(), await entraCreate()];
      const [a, b, c] = users.map((u) => u.id);
      const displayName = unique('Contoso Engineering ');
      const objectId = randomUUID();

      // 1. Is the group there?
      const lookup = await filtered('Groups', `displayName eq "${displayName}"`, '&excludedAttributes=members').expect(
        200,
      );
      expect(lookup.body).toEqual({
        schemas: [SCIM_LIST],
        totalResults: 0,
        startIndex: 1,
        itemsPerPage: 0,
        Resources: [],
      });

      // 2. Create it, empty.
      const created = await scim('post', '/Groups', {
        schemas: [SCIM_GROUP, ENTRA_GROUP_SCHEMA],
        externalId: objectId,
        displayName,
        members: [],
        meta: { resourceType: 'Group' },
      }).expect(201);
      const id = created.body.id as string;
      expect(created.headers.location).toBe(created.body.meta.location);
      expect(created.body).toMatchObject({ schemas: [SCIM_GROUP], id, externalId: objectId, displayName });
      expect(created.body.members).toBeUndefined();
      expect(
        (await db.query('SELECT name, display_name, organization_id FROM groups WHERE id = $1', [id])).rows,
      ).toEqual([{ name: displayName.replace(/ /g, '-'), display_name: displayName, organization_id: owner.orgId }]);
      expect((await db.query('SELECT external_id FROM scim_groups WHERE group_id = $1', [id])).rows).toEqual([
        { external_id: objectId },
      ]);

      const found = await filtered('Groups', `displayName eq "${displayName}"`, '&excludedAttributes=members').expect(
        200,
      );
      expect(found.body.Resources).toEqual([
        { schemas: [SCIM_GROUP], id, externalId: objectId, displayName, meta: created.body.meta },
      ]);

      // 3. Entra checks membership before adding: not a member yet.
      const isMember = (user: string) =>
        filtered('Groups', `id eq "${id}" and members[value eq "${user}"]`, '&excludedAttributes=members').expect(200);
      expect((await isMember(a)).body.totalResults).toBe(0);

      // 4. Add members, one request each, as Entra does.
      for (const user of [a, b, c]) {
        const res = await scim(
          'patch',
          `/Groups/${id}`,
          patchOp({ op: 'Add', path: 'members', value: [{ value: user }] }),
        );
        expect(res.status).toBe(200);
      }
      expect(await members(id)).toEqual([a, b, c].sort());
      expect((await isMember(a)).body.Resources.map((g: Body) => g.id)).toEqual([id]);
      const coder = await t.http.get(`/api/v2/groups/${id}`).set(auth(owner.token)).expect(200);
      expect(coder.body.members.map((m: Body) => m.id).sort()).toEqual([a, b, c].sort());

      // 5. Remove one with the remove-with-value form: only that one goes.
      const removed = await scim(
        'patch',
        `/Groups/${id}`,
        patchOp({ op: 'Remove', path: 'members', value: [{ value: b }] }),
      ).expect(200);
      expect(removed.body.members.map((m: Body) => m.value).sort()).toEqual([a, c].sort());
      expect(await members(id)).toEqual([a, c].sort());
      expect((await isMember(b)).body.totalResults).toBe(0);

      // 6. Rename.
      const renamed = unique('Contoso Platform ');
      const res = await scim(
        'patch',
        `/Groups/${id}`,
        patchOp({ op: 'Replace', path: 'displayName', value: renamed }),
      ).expect(200);
      expect(res.body).toMatchObject({ id, displayName: renamed, externalId: objectId });
      expect((await db.query('SELECT name, display_name FROM groups WHERE id = $1', [id])).rows).toEqual([
        { name: renamed.replace(/ /g, '-'), display_name: renamed },
      ]);
      expect((await filtered('Groups', `displayName eq "${displayName}"`).expect(200)).body.totalResults).toBe(0);
      expect(await members(id)).toEqual([a, c].sort());

      // 7. Delete.
      await scim('delete', `/Groups/${id}`).expect(204);
      expect((await db.query('SELECT 1 FROM groups WHERE id = $1', [id])).rowCount).toBe(0);
      expect((await db.query('SELECT 1 FROM group_members WHERE group_id = $1', [id])).rowCount).toBe(0);
      expect((await db.query('SELECT 1 FROM scim_groups WHERE group_id = $1', [id])).rowCount).toBe(0);
      const after = await db.query(
        `SELECT u.status, u.deleted, s.deprovisioned_at FROM users u JOIN scim_users s ON s.user_id = u.id WHERE u.id = ANY($1::uuid[])`,
        [[a, b, c]],
      );
      expect(after.rows).toEqual([0, 1, 2].map(() => ({ status: 'active', deleted: false, deprovisioned_at: null })));
      await scim('get', `/Groups/${id}`).expect(404);

      const audit = await scimAudit(id);
      expect(audit.map((e) => [e.action, e.status_code, e.resource_type, e.user_id])).toEqual([
        ['create', 201, 'group', NIL_UUID],
        ['write', 200, 'group', NIL_UUID],
        ['write', 200, 'group', NIL_UUID],
        ['write', 200, 'group', NIL_UUID],
        ['write', 200, 'group', NIL_UUID],
        ['write', 200, 'group', NIL_UUID],
        ['delete', 204, 'group', NIL_UUID],
      ]);
      expect(audit[4].diff.members).toEqual({ old: [a, b, c].sort(), new: [a, c].sort(), secret: false });
      expect(audit[5].diff.display_name).toEqual({ old: displayName, new: renamed, secret: false });
    });

    it('adding a user Entra never provisioned (or deprovisioned) is 400 invalidValue; the group is unchanged', async () => {
      const { id: user } = await entraCreate();
      const { id: gone } = await entraCreate();
      await scim('delete', `/Users/${gone}`).expect(204);
      const group = (
        await scim('post', '/Groups', {
          schemas: [SCIM_GROUP],
          displayName: unique('Contoso Sales '),
          members: [{ value: user }],
        }).expect(201)
      ).body;
      for (const id of [randomUUID(), gone]) {
        const res = await scim(
          'patch',
          `/Groups/${group.id}`,
          patchOp({ op: 'Add', path: 'members', value: [{ value: id }] }),
        ).expect(400);
        expect(res.body).toMatchObject(scimError(400, 'invalidValue'));
      }
      expect(await members(group.id)).toEqual([user]);
    });

    it('a member deprovisioned later no longer shows in the group', async () => {
      const [x, y] = [await entraCreate(), await entraCreate()];
      const group = (
        await scim('post', '/Groups', {
          schemas: [SCIM_GROUP],
          displayName: unique('Contoso Ops '),
          members: [{ value: x.id }, { value: y.id }],
        }).expect(201)
      ).body;
      await scim('delete', `/Users/${y.id}`).expect(204);
      const res = await scim('get', `/Groups/${group.id}`).expect(200);
      expect(res.body.members.map((m: Body) => m.value)).toEqual([x.id]);
      expect((await filtered('Groups', `members[value eq "${y.id}"]`).expect(200)).body.totalResults).toBe(0);
    });
  });
});
