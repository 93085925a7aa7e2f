import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { echoTemplate } from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const GATE = { message: 'Template RBAC is an Enterprise feature. Contact sales!' };

describe('GET /templates/{template}/acl/available', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let otherOrg: string;
  let alice: Session;
  let bob: Session;
  let aclAdmin: Session;
  let member: Session;
  let templateAdmin: Session;
  let outsider: Session;
  let tpl: JsonObject;
  let groupId: string;

  const available = (who: Session, id: string, query = '') =>
    t.http.get(`/api/v2/templates/${id}/acl/available${query}`).set(auth(who.token));

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    alice = await createUser(t, owner, { username: 'alice' });
    await createUser(t, owner, { username: 'albert' });
    bob = await createUser(t, owner, { username: 'bob' });
    aclAdmin = await createUser(t, owner, { username: 'zed' });
    member = await createUser(t, owner, { username: 'yan' });
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'], username: 'xavier' });
    otherOrg = await createOrg(t, owner);
    // Shares its name prefix with alice, but is not in the template's organization.
    outsider = await createUser(t, owner, { orgId: otherOrg, username: 'alfred' });
    tpl = await echoTemplate(t, owner, owner.orgId);
  });
  afterAll(() => closeWorld(t, db));

  it('is gated by template_rbac after authentication', async () => {
    await t.http.get(`/api/v2/templates/${tpl.id}/acl/available`).expect(401);
    expect((await available(owner, tpl.id).expect(403)).body).toEqual(GATE);
  });

  describe('with template_rbac', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['template_rbac']);
      groupId = (
        await t.http
          .post(`/api/v2/organizations/${owner.orgId}/groups`)
          .set(auth(owner.token))
          .send({ name: 'devs' })
          .expect(201)
      ).body.id;
      await t.http
        .patch(`/api/v2/groups/${groupId}`)
        .set(auth(owner.token))
        .send({ add_users: [alice.userId] })
        .expect(200);
      await t.http
        .post(`/api/v2/organizations/${otherOrg}/groups`)
        .set(auth(owner.token))
        .send({ name: 'elsewhere' })
        .expect(201);
      await t.http
        .patch(`/api/v2/templates/${tpl.id}/acl`)
        .set(auth(owner.token))
        .send({ user_perms: { [aclAdmin.userId]: 'admin' } })
        .expect(200);
    });

    it("answers the organization's users matching q (full User objects) and every group of the organization with members", async () => {
      const res = await available(owner, tpl.id, '?q=al').expect(200);
      expect(res.body.users.map((u: { username: string }) => u.username)).toEqual(['albert', 'alice']);
      expect(res.body.users[1]).toMatchObject({
        id: alice.userId,
        username: 'alice',
        email: alice.email,
        status: 'active',
        organization_ids: [owner.orgId],
        roles: [],
      });
      expect(res.body.groups.map((g: { name: string }) => g.name)).toEqual(['Everyone', 'devs']);
      expect(res.body.groups[0]).toMatchObject({ id: owner.orgId, organization_id: owner.orgId });
      expect(res.body.groups[0].members.map((m: { id: string }) => m.id)).toEqual(
        expect.arrayContaining([owner.userId, alice.userId, bob.userId]),
      );
      expect(res.body.groups[0].members.map((m: { id: string }) => m.id)).not.toContain(outsider.userId);
      expect(res.body.groups[1]).toMatchObject({
        id: groupId,
        members: [expect.objectContaining({ id: alice.userId })],
      });
    });

    it('lists every member of the organization without q, and pages like GET /users', async () => {
      const all = (await available(owner, tpl.id).expect(200)).body.users.map((u: { username: string }) => u.username);
      expect(all).toEqual(['admin', 'albert', 'alice', 'bob', 'xavier', 'yan', 'zed']);
      expect(
        (await available(owner, tpl.id, '?limit=2&offset=1').expect(200)).body.users.map(
          (u: { username: string }) => u.username,
        ),
      ).toEqual(['albert', 'alice']);
      expect(
        (await available(owner, tpl.id, `?after_id=${bob.userId}`).expect(200)).body.users.map(
          (u: { username: string }) => u.username,
        ),
      ).toEqual(['xavier', 'yan', 'zed']);
      const suspended = await available(owner, tpl.id, '?q=status:suspended').expect(200);
      expect(suspended.body.users).toEqual([]);
    });

    it("is open to the template's ACL admins (plain members) and to template admins", async () => {
      const res = await available(aclAdmin, tpl.id, '?q=bob').expect(200);
      expect(res.body.users.map((u: { id: string }) => u.id)).toEqual([bob.userId]);
      await available(templateAdmin, tpl.id).expect(200);
    });

    it('is 404 for those who may only use the template, and for those who cannot see it', async () => {
      expect((await available(member, tpl.id).expect(404)).body).toEqual(NOT_FOUND);
      expect((await available(outsider, tpl.id).expect(404)).body).toEqual(NOT_FOUND);
      await available(owner, randomUUID()).expect(404);
    });

    it("rejects a template id that is not a UUID and bad queries with GET /users's messages", async () => {
      expect((await available(owner, 'nope').expect(400)).body.message).toBe('Invalid UUID "template".');
      expect((await available(owner, tpl.id, '?limit=x').expect(400)).body).toMatchObject({
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'limit' }],
      });
      expect((await available(owner, tpl.id, '?q=status:sleeping').expect(400)).body).toEqual({
        message: 'Invalid user search query.',
        validations: [{ field: 'status', detail: 'Query param "status" has invalid values: sleeping' }],
      });
      expect((await available(owner, tpl.id, '?after_id=7').expect(400)).body.validations).toEqual([
        { field: 'after_id', detail: 'Query param "after_id" must be a valid uuid' },
      ]);
    });
  });
});
