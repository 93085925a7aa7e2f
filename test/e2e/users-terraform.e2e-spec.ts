import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, isoTime } from '../helpers/expectations.js';
import { auth, createOrg, createUser, login, PASSWORD, unique, type Owner, type Session } from '../helpers/world.js';

/**
 * The Terraform provider's `coderd_user` resource (terraform-provider-coderd
 * internal/provider/user_resource.go, codersdk of mid-2026), replayed body by body: the bodies
 * carry fields newer than this server's era (`name`, `user_status: null`, `organization_ids`,
 * `avatar_url`, and sometimes `roles` or `service_account`), and every call must do what it means.
 */
describe("users: the Terraform provider's writes", () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let tf: ReturnType<typeof client>;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'tfowner' }));
    tf = client(owner.token);
  });
  afterAll(() => closeWorld(t, db));

  /** A codersdk client: the session token in `Coder-Session-Token`, JSON bodies. */
  function client(token: string) {
    return {
      get: (path: string) => t.http.get(`/api/v2${path}`).set(auth(token)),
      post: (path: string, body: unknown) =>
        t.http
          .post(`/api/v2${path}`)
          .set(auth(token))
          .send(body as object),
      put: (path: string, body?: unknown) => {
        const req = t.http.put(`/api/v2${path}`).set(auth(token));
        return body === undefined ? req : req.send(body as object);
      },
      delete: (path: string) => t.http.delete(`/api/v2${path}`).set(auth(token)),
    };
  }

  /** `CreateUserRequestWithOrgs` as the provider fills it. */
  const createBody = (username: string, extra: Record<string, unknown> = {}) => ({
    email: `${username}@example.com`,
    username,
    name: `${username} Example`,
    password: PASSWORD,
    login_type: 'password',
    user_status: null,
    organization_ids: [owner.orgId],
    ...extra,
  });
  const stored = async (id: string) =>
    (
      await db.query(
        'SELECT username, name, email, status, login_type, rbac_roles, avatar_url, deleted FROM users WHERE id = $1',
        [id],
      )
    ).rows[0];
  const orgsOf = async (id: string) =>
    (
      await db.query('SELECT organization_id FROM organization_members WHERE user_id = $1 ORDER BY organization_id', [
        id,
      ])
    ).rows.map((r) => r.organization_id);

  it('create, profile, roles, read, update, password, suspend, activate and delete, as the provider sends them', async () => {
    // Provider start-up: the caller's first organization.
    const me = (await tf.get('/users/me').expect(200)).body;
    expect(me.organization_ids[0]).toBe(owner.orgId);

    // Create (roles and service_account left out, user_status null).
    const username = unique('tfuser');
    const created = await tf.post('/users', createBody(username)).expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      username,
      name: `${username} Example`,
      email: `${username}@example.com`,
      login_type: 'password',
      status: 'active',
      organization_ids: [owner.orgId],
    });
    expect(await orgsOf(id)).toEqual([owner.orgId]);
    await login(t, `${username}@example.com`);

    // Profile right after create: username, name, avatar_url "".
    const profile = await tf
      .put(`/users/${id}/profile`, { username, name: 'Terraform Person', avatar_url: '' })
      .expect(200);
    expect(profile.body).toMatchObject({ id, username, name: 'Terraform Person', avatar_url: '' });

    // Roles.
    const roles = await tf.put(`/users/${id}/roles`, { roles: ['template-admin', 'auditor'] }).expect(200);
    expect(roles.body.roles.map((r: { name: string }) => r.name).sort()).toEqual(['auditor', 'template-admin']);

    // Read: the fields the provider keeps in its state.
    const read = (await tf.get(`/users/${id}`).expect(200)).body;
    expect({
      email: read.email,
      name: read.name,
      username: read.username,
      roles: read.roles.map((r: { name: string }) => r.name).sort(),
      login_type: read.login_type,
      status: read.status,
    }).toEqual({
      email: `${username}@example.com`,
      name: 'Terraform Person',
      username,
      roles: ['auditor', 'template-admin'],
      login_type: 'password',
      status: 'active',
    });
    // Import by username reads the same user.
    expect((await tf.get(`/users/${username}`).expect(200)).body.id).toBe(id);

    // Update: rename, then the password with old_password "" (an owner resetting another user).
    const renamed = unique('tfrenamed');
    await tf.put(`/users/${id}/profile`, { username: renamed, name: 'Renamed Person', avatar_url: '' }).expect(200);
    await tf.put(`/users/${id}/password`, { old_password: '', password: 'Another-Strong-Pass-42' }).expect(204);
    await login(t, `${username}@example.com`, 'Another-Strong-Pass-42');
    // Applying the same password again: the provider ignores exactly this message.
    const same = await tf
      .put(`/users/${id}/password`, { old_password: '', password: 'Another-Strong-Pass-42' })
      .expect(400);
    expect(same.body.message).toContain('New password cannot match old password.');

    // suspended = true, then false.
    expect((await tf.put(`/users/${id}/status/suspend`).expect(200)).body.status).toBe('suspended');
    expect((await stored(id)).status).toBe('suspended');
    expect((await tf.put(`/users/${id}/status/activate`).expect(200)).body.status).toBe('active');

    expect(await stored(id)).toEqual({
      username: renamed,
      name: 'Renamed Person',
      email: `${username}@example.com`,
      status: 'active',
      login_type: 'password',
      rbac_roles: ['template-admin', 'auditor'],
      avatar_url: '',
      deleted: false,
    });

    // Destroy.
    await tf.delete(`/users/${id}`).expect(200);
    expect((await stored(id)).deleted).toBe(true);
    await tf.get(`/users/${id}`).expect(404);
  });

  it('creates a passwordless user (login_type none, password "") as the provider does by default', async () => {
    const username = unique('tfnone');
    const res = await tf.post('/users', createBody(username, { login_type: 'none', password: '' })).expect(201);
    expect(res.body.login_type).toBe('none');
    expect(
      (await db.query('SELECT hashed_password FROM users WHERE id = $1', [res.body.id])).rows[0].hashed_password,
    ).toBeNull();
  });

  it('puts the user in every organization of organization_ids, and only those', async () => {
    const a = await createOrg(t, owner);
    const b = await createOrg(t, owner);
    const res = await tf.post('/users', createBody(unique('tforgs'), { organization_ids: [a, b] })).expect(201);
    expect([...res.body.organization_ids].sort()).toEqual([a, b].sort());
    expect(await orgsOf(res.body.id)).toEqual([a, b].sort());
    // A nil UUID in the list means "none given" (the default organization), as an unset uuid.UUID.
    const nil = await tf
      .post('/users', createBody(unique('tfnil'), { organization_ids: ['00000000-0000-0000-0000-000000000000'] }))
      .expect(201);
    expect(await orgsOf(nil.body.id)).toEqual([owner.orgId]);
  });

  it.each([
    ['active', 'active'],
    ['dormant', 'active'],
    ['suspended', 'suspended'],
  ])('accepts user_status %s (stored as %s)', async (status, expected) => {
    const res = await tf.post('/users', createBody(unique('tfst'), { user_status: status })).expect(201);
    expect(res.body.status).toBe(expected);
    expect((await stored(res.body.id)).status).toBe(expected);
  });

  it('rejects a user_status Coder does not know, and creates nothing', async () => {
    const username = unique('tfbad');
    const res = await tf.post('/users', createBody(username, { user_status: 'sleeping' })).expect(400);
    expect(res.body).toEqual({
      message: 'Validation failed.',
      validations: [{ field: 'user_status', detail: 'Validation failed for tag "oneof" with value: "sleeping"' }],
    });
    expect((await db.query('SELECT 1 FROM users WHERE username = $1', [username])).rowCount).toBe(0);
  });

  it('gives the roles of a create request, checked like PUT /users/{user}/roles', async () => {
    const res = await tf
      .post('/users', createBody(unique('tfroles'), { roles: ['member', 'user-admin'], service_account: false }))
      .expect(201);
    expect(res.body.roles).toEqual([{ name: 'user-admin', display_name: 'User Admin' }]);
    expect((await stored(res.body.id)).rbac_roles).toEqual(['user-admin']);

    const unknown = unique('tfroles');
    expect((await tf.post('/users', createBody(unknown, { roles: ['wizard'] })).expect(400)).body).toEqual({
      message: '"wizard" is not a supported role',
    });
    expect((await db.query('SELECT 1 FROM users WHERE username = $1', [unknown])).rowCount).toBe(0);

    // A user admin may create users, but grant no site role but member (Coder's assignment matrix).
    const userAdmin: Session = await createUser(t, owner, { roles: ['user-admin'] });
    for (const role of ['owner', 'auditor']) {
      const escalate = unique('tfroles');
      expect(
        (
          await client(userAdmin.token)
            .post('/users', createBody(escalate, { roles: [role] }))
            .expect(403)
        ).body,
      ).toEqual(FORBIDDEN);
      expect((await db.query('SELECT 1 FROM users WHERE username = $1', [escalate])).rowCount).toBe(0);
    }
    const plain = await client(userAdmin.token)
      .post('/users', createBody(unique('tfroles'), { roles: ['member'] }))
      .expect(201);
    expect(plain.body.roles).toEqual([]);
  });

  it('refuses service_account true with a clear 400 (no service accounts here), and creates nothing', async () => {
    const username = unique('tfsvc');
    const res = await tf
      .post('/users', createBody(username, { service_account: true, login_type: 'none', password: '' }))
      .expect(400);
    expect(res.body).toEqual({
      message: 'Service accounts are not supported by this server.',
      validations: [
        { field: 'service_account', detail: 'Create a user with login_type "none" and give it API tokens instead.' },
      ],
    });
    expect((await db.query('SELECT 1 FROM users WHERE username = $1', [username])).rowCount).toBe(0);
  });

  it('a plain member may not create users, whatever the body', async () => {
    const member = await createUser(t, owner);
    const username = unique('tfdenied');
    const res = await client(member.token).post('/users', createBody(username)).expect(403);
    expect(res.body).toEqual({ message: 'You are not authorized to create users.' });
    expect((await db.query('SELECT 1 FROM users WHERE username = $1', [username])).rowCount).toBe(0);
  });

  describe('PUT /users/{user}/profile avatar_url', () => {
    it('sets it, keeps it when absent or null, clears it with ""; audits the change', async () => {
      const user = await createUser(t, owner);
      const put = (body: Record<string, unknown>) =>
        client(user.token).put('/users/me/profile', { username: user.username, ...body });
      expect((await put({ avatar_url: 'https://example.com/me.png' }).expect(200)).body.avatar_url).toBe(
        'https://example.com/me.png',
      );
      expect((await put({}).expect(200)).body.avatar_url).toBe('https://example.com/me.png');
      expect((await put({ avatar_url: null }).expect(200)).body.avatar_url).toBe('https://example.com/me.png');
      expect((await client(owner.token).get(`/users/${user.userId}`).expect(200)).body.avatar_url).toBe(
        'https://example.com/me.png',
      );
      expect((await put({ avatar_url: '' }).expect(200)).body.avatar_url).toBe('');
      expect((await stored(user.userId)).avatar_url).toBe('');
      const audit = await db.query(
        `SELECT diff->'avatar_url' AS change FROM audit_logs WHERE resource_id = $1 AND action = 'write' AND diff ? 'avatar_url' ORDER BY time`,
        [user.userId],
      );
      expect(audit.rows.map((r) => r.change)).toEqual([
        { old: '', new: 'https://example.com/me.png', secret: false },
        { old: 'https://example.com/me.png', new: '', secret: false },
      ]);
    });

    it('rejects what is not an http(s) URL, and changes nothing', async () => {
      const user = await createUser(t, owner);
      for (const avatar_url of ['javascript:alert(1)', 'not a url', 42]) {
        const res = await client(user.token)
          .put('/users/me/profile', { username: user.username, name: 'Changed', avatar_url })
          .expect(400);
        expect(res.body.message).toBe('Validation failed.');
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['avatar_url']);
      }
      expect(await stored(user.userId)).toMatchObject({ name: '', avatar_url: '' });
    });

    it("answers the updated user with Coder's fields", async () => {
      const user = await createUser(t, owner);
      const res = await client(user.token)
        .put('/users/me/profile', { username: user.username, name: 'Named', avatar_url: '' })
        .expect(200);
      expect(res.body).toEqual({
        id: user.userId,
        username: user.username,
        name: 'Named',
        email: user.email,
        created_at: isoTime(),
        updated_at: isoTime(),
        last_seen_at: isoTime(),
        status: 'active',
        login_type: 'password',
        organization_ids: [owner.orgId],
        roles: [],
        avatar_url: '',
        is_service_account: false,
        has_ai_seat: false,
      });
    });
  });
});
