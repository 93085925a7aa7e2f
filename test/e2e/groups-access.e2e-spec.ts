import type pg from 'pg';
import { MAX_MEMBER_CHANGES } from '../../src/enterprise/groups/dto/group.dto.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

// The role matrix of every group route, and the validations groups.e2e-spec.ts does not cover.
describe('groups: each role on each route, and every validation', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  const who: Record<string, Session> = {};
  let group: { id: string; name: string };

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['template_rbac']);
    who.owner = owner;
    who.userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
    who.templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    who.auditor = await createUser(t, owner, { roles: ['auditor'] });
    who.orgAdmin = await createUser(t, owner);
    await t.http
      .put(`/api/v2/organizations/${owner.orgId}/members/${who.orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    who.member = await createUser(t, owner);
    who.groupMember = await createUser(t, owner);
    who.otherOrgMember = await createUser(t, owner, { orgId: await createOrg(t, owner) });
    group = (
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: unique('team') })
        .expect(201)
    ).body;
    await t.http
      .patch(`/api/v2/groups/${group.id}`)
      .set(auth(owner.token))
      .send({ add_users: [who.groupMember.userId] })
      .expect(200);
  });
  afterAll(() => closeWorld(t, db));

  const as = (name: string) => auth(who[name].token);

  describe('reading', () => {
    it.each([
      ['owner', 200],
      ['userAdmin', 200],
      ['templateAdmin', 200],
      ['auditor', 200],
      ['orgAdmin', 200],
      ['groupMember', 200],
      ['member', 404],
      ['otherOrgMember', 404],
    ])('GET /groups/{id} and /organizations/{org}/groups/{name} as %s → %i', async (role, status) => {
      const byId = await t.http.get(`/api/v2/groups/${group.id}`).set(as(role)).expect(status);
      const byName = await t.http
        .get(`/api/v2/organizations/${owner.orgId}/groups/${group.name}`)
        .set(as(role))
        .expect(status);
      if (status === 404) {
        expect(byId.body).toEqual(NOT_FOUND);
        expect(byName.body).toEqual(NOT_FOUND);
      } else {
        expect(byId.body).toEqual(byName.body);
        expect(byId.body.members.map((m: { id: string }) => m.id)).toEqual([who.groupMember.userId]);
      }
    });

    it.each([
      ['templateAdmin', true],
      ['auditor', true],
      ['member', false],
    ])("the organization's list as %s includes every group: %s", async (role, all) => {
      const res = await t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).set(as(role)).expect(200);
      expect(res.body.map((g: { id: string }) => g.id).includes(group.id)).toBe(all);
      expect(res.body[0].id).toBe(owner.orgId);
    });

    it("a member of another organization gets 404 for the organization's list and its Everyone group", async () => {
      expect(
        (await t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).set(as('otherOrgMember')).expect(404)).body,
      ).toEqual(NOT_FOUND);
      await t.http.get(`/api/v2/groups/${owner.orgId}`).set(as('otherOrgMember')).expect(404);
    });

    it('404 for an unknown group id or organization (by id or by name)', async () => {
      await t.http.get('/api/v2/organizations/nope/groups').set(as('owner')).expect(404);
      await t.http
        .get('/api/v2/organizations/00000000-0000-4000-8000-000000000000/groups')
        .set(as('owner'))
        .expect(404);
      await t.http.get('/api/v2/groups/00000000-0000-4000-8000-000000000000').set(as('owner')).expect(404);
      await t.http
        .get(`/api/v2/groups/${unique('nosuch')}`)
        .set(as('owner'))
        .expect(404);
    });
  });

  describe('writing', () => {
    it.each([
      ['owner', 201],
      ['userAdmin', 201],
      ['orgAdmin', 201],
      ['templateAdmin', 403],
      ['auditor', 403],
      ['member', 403],
      ['otherOrgMember', 404],
    ])('POST /organizations/{org}/groups as %s → %i', async (role, status) => {
      const name = unique('new');
      const res = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(as(role))
        .send({ name })
        .expect(status);
      if (status === 403) expect(res.body).toEqual(FORBIDDEN);
      if (status === 404) expect(res.body).toEqual(NOT_FOUND);
      expect((await db.query('SELECT count(*)::int AS n FROM groups WHERE name = $1', [name])).rows[0].n).toBe(
        status === 201 ? 1 : 0,
      );
    });

    it.each([
      ['templateAdmin', 403],
      ['auditor', 403],
      ['groupMember', 403],
      ['member', 404],
      ['otherOrgMember', 404],
    ])('PATCH and DELETE /groups/{id} as %s → %i, nothing changed', async (role, status) => {
      await t.http.patch(`/api/v2/groups/${group.id}`).set(as(role)).send({ display_name: 'Hacked' }).expect(status);
      await t.http.delete(`/api/v2/groups/${group.id}`).set(as(role)).expect(status);
      const row = await db.query('SELECT display_name FROM groups WHERE id = $1', [group.id]);
      expect(row.rows).toEqual([{ display_name: '' }]);
    });

    it.each(['userAdmin', 'orgAdmin'])('DELETE /groups/{id} as %s → 200', async (role) => {
      const g = (
        await t.http
          .post(`/api/v2/organizations/${owner.orgId}/groups`)
          .set(as('owner'))
          .send({ name: unique('del') })
          .expect(201)
      ).body;
      expect((await t.http.delete(`/api/v2/groups/${g.id}`).set(as(role)).expect(200)).body.id).toBe(g.id);
      expect((await db.query('SELECT 1 FROM groups WHERE id = $1', [g.id])).rowCount).toBe(0);
    });
  });

  describe('validation', () => {
    const create = (body: unknown) =>
      t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(as('owner'))
        .send(body as object);
    const patch = (body: unknown) =>
      t.http
        .patch(`/api/v2/groups/${group.id}`)
        .set(as('owner'))
        .send(body as object);
    const fields = (res: { body: { validations?: { field: string }[] } }) =>
      (res.body.validations ?? []).map((v) => v.field).sort();

    it.each([
      [{ name: 'ok1', display_name: 'x'.repeat(65) }, ['display_name']],
      [{ name: 'ok2', avatar_url: 'x'.repeat(2049) }, ['avatar_url']],
      [{ name: 'ok3', quota_allowance: 1_000_001 }, ['quota_allowance']],
      [{ name: 'ok4', quota_allowance: 1.5 }, ['quota_allowance']],
      [{ name: 'ok5', quota_allowance: '5' }, ['quota_allowance']],
      [{ name: 7 }, ['name']],
      [{}, ['name']],
      [{ name: 'new' }, ['name']],
      [{ name: 'a_b', display_name: 1, quota_allowance: -5 }, ['display_name', 'name', 'quota_allowance']],
    ])('POST %j → 400 naming %j, nothing created', async (body, expected) => {
      const before = (await db.query('SELECT count(*)::int AS n FROM groups')).rows[0].n;
      const res = await create(body).expect(400);
      expect(res.body.message).toBe('Validation failed.');
      expect(fields(res)).toEqual(expected);
      expect((await db.query('SELECT count(*)::int AS n FROM groups')).rows[0].n).toBe(before);
    });

    it.each([
      [{ name: 'has space' }, ['name']],
      [{ name: 'x'.repeat(37) }, ['name']],
      [{ quota_allowance: -1 }, ['quota_allowance']],
      [{ add_users: 'someone' }, ['add_users']],
      [{ add_users: [1] }, ['add_users']],
      [{ remove_users: ['nope'] }, ['remove_users']],
      [
        {
          add_users: Array.from(
            { length: MAX_MEMBER_CHANGES + 1 },
            (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          ),
        },
        ['add_users'],
      ],
      [{ name: 'create' }, ['name']],
    ])('PATCH %j → 400 naming %j, nothing changed', async (body, expected) => {
      const res = await patch(body).expect(400);
      expect(fields(res)).toEqual(expected);
      const row = await db.query('SELECT name, quota_allowance FROM groups WHERE id = $1', [group.id]);
      expect(row.rows).toEqual([{ name: group.name, quota_allowance: 0 }]);
    });

    it('ignores unknown fields (as Coder does): they are neither an error nor stored', async () => {
      const res = await create({
        name: 'ok6',
        extra: true,
        members: [{ id: 'x' }],
        id: '44444444-4444-4444-8444-444444444444',
      }).expect(201);
      expect(res.body.id).not.toBe('44444444-4444-4444-8444-444444444444');
      expect(res.body).not.toHaveProperty('extra');
      const patched = await t.http
        .patch(`/api/v2/groups/${res.body.id}`)
        .set(as('owner'))
        .send({ members: [], organization_id: '55555555-5555-4555-8555-555555555555', quota_allowance: 2 })
        .expect(200);
      expect(patched.body).toMatchObject({ organization_id: owner.orgId, quota_allowance: 2, members: [] });
      expect(
        (await db.query('SELECT organization_id, quota_allowance FROM groups WHERE id = $1', [res.body.id])).rows,
      ).toEqual([{ organization_id: owner.orgId, quota_allowance: 2 }]);
    });

    it('PATCH adding an unknown user id: 400 naming it, nothing applied', async () => {
      const ghost = '33333333-3333-4333-8333-333333333333';
      const res = await patch({ add_users: [ghost], display_name: 'Changed' }).expect(400);
      expect(JSON.stringify(res.body)).toContain(ghost);
      expect((await db.query('SELECT display_name FROM groups WHERE id = $1', [group.id])).rows[0].display_name).toBe(
        '',
      );
    });

    it('a body that is not JSON, or not an object, is a 400', async () => {
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(as('owner'))
        .set('Content-Type', 'application/json')
        .send('{"name":')
        .expect(400);
      await t.http
        .patch(`/api/v2/groups/${group.id}`)
        .set(as('owner'))
        .set('Content-Type', 'application/json')
        .send('[1,2]')
        .expect(400);
    });
  });
});
