import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const GATE = { message: 'Template RBAC is an Enterprise feature. Contact sales!' };

describe('groups', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let userAdmin: Session;
  let orgAdmin: Session;
  let outsider: Session;
  let otherOrg: string;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
    orgAdmin = await createUser(t, owner);
    await t.http
      .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    otherOrg = await createOrg(t, owner);
    outsider = await createUser(t, owner, { orgId: otherOrg });
  });
  afterAll(() => closeWorld(t, db));

  const createGroup = (token: string, body: Record<string, unknown>, org = owner.orgId) =>
    t.http.post(`/api/v2/organizations/${org}/groups`).set(auth(token)).send(body);
  const patch = (token: string, group: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v2/groups/${group}`).set(auth(token)).send(body);

  describe('without template_rbac', () => {
    it("answers 403 with Coder's message, after authentication", async () => {
      expect((await createGroup(owner.token, { name: 'devs' }).expect(403)).body).toEqual(GATE);
      expect((await t.http.get(`/api/v2/groups/${owner.orgId}`).set(auth(owner.token)).expect(403)).body).toEqual(GATE);
      await t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).expect(401);
    });
  });

  describe('with template_rbac', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['template_rbac']);
    });

    it('creates a group (owner, user admin, organization admin) with members []', async () => {
      for (const who of [owner, userAdmin, orgAdmin]) {
        const name = unique('team');
        const res = await createGroup(who.token, {
          name,
          avatar_url: 'https://example.com/a.png',
          quota_allowance: 5,
        }).expect(201);
        expect(res.body).toEqual({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name,
          display_name: '',
          organization_id: owner.orgId,
          members: [],
          total_member_count: 0,
          avatar_url: 'https://example.com/a.png',
          quota_allowance: 5,
          source: 'user',
          organization_name: expect.any(String),
          organization_display_name: expect.any(String),
        });
      }
    });

    it('refuses members and outsiders', async () => {
      expect((await createGroup(member.token, { name: 'nope' }).expect(403)).body).toEqual(FORBIDDEN);
      expect((await createGroup(outsider.token, { name: 'nope' }).expect(404)).body).toEqual(NOT_FOUND);
    });

    it('validates names and reserves Everyone; duplicates are 409', async () => {
      expect((await createGroup(owner.token, { name: 'Everyone' }).expect(400)).body).toEqual({
        message: '"Everyone" is a reserved keyword and cannot be used for a group name.',
      });
      for (const name of ['', 'has space', '-x', 'x'.repeat(37)]) {
        const res = await createGroup(owner.token, { name }).expect(400);
        expect(res.body.message).toBe('Validation failed.');
        expect(res.body.validations[0].field).toBe('name');
      }
      // Coder's GroupNameValid keeps `new` and `create` for the dashboard's routes (groups_test ReservedName).
      for (const name of ['new', 'create']) {
        expect((await createGroup(owner.token, { name }).expect(400)).body).toEqual({
          message: 'Validation failed.',
          validations: [{ field: 'name', detail: `Validation failed for tag "group_name" with value: "${name}"` }],
        });
      }
      expect((await createGroup(owner.token, { name: 'has space' }).expect(400)).body.validations).toEqual([
        { field: 'name', detail: 'Validation failed for tag "group_name" with value: "has space"' },
      ]);
      // Only the exact lower-case words are reserved, as in Coder.
      await createGroup(owner.token, { name: 'New' }).expect(201);
      await createGroup(owner.token, { name: 'create-team' }).expect(201);
      expect((await db.query(`SELECT count(*)::int AS n FROM groups WHERE name IN ('new', 'create')`)).rows[0].n).toBe(
        0,
      );
      const bad = await createGroup(owner.token, { name: 'ok', quota_allowance: -1 }).expect(400);
      expect(bad.body.validations).toEqual([{ field: 'quota_allowance', detail: expect.any(String) }]);
      await createGroup(owner.token, { name: 'dupe' }).expect(201);
      expect((await createGroup(owner.token, { name: 'dupe' }).expect(409)).body).toEqual({
        message: 'Group with name "dupe" already exists.',
      });
    });

    it('lists Everyone with every active member, and the groups the caller may see', async () => {
      const mine = (await createGroup(owner.token, { name: unique('mine') }).expect(201)).body;
      await patch(owner.token, mine.id, { add_users: [member.userId] }).expect(200);
      const hidden = (await createGroup(owner.token, { name: unique('hidden') }).expect(201)).body;

      const asOwner = (
        await t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).set(auth(owner.token)).expect(200)
      ).body;
      expect(asOwner[0].id).toBe(owner.orgId);
      expect(asOwner[0].name).toBe('Everyone');
      const everyoneIds = asOwner[0].members.map((u: { id: string }) => u.id);
      expect(everyoneIds).toEqual(expect.arrayContaining([owner.userId, member.userId, userAdmin.userId]));
      expect(everyoneIds).not.toContain(outsider.userId);
      expect(asOwner.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining([mine.id, hidden.id]));

      const asMember = (
        await t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).set(auth(member.token)).expect(200)
      ).body;
      expect(asMember.map((g: { id: string }) => g.id).sort()).toEqual([owner.orgId, mine.id].sort());
      expect((await t.http.get(`/api/v2/groups/${hidden.id}`).set(auth(member.token)).expect(404)).body).toEqual(
        NOT_FOUND,
      );
      await t.http.get(`/api/v2/groups/${mine.id}`).set(auth(member.token)).expect(200);
      expect(
        (await t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).set(auth(outsider.token)).expect(404)).body,
      ).toEqual(NOT_FOUND);
    });

    it("leaves out suspended and deleted members, and forces organization_ids to the group's organization", async () => {
      const a = await createUser(t, owner);
      const b = await createUser(t, owner);
      await addMember(t, owner, otherOrg, a.userId);
      const g = (await createGroup(owner.token, { name: unique('people') }).expect(201)).body;
      const res = await patch(owner.token, g.id, { add_users: [a.userId, b.userId] }).expect(200);
      expect(res.body.members.map((u: { id: string }) => u.id).sort()).toEqual([a.userId, b.userId].sort());
      expect(res.body.members.find((u: { id: string }) => u.id === a.userId).organization_ids).toEqual([owner.orgId]);
      await t.http.put(`/api/v2/users/${a.userId}/status/suspend`).set(auth(owner.token)).expect(200);
      await t.http.delete(`/api/v2/users/${b.userId}`).set(auth(owner.token)).expect(200);
      expect((await t.http.get(`/api/v2/groups/${g.id}`).set(auth(owner.token)).expect(200)).body.members).toEqual([]);
    });

    it('finds groups by organization and name, and by name under /groups', async () => {
      const name = unique('byname');
      const g = (await createGroup(owner.token, { name }).expect(201)).body;
      expect(
        (await t.http.get(`/api/v2/organizations/${owner.orgId}/groups/${name}`).set(auth(owner.token)).expect(200))
          .body.id,
      ).toBe(g.id);
      expect(
        (await t.http.get(`/api/v2/organizations/${owner.orgId}/groups/Everyone`).set(auth(member.token)).expect(200))
          .body.id,
      ).toBe(owner.orgId);
      expect((await t.http.get(`/api/v2/groups/${name}`).set(auth(owner.token)).expect(200)).body.id).toBe(g.id);
      await t.http.get(`/api/v2/organizations/${owner.orgId}/groups/nosuch`).set(auth(owner.token)).expect(404);
    });

    it("asks for the id when a name exists in several of the caller's organizations", async () => {
      const name = unique('twin');
      await createGroup(owner.token, { name }).expect(201);
      await createGroup(owner.token, { name }, otherOrg).expect(201);
      const res = await t.http.get(`/api/v2/groups/${name}`).set(auth(owner.token)).expect(400);
      expect(res.body.message).toMatch(
        /^Group name ".*" is ambiguous: it exists in 2 of your organizations\. Use the group id\.$/,
      );
    });

    describe('PATCH', () => {
      it('renames, sets display name, avatar and allowance; empty strings mean unchanged', async () => {
        const g = (await createGroup(owner.token, { name: unique('old'), avatar_url: 'https://x/a.png' }).expect(201))
          .body;
        const name = unique('new');
        const res = await patch(owner.token, g.id, { name, display_name: 'Nice', quota_allowance: 7 }).expect(200);
        expect(res.body).toMatchObject({
          name,
          display_name: 'Nice',
          quota_allowance: 7,
          avatar_url: 'https://x/a.png',
        });
        const same = await patch(owner.token, g.id, { name: '', display_name: '', avatar_url: '' }).expect(200);
        expect(same.body).toMatchObject({ name, display_name: 'Nice', avatar_url: 'https://x/a.png' });
        const row = await db.query('SELECT name, quota_allowance FROM groups WHERE id = $1', [g.id]);
        expect(row.rows[0]).toEqual({ name, quota_allowance: 7 });
      });

      it('adds and removes members; removing a non-member is a no-op', async () => {
        const g = (await createGroup(owner.token, { name: unique('m') }).expect(201)).body;
        const members = async () =>
          (await db.query('SELECT user_id FROM group_members WHERE group_id = $1 ORDER BY user_id', [g.id])).rows.map(
            (r) => r.user_id,
          );

        await patch(owner.token, g.id, { add_users: [member.userId] }).expect(200);
        expect((await patch(owner.token, g.id, { remove_users: [member.userId] }).expect(200)).body.members).toEqual(
          [],
        );
        // Removing someone who is not a member is a no-op, as in Coder.
        await patch(owner.token, g.id, { remove_users: [member.userId] }).expect(200);
        expect(await members()).toEqual([]);
      });

      it("refuses users outside the group's organization with Coder's message, and changes nothing", async () => {
        const g = (await createGroup(owner.token, { name: unique('m') }).expect(201)).body;
        const stranger = '6f1c7a52-3d1e-4a8b-9f0e-2b5c8d9e0a11';
        const res = await patch(owner.token, g.id, {
          add_users: [member.userId, outsider.userId, stranger],
          quota_allowance: 9,
          name: unique('renamed'),
        }).expect(400);
        expect(res.body).toEqual({
          message: `User "${outsider.userId}" must be a member of organization "${owner.orgId}"`,
          validations: [
            {
              field: 'add_users',
              detail: `User "${outsider.userId}" must be a member of organization "${owner.orgId}"`,
            },
            { field: 'add_users', detail: `User "${stranger}" must be a member of organization "${owner.orgId}"` },
          ],
        });
        expect((await db.query('SELECT name, quota_allowance FROM groups WHERE id = $1', [g.id])).rows[0]).toEqual({
          name: g.name,
          quota_allowance: 0,
        });
        expect((await db.query('SELECT 1 FROM group_members WHERE group_id = $1', [g.id])).rowCount).toBe(0);
      });

      it("refuses malformed ids with Coder's message, naming every one, and changes nothing", async () => {
        const g = (await createGroup(owner.token, { name: unique('m') }).expect(201)).body;
        const res = await patch(owner.token, g.id, {
          add_users: [member.userId, 'yeet'],
          remove_users: ['not-a-uuid'],
          quota_allowance: 4,
        }).expect(400);
        expect(res.body).toEqual({
          message: 'ID "yeet" must be a valid user UUID.',
          validations: [
            { field: 'add_users', detail: 'ID "yeet" must be a valid user UUID.' },
            { field: 'remove_users', detail: 'ID "not-a-uuid" must be a valid user UUID.' },
          ],
        });
        expect(
          (await db.query('SELECT quota_allowance FROM groups WHERE id = $1', [g.id])).rows[0].quota_allowance,
        ).toBe(0);
        expect((await db.query('SELECT 1 FROM group_members WHERE group_id = $1', [g.id])).rowCount).toBe(0);
      });

      it('refuses the same user twice in add_users, or a user already in the group, and changes nothing', async () => {
        const g = (await createGroup(owner.token, { name: unique('m') }).expect(201)).body;
        const other = await createUser(t, owner);
        const twice = await patch(owner.token, g.id, {
          add_users: [other.userId, member.userId, member.userId.toUpperCase()],
          quota_allowance: 3,
        }).expect(400);
        expect(twice.body).toEqual({
          message: 'Cannot add the same user to a group twice!',
          detail: `User "${member.userId}" is listed more than once in add_users.`,
        });
        expect(
          (await db.query('SELECT quota_allowance FROM groups WHERE id = $1', [g.id])).rows[0].quota_allowance,
        ).toBe(0);
        expect((await db.query('SELECT 1 FROM group_members WHERE group_id = $1', [g.id])).rowCount).toBe(0);

        await patch(owner.token, g.id, { add_users: [member.userId] }).expect(200);
        const again = await patch(owner.token, g.id, { add_users: [other.userId, member.userId] }).expect(400);
        expect(again.body).toEqual({
          message: 'Cannot add the same user to a group twice!',
          detail: `Already a member: ${member.userId}`,
        });
        const rows = await db.query('SELECT user_id FROM group_members WHERE group_id = $1', [g.id]);
        expect(rows.rows.map((r) => r.user_id)).toEqual([member.userId]);
      });

      it("accepts Terraform's member update body (null lists and pointers, empty name) and changes only the members", async () => {
        const g = (
          await createGroup(owner.token, {
            name: unique('tf'),
            display_name: 'TF',
            avatar_url: 'https://x/tf.png',
            quota_allowance: 2,
          }).expect(201)
        ).body;
        // coderd_group after create: PatchGroupRequest with only add_users set (terraform-provider-coderd group_resource.go).
        const res = await patch(owner.token, g.id, {
          add_users: [member.userId],
          remove_users: null,
          name: '',
          display_name: null,
          avatar_url: null,
          quota_allowance: null,
        }).expect(200);
        expect(res.body).toMatchObject({
          id: g.id,
          name: g.name,
          display_name: 'TF',
          avatar_url: 'https://x/tf.png',
          quota_allowance: 2,
          organization_id: owner.orgId,
        });
        expect(res.body.members.map((u: { id: string }) => u.id)).toEqual([member.userId]);
        const row = await db.query('SELECT name, display_name, avatar_url, quota_allowance FROM groups WHERE id = $1', [
          g.id,
        ]);
        expect(row.rows[0]).toEqual({
          name: g.name,
          display_name: 'TF',
          avatar_url: 'https://x/tf.png',
          quota_allowance: 2,
        });
        expect((await db.query('SELECT user_id FROM group_members WHERE group_id = $1', [g.id])).rows).toEqual([
          { user_id: member.userId },
        ]);
      });

      it('reserves new and create on rename too, and leaves the group as it was', async () => {
        const g = (await createGroup(owner.token, { name: unique('keep') }).expect(201)).body;
        for (const name of ['new', 'create']) {
          expect((await patch(owner.token, g.id, { name, quota_allowance: 8 }).expect(400)).body).toEqual({
            message: 'Validation failed.',
            validations: [{ field: 'name', detail: `Validation failed for tag "group_name" with value: "${name}"` }],
          });
        }
        expect((await db.query('SELECT name, quota_allowance FROM groups WHERE id = $1', [g.id])).rows[0]).toEqual({
          name: g.name,
          quota_allowance: 0,
        });
      });

      it('protects the Everyone group', async () => {
        expect((await patch(owner.token, owner.orgId, { name: 'renamed' }).expect(400)).body).toEqual({
          message: 'Cannot rename the "Everyone" group!',
        });
        expect((await patch(owner.token, owner.orgId, { add_users: [member.userId] }).expect(403)).body).toEqual({
          message: 'Cannot add or remove users from the "Everyone" group!',
        });
        await patch(owner.token, owner.orgId, { name: 'Everyone', quota_allowance: 3 }).expect(200);
        const g = (await createGroup(owner.token, { name: unique('r') }).expect(201)).body;
        expect((await patch(owner.token, g.id, { name: 'Everyone' }).expect(400)).body).toEqual({
          message: '"Everyone" is a reserved group name!',
        });
        expect((await t.http.delete(`/api/v2/groups/${owner.orgId}`).set(auth(owner.token)).expect(400)).body).toEqual({
          message: '"Everyone" is a reserved group and cannot be deleted!',
        });
      });

      it('409 on renaming onto an existing name', async () => {
        const a = (await createGroup(owner.token, { name: unique('a') }).expect(201)).body;
        const b = (await createGroup(owner.token, { name: unique('b') }).expect(201)).body;
        expect((await patch(owner.token, b.id, { name: a.name }).expect(409)).body).toEqual({
          message: `A group with name "${a.name}" already exists.`,
        });
      });

      it('only group managers may patch: a member of the group gets 403, an outsider 404', async () => {
        const g = (await createGroup(owner.token, { name: unique('p') }).expect(201)).body;
        await patch(owner.token, g.id, { add_users: [member.userId] }).expect(200);
        expect((await patch(member.token, g.id, { quota_allowance: 100 }).expect(403)).body).toEqual(FORBIDDEN);
        expect((await patch(outsider.token, g.id, { quota_allowance: 100 }).expect(404)).body).toEqual(NOT_FOUND);
        await patch(userAdmin.token, g.id, { quota_allowance: 100 }).expect(200);
        await patch(orgAdmin.token, g.id, { quota_allowance: 101 }).expect(200);
      });
    });

    it('DELETE answers 200 with the deleted group and audits create/write/delete', async () => {
      const g = (await createGroup(owner.token, { name: unique('gone') }).expect(201)).body;
      await patch(owner.token, g.id, { add_users: [member.userId] }).expect(200);
      await t.http.delete(`/api/v2/groups/${g.id}`).set(auth(member.token)).expect(403);
      const res = await t.http.delete(`/api/v2/groups/${g.id}`).set(auth(owner.token)).expect(200);
      expect(res.body).toMatchObject({
        id: g.id,
        name: g.name,
        members: [expect.objectContaining({ id: member.userId })],
      });
      await t.http.get(`/api/v2/groups/${g.id}`).set(auth(owner.token)).expect(404);
      expect((await db.query('SELECT 1 FROM group_members WHERE group_id = $1', [g.id])).rowCount).toBe(0);
      const audit = await db.query(
        `SELECT action FROM audit_logs WHERE resource_type = 'group' AND resource_id = $1 ORDER BY time`,
        [g.id],
      );
      expect(audit.rows.map((r) => r.action)).toEqual(['create', 'write', 'delete']);
    });

    it("leaving the organization removes the user from its groups, not from another organization's", async () => {
      const leaver = await createUser(t, owner);
      await addMember(t, owner, otherOrg, leaver.userId);
      const here = (await createGroup(owner.token, { name: unique('leave') }).expect(201)).body;
      const there = (await createGroup(owner.token, { name: unique('stay') }, otherOrg).expect(201)).body;
      await patch(owner.token, here.id, { add_users: [leaver.userId] }).expect(200);
      await patch(owner.token, there.id, { add_users: [leaver.userId] }).expect(200);
      await t.http
        .delete(`/api/v2/organizations/${owner.orgId}/members/${leaver.userId}`)
        .set(auth(owner.token))
        .expect(204);
      const members = async (id: string) =>
        (await t.http.get(`/api/v2/groups/${id}`).set(auth(owner.token)).expect(200)).body.members.map(
          (m: { id: string }) => m.id,
        );
      expect(await members(here.id)).not.toContain(leaver.userId);
      expect(await members(there.id)).toContain(leaver.userId);
    });
  });
});
