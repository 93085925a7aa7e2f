import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { echoTemplate } from '../helpers/templates.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const INVALID = 'Invalid request to update template metadata!';
const ECHO = { resources: [{ name: 'dev', type: 'docker_container' }] };

/**
 * A template's ACL names only users and groups of the template's organization: PATCH refuses
 * anyone else with one answer whether the id exists or not, and GET shows nobody else, also when a
 * stored entry names someone who has left the organization since.
 */
describe('template ACL and other organizations', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let orgAdmin: Session;
  let alice: Session;
  let outsider: Session;
  let otherOrg: string;
  let foreignGroup: string;

  const patchAcl = (who: Session, template: string, body: unknown) =>
    t.http
      .patch(`/api/v2/templates/${template}/acl`)
      .set(auth(who.token))
      .send(body as object);
  const getAcl = (who: Session, template: string) =>
    t.http.get(`/api/v2/templates/${template}/acl`).set(auth(who.token));
  const storedAcl = async (template: string) =>
    (await db.query('SELECT user_acl, group_acl FROM templates WHERE id = $1', [template])).rows[0];
  const notMember = (userId: string) => ({
    field: 'user_perms',
    detail: `User "${userId}" must be a member of organization "${owner.orgId}"`,
  });
  const notOurGroup = (groupId: string) => ({
    field: 'group_perms',
    detail: `Group "${groupId}" must be a group of organization "${owner.orgId}"`,
  });
  const privateTemplate = () => echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
  const createGroup = async (orgId: string, members: string[] = []) => {
    const res = await t.http
      .post(`/api/v2/organizations/${orgId}/groups`)
      .set(auth(owner.token))
      .send({ name: unique('grp') })
      .expect(201);
    if (members.length)
      await t.http
        .patch(`/api/v2/groups/${res.body.id}`)
        .set(auth(owner.token))
        .send({ add_users: members })
        .expect(200);
    return res.body.id as string;
  };
  const leaveOrg = (userId: string) =>
    t.http.delete(`/api/v2/organizations/${owner.orgId}/members/${userId}`).set(auth(owner.token)).expect(204);

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['template_rbac']);
    alice = await createUser(t, owner);
    orgAdmin = await createUser(t, owner);
    await t.http
      .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    otherOrg = await createOrg(t, owner);
    outsider = await createUser(t, owner, { orgId: otherOrg });
    foreignGroup = await createGroup(otherOrg, [outsider.userId]);
  });
  afterAll(() => closeWorld(t, db));

  describe('PATCH', () => {
    it('refuses (400) a user of another organization, naming the user, and stores nothing', async () => {
      const tpl = await privateTemplate();
      const res = await patchAcl(orgAdmin, tpl.id, { user_perms: { [outsider.userId]: 'use' } }).expect(400);
      expect(res.body).toEqual({ message: INVALID, validations: [notMember(outsider.userId)] });
      expect(await storedAcl(tpl.id)).toEqual({ user_acl: {}, group_acl: {} });
      const admin = await patchAcl(owner, tpl.id, { user_perms: { [outsider.userId]: 'admin' } }).expect(400);
      expect(admin.body).toEqual({ message: INVALID, validations: [notMember(outsider.userId)] });
      expect(await storedAcl(tpl.id)).toEqual({ user_acl: {}, group_acl: {} });
    });

    it('answers a user of another organization, a deleted user and an id of nobody alike (no oracle)', async () => {
      const tpl = await privateTemplate();
      const deleted = await createUser(t, owner);
      await t.http.delete(`/api/v2/users/${deleted.userId}`).set(auth(owner.token)).expect(200);
      const nobody = '7b0c3a52-9d41-4e6f-8a2b-1c3d4e5f6a7b';
      const answers = [];
      for (const id of [outsider.userId, deleted.userId, nobody]) {
        const res = await patchAcl(orgAdmin, tpl.id, { user_perms: { [id]: 'use' } });
        // With the id taken out, the answers are identical.
        answers.push({ status: res.status, body: JSON.stringify(res.body).replaceAll(id, '<id>') });
      }
      expect(answers[0].status).toBe(400);
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
      // The same when only removing an entry that is not there.
      const removal = await patchAcl(orgAdmin, tpl.id, { user_perms: { [outsider.userId]: '' } }).expect(400);
      expect(removal.body.validations).toEqual([notMember(outsider.userId)]);
    });

    it('refuses a group of another organization like a group id of nothing', async () => {
      const tpl = await privateTemplate();
      const nothing = '3e9a1f40-5b6c-4d7e-9f80-a1b2c3d4e5f6';
      const res = await patchAcl(orgAdmin, tpl.id, {
        group_perms: { [foreignGroup]: 'use', [nothing]: 'admin' },
      }).expect(400);
      expect(res.body).toEqual({ message: INVALID, validations: [notOurGroup(foreignGroup), notOurGroup(nothing)] });
      // The other organization's Everyone group (its id is the organization's) too.
      const everyone = await patchAcl(orgAdmin, tpl.id, { group_perms: { [otherOrg]: 'use' } }).expect(400);
      expect(everyone.body.validations).toEqual([notOurGroup(otherOrg)]);
      expect(await storedAcl(tpl.id)).toEqual({ user_acl: {}, group_acl: {} });
    });

    it('names every offender and applies none of the valid entries next to them', async () => {
      const tpl = await privateTemplate();
      const res = await patchAcl(owner, tpl.id, {
        user_perms: { [alice.userId]: 'use', [outsider.userId]: 'use' },
        group_perms: { [owner.orgId]: 'use', [foreignGroup]: 'use' },
      }).expect(400);
      expect(res.body.validations).toEqual([notMember(outsider.userId), notOurGroup(foreignGroup)]);
      expect(await storedAcl(tpl.id)).toEqual({ user_acl: {}, group_acl: {} });
    });

    it('accepts a user who is a member of both organizations, and the id in any case', async () => {
      const both = await createUser(t, owner, { orgId: otherOrg });
      await addMember(t, owner, owner.orgId, both.userId);
      const tpl = await privateTemplate();
      await patchAcl(orgAdmin, tpl.id, { user_perms: { [both.userId.toUpperCase()]: 'use' } }).expect(200);
      expect(await storedAcl(tpl.id)).toEqual({ user_acl: { [both.userId]: ['read'] }, group_acl: {} });
    });
  });

  describe('GET after a user left the organization', () => {
    let tpl: JsonObject;
    let leaver: Session;
    let group: string;

    beforeAll(async () => {
      leaver = await createUser(t, owner, { orgId: otherOrg });
      await addMember(t, owner, owner.orgId, leaver.userId);
      tpl = await privateTemplate();
      group = await createGroup(owner.orgId, [alice.userId, leaver.userId]);
      await patchAcl(owner, tpl.id, {
        user_perms: { [alice.userId]: 'use', [leaver.userId]: 'admin' },
        group_perms: { [group]: 'use', [owner.orgId]: 'use' },
      }).expect(200);
      const before = await getAcl(owner, tpl.id).expect(200);
      expect(before.body.users.map((u: { id: string }) => u.id).sort()).toEqual([alice.userId, leaver.userId].sort());
      await leaveOrg(leaver.userId);
    });

    it('no longer shows the user, neither as an entry nor as a member of a group, though the entry is still stored', async () => {
      expect((await storedAcl(tpl.id)).user_acl).toEqual({ [alice.userId]: ['read'], [leaver.userId]: ['*'] });
      for (const reader of [owner, orgAdmin]) {
        const res = await getAcl(reader, tpl.id).expect(200);
        expect(res.body.users.map((u: { id: string; role: string }) => [u.id, u.role])).toEqual([
          [alice.userId, 'use'],
        ]);
        const byId = new Map(
          res.body.group.map((g: { id: string; members: { id: string }[] }) => [g.id, g.members.map((m) => m.id)]),
        );
        expect(byId.get(group)).toEqual([alice.userId]);
        expect(byId.get(owner.orgId)).not.toContain(leaver.userId);
        expect(res.text).not.toContain(leaver.userId);
        expect(res.text).not.toContain(leaver.email);
        expect(res.text).not.toContain(otherOrg);
      }
    });

    it('the stale entry grants nothing, and it can still be removed', async () => {
      await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(leaver.token)).expect(404);
      await getAcl(leaver, tpl.id).expect(404);
      await patchAcl(orgAdmin, tpl.id, { user_perms: { [leaver.userId]: '' } }).expect(200);
      expect((await storedAcl(tpl.id)).user_acl).toEqual({ [alice.userId]: ['read'] });
    });

    it('/acl/available does not offer the user either', async () => {
      const res = await t.http.get(`/api/v2/templates/${tpl.id}/acl/available`).set(auth(orgAdmin.token)).expect(200);
      const userIds = res.body.users.map((u: { id: string }) => u.id);
      expect(userIds).toContain(alice.userId);
      expect(userIds).not.toContain(leaver.userId);
      expect(userIds).not.toContain(outsider.userId);
      const groups = res.body.groups as { id: string; organization_id: string; members: { id: string }[] }[];
      expect(groups.find((g) => g.id === group)?.members.map((m) => m.id)).toEqual([alice.userId]);
      for (const g of groups) {
        expect(g.organization_id).toBe(owner.orgId);
        expect(g.members.map((m) => m.id)).not.toContain(outsider.userId);
        expect(g.members.map((m) => m.id)).not.toContain(leaver.userId);
      }
      expect(res.text).not.toContain(foreignGroup);
    });
  });

  it('GET leaves out a stored entry for a group of another organization', async () => {
    // The API refuses such an entry; this is a row written before it did.
    const tpl = await privateTemplate();
    await db.query(`UPDATE templates SET group_acl = $2::jsonb, user_acl = $3::jsonb WHERE id = $1`, [
      tpl.id,
      JSON.stringify({ [foreignGroup]: ['*'], [otherOrg]: ['read'] }),
      JSON.stringify({ [outsider.userId]: ['*'] }),
    ]);
    const res = await getAcl(owner, tpl.id).expect(200);
    expect(res.body).toEqual({ users: [], group: [] });
    await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(outsider.token)).expect(404);
  });
});
