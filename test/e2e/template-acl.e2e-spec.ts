import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const GATE = { message: 'Template RBAC is an Enterprise feature. Contact sales!' };
const INVALID = 'Invalid request to update template metadata!';
const UPDATED = { message: 'Successfully updated template ACL list.' };
const ECHO = { resources: [{ name: 'dev', type: 'docker_container' }] };

describe('template ACL', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let templateAdmin: Session;
  let userAdmin: Session;
  let orgAdmin: Session;
  let auditor: Session;
  let outsider: Session;
  let otherOrg: string;
  /** Everyone disabled: only RBAC roles and ACL entries reach it. */
  let privateTpl: JsonObject;
  /** Created with the default Everyone entry. */
  let openTpl: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    alice = await createUser(t, owner);
    bob = await createUser(t, owner);
    carol = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
    auditor = await createUser(t, owner, { roles: ['auditor'] });
    orgAdmin = await createUser(t, owner);
    await addMember(t, owner, owner.orgId, orgAdmin.userId, ['organization-admin']).catch(async () => {
      // Already a member of the default organization: only set the role.
      await t.http
        .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
        .set(auth(owner.token))
        .send({ roles: ['organization-admin'] })
        .expect(200);
    });
    otherOrg = await createOrg(t, owner);
    outsider = await createUser(t, owner, { orgId: otherOrg });
    privateTpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
    openTpl = await echoTemplate(t, owner, owner.orgId, ECHO);
  });
  afterAll(() => closeWorld(t, db));

  const acl = (session: Session, template: string) =>
    t.http.get(`/api/v2/templates/${template}/acl`).set(auth(session.token));
  const patchAcl = (session: Session, template: string, body: unknown) =>
    t.http
      .patch(`/api/v2/templates/${template}/acl`)
      .set(auth(session.token))
      .send(body as object);
  const storedAcl = async (template: string) =>
    (await db.query('SELECT user_acl, group_acl FROM templates WHERE id = $1', [template])).rows[0];
  const newWorkspace = (session: Session, template: string) =>
    t.http
      .post(`/api/v2/organizations/${owner.orgId}/members/me/workspaces`)
      .set(auth(session.token))
      .send({ template_id: template, name: unique('ws') });
  const createGroup = async (name = unique('grp'), members: string[] = []) => {
    const res = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/groups`)
      .set(auth(owner.token))
      .send({ name })
      .expect(201);
    if (members.length)
      await t.http
        .patch(`/api/v2/groups/${res.body.id}`)
        .set(auth(owner.token))
        .send({ add_users: members })
        .expect(200);
    return res.body.id as string;
  };

  describe('without template_rbac', () => {
    it("answers 403 with Coder's message on both routes", async () => {
      expect((await acl(owner, openTpl.id).expect(403)).body).toEqual(GATE);
      expect((await patchAcl(owner, openTpl.id, { user_perms: { [alice.userId]: 'use' } }).expect(403)).body).toEqual(
        GATE,
      );
      expect(await storedAcl(openTpl.id)).toEqual({ user_acl: {}, group_acl: { [owner.orgId]: ['read'] } });
    });

    it('still requires a session first (401)', async () => {
      await t.http.get(`/api/v2/templates/${openTpl.id}/acl`).expect(401);
    });
  });

  describe('with template_rbac', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['template_rbac']);
    });

    describe('GET', () => {
      it('shows the Everyone group (with its members) for a new template, and no users', async () => {
        const res = await acl(owner, openTpl.id).expect(200);
        expect(res.body.users).toEqual([]);
        expect(res.body.group).toHaveLength(1);
        expect(res.body.group[0]).toMatchObject({
          id: owner.orgId,
          name: 'Everyone',
          organization_id: owner.orgId,
          role: 'use',
        });
        const memberIds = res.body.group[0].members.map((m: { id: string }) => m.id);
        expect(memberIds).toEqual(expect.arrayContaining([owner.userId, alice.userId, bob.userId]));
        expect(memberIds).not.toContain(outsider.userId);
      });

      it('answers empty lists for a template without Everyone access', async () => {
        expect((await acl(owner, privateTpl.id).expect(200)).body).toEqual({ users: [], group: [] });
      });

      it('is readable by whoever can read the template', async () => {
        for (const who of [templateAdmin, orgAdmin, auditor]) await acl(who, privateTpl.id).expect(200);
        // Everyone has access to the open one, so a plain member reads its ACL.
        await acl(alice, openTpl.id).expect(200);
      });

      it('hides the template from those who cannot read it (404)', async () => {
        expect((await acl(alice, privateTpl.id).expect(404)).body).toEqual(NOT_FOUND);
        expect((await acl(userAdmin, privateTpl.id).expect(404)).body).toEqual(NOT_FOUND);
        expect((await acl(outsider, openTpl.id).expect(404)).body).toEqual(NOT_FOUND);
        await acl(owner, '00000000-0000-4000-8000-000000000000').expect(404);
      });

      it('rejects a template id that is not a UUID (400)', async () => {
        const res = await acl(owner, 'not-a-uuid').expect(400);
        expect(res.body.message).toMatch(/template/i);
      });

      it('leaves out suspended and deleted users and deleted groups', async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
        const suspended = await createUser(t, owner);
        const deleted = await createUser(t, owner);
        const group = await createGroup();
        await patchAcl(owner, tpl.id, {
          user_perms: { [alice.userId]: 'use', [suspended.userId]: 'use', [deleted.userId]: 'admin' },
          group_perms: { [group]: 'admin' },
        }).expect(200);
        await t.http.put(`/api/v2/users/${suspended.userId}/status/suspend`).set(auth(owner.token)).expect(200);
        await t.http.delete(`/api/v2/users/${deleted.userId}`).set(auth(owner.token)).expect(200);
        let res = await acl(owner, tpl.id).expect(200);
        expect(res.body.users.map((u: { id: string; role: string }) => [u.id, u.role])).toEqual([
          [alice.userId, 'use'],
        ]);
        expect(res.body.group.map((g: { id: string; role: string }) => [g.id, g.role])).toEqual([[group, 'admin']]);
        await t.http.delete(`/api/v2/groups/${group}`).set(auth(owner.token)).expect(200);
        res = await acl(owner, tpl.id).expect(200);
        expect(res.body.group).toEqual([]);
        // The stale entries can still be removed.
        await patchAcl(owner, tpl.id, { user_perms: { [deleted.userId]: '' }, group_perms: { [group]: '' } }).expect(
          200,
        );
        expect(await storedAcl(tpl.id)).toEqual({
          user_acl: { [alice.userId]: ['read'], [suspended.userId]: ['read'] },
          group_acl: {},
        });
      });
    });

    describe('PATCH validation', () => {
      let tpl: JsonObject;
      beforeAll(async () => {
        tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
      });

      const expectUnchanged = async () => expect(await storedAcl(tpl.id)).toEqual({ user_acl: {}, group_acl: {} });

      it('rejects an invalid role', async () => {
        const res = await patchAcl(owner, tpl.id, { user_perms: { [alice.userId]: 'owner' } }).expect(400);
        expect(res.body).toEqual({
          message: INVALID,
          validations: [{ field: 'user_perms', detail: 'role "owner" is not a valid Template role' }],
        });
        await expectUnchanged();
      });

      it('rejects a role that is not a string', async () => {
        const res = await patchAcl(owner, tpl.id, { group_perms: { [owner.orgId]: 1 } }).expect(400);
        expect(res.body.validations).toEqual([{ field: 'group_perms', detail: 'role 1 is not a valid Template role' }]);
        await expectUnchanged();
      });

      it('rejects a key that is not a UUID', async () => {
        const res = await patchAcl(owner, tpl.id, { user_perms: { bob: 'use' } }).expect(400);
        expect(res.body.validations).toEqual([{ field: 'user_perms', detail: 'ID bob must be a valid UUID.' }]);
      });

      it('rejects an unknown user and a group of another organization', async () => {
        const foreignGroup = (
          await t.http
            .post(`/api/v2/organizations/${otherOrg}/groups`)
            .set(auth(owner.token))
            .send({ name: unique('fg') })
            .expect(201)
        ).body.id as string;
        const ghost = '11111111-1111-4111-8111-111111111111';
        const res = await patchAcl(owner, tpl.id, {
          user_perms: { [ghost]: 'use' },
          group_perms: { [foreignGroup]: 'use' },
        }).expect(400);
        expect(res.body.validations).toEqual([
          { field: 'user_perms', detail: `User "${ghost}" must be a member of organization "${owner.orgId}"` },
          { field: 'group_perms', detail: `Group "${foreignGroup}" must be a group of organization "${owner.orgId}"` },
        ]);
        await expectUnchanged();
      });

      it('reports one validation per bad key and applies nothing, not even the valid entries', async () => {
        const res = await patchAcl(owner, tpl.id, {
          user_perms: { [alice.userId]: 'use', nope: 'use', [bob.userId]: 'superuser' },
          group_perms: { [owner.orgId]: 'use', '22222222-2222-4222-8222-222222222222': 'admin' },
        }).expect(400);
        expect(res.body.validations).toHaveLength(3);
        await expectUnchanged();
      });

      it('rejects maps that are not objects, and ignores unknown fields (as Coder)', async () => {
        expect((await patchAcl(owner, tpl.id, { user_perms: 'alice' }).expect(400)).body.message).toBe(
          'Validation failed.',
        );
        await patchAcl(owner, tpl.id, { user_perms: [alice.userId] }).expect(400);
        await patchAcl(owner, tpl.id, { users: { [alice.userId]: 'admin' } }).expect(200);
        await expectUnchanged();
      });

      it('accepts an empty body as a no-op', async () => {
        expect((await patchAcl(owner, tpl.id, {}).expect(200)).body).toEqual(UPDATED);
        await expectUnchanged();
      });
    });

    describe('PATCH', () => {
      it('merges entries: sets, changes and removes only the keys named, and audits the change', async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO);
        const group = await createGroup();
        expect(
          (
            await patchAcl(owner, tpl.id, {
              user_perms: { [alice.userId]: 'use', [bob.userId]: 'admin' },
              group_perms: { [group]: 'use' },
            }).expect(200)
          ).body,
        ).toEqual(UPDATED);
        await patchAcl(owner, tpl.id, { user_perms: { [alice.userId]: 'admin', [bob.userId]: '' } }).expect(200);
        expect(await storedAcl(tpl.id)).toEqual({
          user_acl: { [alice.userId]: ['*'] },
          group_acl: { [owner.orgId]: ['read'], [group]: ['read'] },
        });
        const res = await acl(owner, tpl.id).expect(200);
        expect(res.body.users).toEqual([
          expect.objectContaining({ id: alice.userId, username: alice.username, role: 'admin' }),
        ]);
        const audit = await db.query(
          `SELECT action, resource_type, status_code FROM audit_logs WHERE resource_id = $1 AND action = 'write' ORDER BY time`,
          [tpl.id],
        );
        expect(audit.rows).toEqual([
          { action: 'write', resource_type: 'template', status_code: 200 },
          { action: 'write', resource_type: 'template', status_code: 200 },
        ]);
      });

      it('lets owners, template admins and organization admins edit it', async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
        for (const [who, role] of [
          [owner, 'use'],
          [templateAdmin, 'admin'],
          [orgAdmin, ''],
        ] as const) {
          await patchAcl(who, tpl.id, { user_perms: { [carol.userId]: role } }).expect(200);
        }
        expect(await storedAcl(tpl.id)).toEqual({ user_acl: {}, group_acl: {} });
      });

      it('forbids (403) a member who can see the template, and hides it (404) from others', async () => {
        expect(
          (await patchAcl(alice, openTpl.id, { user_perms: { [alice.userId]: 'admin' } }).expect(403)).body,
        ).toEqual(FORBIDDEN);
        expect(
          (await patchAcl(auditor, privateTpl.id, { user_perms: { [alice.userId]: 'admin' } }).expect(403)).body,
        ).toEqual(FORBIDDEN);
        expect(
          (await patchAcl(userAdmin, privateTpl.id, { user_perms: { [alice.userId]: 'admin' } }).expect(404)).body,
        ).toEqual(NOT_FOUND);
        expect(
          (await patchAcl(outsider, openTpl.id, { user_perms: { [outsider.userId]: 'admin' } }).expect(404)).body,
        ).toEqual(NOT_FOUND);
        expect(await storedAcl(openTpl.id)).toEqual({ user_acl: {}, group_acl: { [owner.orgId]: ['read'] } });
        expect(await storedAcl(privateTpl.id)).toEqual({ user_acl: {}, group_acl: {} });
      });
    });

    describe('the ACL takes effect', () => {
      it('a user entry with "use" lets the user see the template and build from it; removing it takes that away', async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
        const user = await createUser(t, owner);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(404);
        const listed = await t.http
          .get(`/api/v2/organizations/${owner.orgId}/templates`)
          .set(auth(user.token))
          .expect(200);
        expect(listed.body.map((x: { id: string }) => x.id)).not.toContain(tpl.id);
        expect((await newWorkspace(user, tpl.id)).status).toBeGreaterThanOrEqual(400);

        await patchAcl(owner, tpl.id, { user_perms: { [user.userId]: 'use' } }).expect(200);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(200);
        const visible = await t.http
          .get(`/api/v2/organizations/${owner.orgId}/templates`)
          .set(auth(user.token))
          .expect(200);
        expect(visible.body.map((x: { id: string }) => x.id)).toContain(tpl.id);
        const ws = await createWorkspace(t, user, owner.orgId, tpl.id);
        expect((await waitForBuild(t, user, ws.latest_build.id)).job.status).toBe('succeeded');
        // "use" does not let them administer it.
        await patchAcl(user, tpl.id, { user_perms: { [carol.userId]: 'use' } }).expect(403);

        await patchAcl(owner, tpl.id, { user_perms: { [user.userId]: '' } }).expect(200);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(404);
        const denied = await newWorkspace(user, tpl.id);
        expect(denied.status).toBeGreaterThanOrEqual(400);
        expect(denied.status).toBeLessThan(500);
      });

      it("a group entry works for the group's members, and stops when a member leaves the group", async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
        const user = await createUser(t, owner);
        const group = await createGroup(unique('devs'), [user.userId]);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(404);

        await patchAcl(owner, tpl.id, { group_perms: { [group]: 'use' } }).expect(200);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(200);
        const ws = await createWorkspace(t, user, owner.orgId, tpl.id);
        expect((await waitForBuild(t, user, ws.latest_build.id)).job.status).toBe('succeeded');

        await t.http
          .patch(`/api/v2/groups/${group}`)
          .set(auth(owner.token))
          .send({ remove_users: [user.userId] })
          .expect(200);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(404);
        expect((await newWorkspace(user, tpl.id)).status).toBeGreaterThanOrEqual(400);
      });

      it('an "admin" entry (user or group) lets the holder edit the ACL', async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
        const admin = await createUser(t, owner);
        const viaGroup = await createUser(t, owner);
        const group = await createGroup(unique('admins'), [viaGroup.userId]);
        await patchAcl(owner, tpl.id, {
          user_perms: { [admin.userId]: 'admin' },
          group_perms: { [group]: 'admin' },
        }).expect(200);

        await acl(admin, tpl.id).expect(200);
        await patchAcl(admin, tpl.id, { user_perms: { [carol.userId]: 'use' } }).expect(200);
        await patchAcl(viaGroup, tpl.id, { user_perms: { [bob.userId]: 'use' } }).expect(200);
        expect((await storedAcl(tpl.id)).user_acl).toEqual({
          [admin.userId]: ['*'],
          [carol.userId]: ['read'],
          [bob.userId]: ['read'],
        });

        // Demoted to "use": no more edits.
        await patchAcl(owner, tpl.id, { user_perms: { [admin.userId]: 'use' } }).expect(200);
        await patchAcl(admin, tpl.id, { user_perms: { [carol.userId]: '' } }).expect(403);
      });

      it('removing the Everyone entry hides the template from plain members', async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO);
        const user = await createUser(t, owner);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(200);
        await patchAcl(owner, tpl.id, { group_perms: { [owner.orgId]: '' } }).expect(200);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(user.token)).expect(404);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(templateAdmin.token)).expect(200);
      });

      it("an entry for a user outside the template's organization is refused, and a stored one grants nothing", async () => {
        const tpl = await echoTemplate(t, owner, owner.orgId, ECHO, { disable_everyone_group_access: true });
        await patchAcl(owner, tpl.id, { user_perms: { [outsider.userId]: 'admin' } }).expect(400);
        await db.query(`UPDATE templates SET user_acl = $2::jsonb WHERE id = $1`, [
          tpl.id,
          JSON.stringify({ [outsider.userId]: ['*'] }),
        ]);
        await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(outsider.token)).expect(404);
        await acl(outsider, tpl.id).expect(404);
      });
    });
  });
});
