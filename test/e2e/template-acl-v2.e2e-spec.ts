import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { GROUP_FIELDS, isoTime } from '../helpers/expectations.js';
import type { JsonObject } from '../helpers/json.js';
import { addLicense } from '../helpers/licenses.js';
import { echoTemplate } from '../helpers/templates.js';
import { auth, createUser, unique, type Owner, type Session } from '../helpers/world.js';

/** The fields of Coder's current `codersdk.User` this server answers (TemplateUser = User + role). */
const USER_KEYS = [
  'avatar_url',
  'created_at',
  'email',
  'has_ai_seat',
  'id',
  'is_service_account',
  'last_seen_at',
  'login_type',
  'name',
  'organization_ids',
  'roles',
  'status',
  'updated_at',
  'username',
];

/** Template ACL answers in Coder's current shapes (a superset of the 2023 ones). */
describe('template ACL: current Coder fields', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let alice: Session;
  let bob: Session;
  let tpl: JsonObject;
  let org: { name: string; display_name: string };
  let groupId: string;
  let groupName: string;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['template_rbac']);
    alice = await createUser(t, owner);
    bob = await createUser(t, owner);
    org = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body;
    groupName = unique('acl');
    groupId = (
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: groupName, display_name: 'ACL Group' })
        .expect(201)
    ).body.id;
    await t.http
      .patch(`/api/v2/groups/${groupId}`)
      .set(auth(owner.token))
      .send({ add_users: [alice.userId, bob.userId] })
      .expect(200);
    tpl = await echoTemplate(t, owner, owner.orgId);
    await t.http
      .patch(`/api/v2/templates/${tpl.id}/acl`)
      .set(auth(owner.token))
      .send({ user_perms: { [alice.userId]: 'admin' }, group_perms: { [groupId]: 'use' } })
      .expect(200);
  });
  afterAll(() => closeWorld(t, db));

  it('GET …/acl: users carry the User fields and their role; groups their member count and organization names', async () => {
    const res = await t.http.get(`/api/v2/templates/${tpl.id}/acl`).set(auth(owner.token)).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['group', 'users']);

    expect(res.body.users).toHaveLength(1);
    const user = res.body.users[0];
    expect(Object.keys(user).sort()).toEqual([...USER_KEYS, 'role'].sort());
    expect(user).toMatchObject({
      id: alice.userId,
      username: alice.username,
      email: alice.email,
      status: 'active',
      login_type: 'password',
      organization_ids: [owner.orgId],
      roles: [],
      role: 'admin',
      created_at: isoTime(),
      updated_at: isoTime(),
    });

    const byId = new Map(res.body.group.map((g: { id: string }) => [g.id, g]));
    const group = byId.get(groupId) as Record<string, unknown>;
    expect(Object.keys(group).sort()).toEqual([...GROUP_FIELDS, 'role'].sort());
    expect(group).toMatchObject({
      name: groupName,
      display_name: 'ACL Group',
      organization_id: owner.orgId,
      organization_name: org.name,
      organization_display_name: org.display_name,
      total_member_count: 2,
      role: 'use',
    });
    expect((group.members as { id: string }[]).map((m) => m.id).sort()).toEqual([alice.userId, bob.userId].sort());
    // The Everyone entry a new template gets counts every member of the organization.
    const everyone = byId.get(owner.orgId) as Record<string, unknown>;
    expect(everyone).toMatchObject({ name: 'Everyone', role: 'use', organization_name: org.name });
    expect(everyone.total_member_count).toBe((everyone.members as unknown[]).length);
    expect(everyone.total_member_count).toBeGreaterThanOrEqual(3);
  });

  it('GET …/acl/available: groups carry the same fields', async () => {
    const res = await t.http.get(`/api/v2/templates/${tpl.id}/acl/available`).set(auth(owner.token)).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['groups', 'users']);
    const group = res.body.groups.find((g: { id: string }) => g.id === groupId);
    expect(Object.keys(group).sort()).toEqual(GROUP_FIELDS);
    expect(group).toMatchObject({
      organization_name: org.name,
      organization_display_name: org.display_name,
      total_member_count: 2,
    });
    // Users: at least Coder's ReducedUser fields (the 2023 full users are kept).
    for (const user of res.body.users) {
      expect(Object.keys(user)).toEqual(
        expect.arrayContaining(['id', 'username', 'email', 'created_at', 'updated_at', 'status', 'login_type']),
      );
    }
  });

  it('role values are Coder\'s current ones, unchanged: admin, use, and "" to remove', async () => {
    await t.http
      .patch(`/api/v2/templates/${tpl.id}/acl`)
      .set(auth(owner.token))
      .send({ user_perms: { [bob.userId]: 'use', [alice.userId]: '' } })
      .expect(200);
    const res = await t.http.get(`/api/v2/templates/${tpl.id}/acl`).set(auth(owner.token)).expect(200);
    expect(res.body.users.map((u: { id: string; role: string }) => [u.id, u.role])).toEqual([[bob.userId, 'use']]);
    const bad = await t.http
      .patch(`/api/v2/templates/${tpl.id}/acl`)
      .set(auth(owner.token))
      .send({ user_perms: { [bob.userId]: 'read' } })
      .expect(400);
    expect(bad.body.validations).toEqual([{ field: 'user_perms', detail: 'role "read" is not a valid Template role' }]);
  });
});
