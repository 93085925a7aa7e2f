import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, signedOut } from '../helpers/expectations.js';
import {
  auth,
  createOrg,
  createToken,
  createUser,
  login,
  PASSWORD,
  unique,
  type Owner,
  type Session,
} from '../helpers/world.js';

const NOT_ACTIVE = {
  message: 'User is not active (status = "suspended"). Contact an admin to reactivate your account.',
};
const INVALID_KEY = signedOut('API key is invalid.');

describe('users: delete, status, roles, profile, password', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'boss' }));
  });
  afterAll(() => closeWorld(t, db));

  const me = (token: string) => t.http.get('/api/v2/users/me').set(auth(token));

  describe('DELETE /users/{user}', () => {
    it('lets an owner delete a user: 200, soft delete, every session and token revoked', async () => {
      const user = await createUser(t, owner);
      const token = await createToken(t, user);
      const res = await t.http.delete(`/api/v2/users/${user.username}`).set(auth(owner.token)).expect(200);
      expect(res.body).toEqual({ message: 'User has been deleted!' });
      const row = await db.query('SELECT deleted FROM users WHERE id = $1', [user.userId]);
      expect(row.rows).toEqual([{ deleted: true }]);
      expect((await db.query('SELECT 1 FROM api_keys WHERE user_id = $1', [user.userId])).rowCount).toBe(0);
      for (const tok of [user.token, token]) expect((await me(tok).expect(401)).body).toEqual(INVALID_KEY);
      const gone = await t.http.get(`/api/v2/users/${user.userId}`).set(auth(owner.token)).expect(404);
      expect(gone.body).toEqual(NOT_FOUND);
      const again = await t.http.delete(`/api/v2/users/${user.userId}`).set(auth(owner.token)).expect(404);
      expect(again.body).toEqual(NOT_FOUND);
      const relogin = await t.http
        .post('/api/v2/users/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      expect(relogin.body).toEqual({ message: 'Incorrect email or password.' });
    });

    it('frees the username and email for a new user', async () => {
      const user = await createUser(t, owner);
      await t.http.delete(`/api/v2/users/${user.userId}`).set(auth(owner.token)).expect(200);
      const again = await createUser(t, owner, { username: user.username });
      expect(again.userId).not.toBe(user.userId);
      expect((await me(again.token).expect(200)).body.username).toBe(user.username);
    });

    it('refuses to delete yourself', async () => {
      const res = await t.http.delete('/api/v2/users/me').set(auth(owner.token)).expect(403);
      expect(res.body).toEqual({ message: 'You cannot delete yourself!' });
      await me(owner.token).expect(200);
    });

    it('forbids a plain member', async () => {
      const member = await createUser(t, owner);
      const victim = await createUser(t, owner);
      const res = await t.http.delete(`/api/v2/users/${victim.userId}`).set(auth(member.token)).expect(403);
      expect(res.body).toEqual(FORBIDDEN);
      await me(victim.token).expect(200);
    });
  });

  describe('PUT /users/{user}/status', () => {
    it('suspends: the token stops working and login is refused; activate restores both', async () => {
      const user = await createUser(t, owner);
      const res = await t.http.put(`/api/v2/users/${user.userId}/status/suspend`).set(auth(owner.token)).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ id: user.userId, status: 'suspended' }));
      expect((await db.query('SELECT status FROM users WHERE id = $1', [user.userId])).rows).toEqual([
        { status: 'suspended' },
      ]);
      expect((await me(user.token).expect(401)).body).toEqual(NOT_ACTIVE);
      const denied = await t.http
        .post('/api/v2/users/login')
        .send({ email: user.email, password: PASSWORD })
        .expect(401);
      expect(denied.body).toEqual({
        message: 'Your account is suspended. Contact an admin to reactivate your account.',
      });
      const wrong = await t.http.post('/api/v2/users/login').send({ email: user.email, password: 'nope' }).expect(401);
      expect(wrong.body).toEqual({ message: 'Incorrect email or password.' });

      const active = await t.http
        .put(`/api/v2/users/${user.username}/status/activate`)
        .set(auth(owner.token))
        .expect(200);
      expect(active.body.status).toBe('active');
      expect((await me(user.token).expect(200)).body.id).toBe(user.userId);
      await login(t, user.email);
    });

    it('activating an active user is a no-op 200', async () => {
      const user = await createUser(t, owner);
      const res = await t.http.put(`/api/v2/users/${user.userId}/status/activate`).set(auth(owner.token)).expect(200);
      expect(res.body.status).toBe('active');
    });

    it('refuses to suspend yourself or an owner', async () => {
      const self = await t.http.put('/api/v2/users/me/status/suspend').set(auth(owner.token)).expect(400);
      expect(self.body).toEqual({ message: 'You cannot suspend yourself.' });
      const other = await createUser(t, owner, { roles: ['owner'] });
      const res = await t.http.put(`/api/v2/users/${other.userId}/status/suspend`).set(auth(owner.token)).expect(400);
      expect(res.body).toEqual({
        message: 'You cannot suspend a user with the "owner" role. You must remove the role first.',
      });
      await me(other.token).expect(200);
    });

    it('forbids a plain member', async () => {
      const member = await createUser(t, owner);
      const victim = await createUser(t, owner);
      const res = await t.http.put(`/api/v2/users/${victim.userId}/status/suspend`).set(auth(member.token)).expect(403);
      expect(res.body).toEqual(FORBIDDEN);
      await me(victim.token).expect(200);
    });
  });

  describe('roles', () => {
    const putRoles = (token: string, user: string, roles: unknown) =>
      t.http.put(`/api/v2/users/${user}/roles`).set(auth(token)).send({ roles });

    it('lets an owner set site roles (member implied, duplicates dropped)', async () => {
      const user = await createUser(t, owner);
      const res = await putRoles(owner.token, user.userId, ['template-admin', 'auditor', 'member', 'auditor']).expect(
        200,
      );
      expect(res.body.roles).toEqual([
        { name: 'template-admin', display_name: 'Template Admin' },
        { name: 'auditor', display_name: 'Auditor' },
      ]);
      const row = await db.query('SELECT rbac_roles FROM users WHERE id = $1', [user.userId]);
      expect(row.rows[0].rbac_roles).toEqual(['template-admin', 'auditor']);
      const roles = await t.http.get(`/api/v2/users/${user.userId}/roles`).set(auth(user.token)).expect(200);
      expect(roles.body).toEqual({
        roles: ['template-admin', 'auditor'],
        organization_roles: { [owner.orgId]: ['organization-member'] },
      });
      const cleared = await putRoles(owner.token, user.username, []).expect(200);
      expect(cleared.body.roles).toEqual([]);
    });

    it('refuses to change your own roles', async () => {
      const res = await putRoles(owner.token, 'me', []).expect(400);
      expect(res.body).toEqual({ message: 'You cannot change your own roles.' });
      expect((await me(owner.token)).body.roles).toEqual([{ name: 'owner', display_name: 'Owner' }]);
    });

    it.each([
      [['bogus'], '"bogus" is not a supported role'],
      [['organization-admin'], '"organization-admin" is not a supported role'],
    ])('rejects unknown role %j with 400', async (roles, message) => {
      const user = await createUser(t, owner);
      const res = await putRoles(owner.token, user.userId, roles).expect(400);
      expect(res.body).toEqual({ message });
    });

    it('rejects organization roles with 400', async () => {
      const user = await createUser(t, owner);
      const res = await putRoles(owner.token, user.userId, [`organization-admin:${owner.orgId}`]).expect(400);
      expect(res.body).toEqual({ message: 'Must only update site wide roles' });
    });

    it('rejects a body without roles', async () => {
      const user = await createUser(t, owner);
      const res = await t.http.put(`/api/v2/users/${user.userId}/roles`).set(auth(owner.token)).send({}).expect(400);
      expect(res.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'roles', detail: 'Validation failed for tag "required" with value: ""' }],
      });
    });

    it('does not let a user-admin grant or revoke owner', async () => {
      const admin = await createUser(t, owner, { roles: ['user-admin'] });
      const user = await createUser(t, owner);
      const grant = await putRoles(admin.token, user.userId, ['owner']).expect(403);
      expect(grant.body).toEqual(FORBIDDEN);
      const other = await createUser(t, owner, { roles: ['template-admin'] });
      const revoke = await putRoles(admin.token, other.userId, []).expect(403);
      expect(revoke.body).toEqual(FORBIDDEN);
      const row = await db.query('SELECT id, rbac_roles FROM users WHERE id = ANY($1) ORDER BY username', [
        [user.userId, other.userId],
      ]);
      expect(Object.fromEntries(row.rows.map((r) => [r.id, r.rbac_roles]))).toEqual({
        [user.userId]: [],
        [other.userId]: ['template-admin'],
      });
      await putRoles(admin.token, user.userId, ['member']).expect(200);
    });

    it('forbids a plain member', async () => {
      const member = await createUser(t, owner);
      const user = await createUser(t, owner);
      const res = await putRoles(member.token, user.userId, ['auditor']).expect(403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it('GET /users/roles tells each caller what it may assign', async () => {
      // Coder's current AssignableRoles also carries `built_in` and the permission lists (tested in shapes-current-orgs).
      const all = (assignable: boolean) => [
        { name: 'auditor', display_name: 'Auditor', assignable, built_in: true },
        { name: 'owner', display_name: 'Owner', assignable, built_in: true },
        { name: 'template-admin', display_name: 'Template Admin', assignable, built_in: true },
        { name: 'user-admin', display_name: 'User Admin', assignable, built_in: true },
      ];
      const sorted = (body: { name: string }[]) =>
        [...body]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map(({ name, display_name, assignable, built_in }: Record<string, unknown>) => ({
            name,
            display_name,
            assignable,
            built_in,
          }));
      const ownerView = await t.http.get('/api/v2/users/roles').set(auth(owner.token)).expect(200);
      expect(sorted(ownerView.body)).toEqual(all(true));
      const admin = await createUser(t, owner, { roles: ['user-admin'] });
      const adminView = await t.http.get('/api/v2/users/roles').set(auth(admin.token)).expect(200);
      expect(sorted(adminView.body)).toEqual(all(false));
      const member = await createUser(t, owner);
      const memberView = await t.http.get('/api/v2/users/roles').set(auth(member.token)).expect(200);
      expect(sorted(memberView.body)).toEqual(all(false));
    });

    it('GET /users/{user}/roles lists site and organization roles, hidden from other organizations', async () => {
      const ownerRoles = await t.http.get('/api/v2/users/me/roles').set(auth(owner.token)).expect(200);
      expect(ownerRoles.body).toEqual({
        roles: ['owner'],
        organization_roles: { [owner.orgId]: ['organization-member'] },
      });
      const orgId = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId });
      const member = await createUser(t, owner);
      const res = await t.http.get(`/api/v2/users/${outsider.userId}/roles`).set(auth(member.token)).expect(404);
      expect(res.body).toEqual(NOT_FOUND);
    });
  });

  describe('PUT /users/{user}/profile', () => {
    it('lets a member rename itself', async () => {
      const user = await createUser(t, owner);
      const username = unique('renamed');
      const res = await t.http
        .put('/api/v2/users/me/profile')
        .set(auth(user.token))
        .send({ username, name: 'Jo Doe' })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id: user.userId, username, name: 'Jo Doe', email: user.email }),
      );
      expect((await db.query('SELECT username, name FROM users WHERE id = $1', [user.userId])).rows).toEqual([
        { username, name: 'Jo Doe' },
      ]);
      const same = await t.http
        .put('/api/v2/users/me/profile')
        .set(auth(user.token))
        .send({ username: username.toUpperCase() })
        .expect(200);
      expect(same.body.username).toBe(username.toUpperCase());
      expect(same.body.name).toBe('Jo Doe');
    });

    it('answers 409 for a username taken by someone else (case-insensitive)', async () => {
      const user = await createUser(t, owner);
      const other = await createUser(t, owner);
      const res = await t.http
        .put(`/api/v2/users/${user.userId}/profile`)
        .set(auth(user.token))
        .send({ username: other.username.toUpperCase() })
        .expect(409);
      expect(res.body).toEqual({
        message: 'User already exists.',
        validations: [{ field: 'username', detail: 'this value is already in use and should be unique' }],
      });
      expect((await me(user.token)).body.username).toBe(user.username);
    });

    it('validates the username', async () => {
      const user = await createUser(t, owner);
      const res = await t.http
        .put('/api/v2/users/me/profile')
        .set(auth(user.token))
        .send({ username: 'bad_name' })
        .expect(400);
      expect(res.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'username', detail: 'Validation failed for tag "username" with value: "bad_name"' }],
      });
    });

    it('does not let a member edit others: 403 when visible, 404 when not; an owner may', async () => {
      const member = await createUser(t, owner);
      const coMember = await createUser(t, owner);
      const orgId = await createOrg(t, owner);
      const outsider = await createUser(t, owner, { orgId });
      const r1 = await t.http
        .put(`/api/v2/users/${coMember.userId}/profile`)
        .set(auth(member.token))
        .send({ username: unique('x') })
        .expect(403);
      expect(r1.body).toEqual(FORBIDDEN);
      const r2 = await t.http
        .put(`/api/v2/users/${outsider.userId}/profile`)
        .set(auth(member.token))
        .send({ username: unique('x') })
        .expect(404);
      expect(r2.body).toEqual(NOT_FOUND);
      const username = unique('byowner');
      const r3 = await t.http
        .put(`/api/v2/users/${coMember.userId}/profile`)
        .set(auth(owner.token))
        .send({ username })
        .expect(200);
      expect(r3.body.username).toBe(username);
    });
  });

  describe('PUT /users/{user}/password', () => {
    const NEW = 'AnotherStrongPassword#42';
    const put = (token: string, user: string, body: Record<string, unknown>) =>
      t.http.put(`/api/v2/users/${user}/password`).set(auth(token)).send(body);

    it('checks the old password, strength and reuse when changing your own', async () => {
      const user: Session = await createUser(t, owner);
      expect((await put(user.token, 'me', { password: NEW }).expect(400)).body).toEqual({
        message: 'Old password is required.',
      });
      expect((await put(user.token, 'me', { old_password: 'wrong', password: NEW }).expect(400)).body).toEqual({
        message: 'Old password is incorrect.',
        validations: [{ field: 'old_password', detail: 'Old password is incorrect.' }],
      });
      expect((await put(user.token, 'me', { old_password: PASSWORD, password: 'password' }).expect(400)).body).toEqual({
        message: 'Invalid password.',
        validations: [
          {
            field: 'password',
            detail:
              'insecure password, try including special characters, using uppercase letters, using numbers or using a longer password',
          },
        ],
      });
      expect((await put(user.token, 'me', { old_password: PASSWORD, password: PASSWORD }).expect(400)).body).toEqual({
        message: 'New password cannot match old password.',
      });
      expect((await put(user.token, 'me', { old_password: PASSWORD }).expect(400)).body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'password', detail: 'Validation failed for tag "required" with value: ""' }],
      });
      await me(user.token).expect(200);
      await login(t, user.email);
    });

    it('changes it (204), revokes every session and token, and the new password logs in', async () => {
      const user = await createUser(t, owner);
      const other = await login(t, user.email);
      const token = await createToken(t, user);
      const res = await put(user.token, 'me', { old_password: PASSWORD, password: NEW }).expect(204);
      expect(res.text).toBe('');
      for (const tok of [user.token, other, token]) expect((await me(tok).expect(401)).body).toEqual(INVALID_KEY);
      expect((await db.query('SELECT 1 FROM api_keys WHERE user_id = $1', [user.userId])).rowCount).toBe(0);
      const old = await t.http.post('/api/v2/users/login').send({ email: user.email, password: PASSWORD }).expect(401);
      expect(old.body).toEqual({ message: 'Incorrect email or password.' });
      const fresh = await login(t, user.email, NEW);
      expect((await me(fresh).expect(200)).body.id).toBe(user.userId);
    });

    it('lets an owner reset another user without the old password; members may not', async () => {
      const user = await createUser(t, owner);
      const member = await createUser(t, owner);
      const denied = await put(member.token, user.userId, { password: NEW }).expect(403);
      expect(denied.body).toEqual(FORBIDDEN);
      await login(t, user.email);
      await put(owner.token, user.username, { password: NEW }).expect(204);
      await login(t, user.email, NEW);
      expect((await me(user.token).expect(401)).body).toEqual(INVALID_KEY);
    });
  });

  describe('owners are protected from non-owners', () => {
    const PROTECTED = { message: 'Only an owner can modify a user with the "owner" role.' };

    it('a user admin cannot delete, suspend, rename, reset the password of, or change roles of an owner', async () => {
      const userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
      const other = await createUser(t, owner, { roles: ['owner'] });
      const as = auth(userAdmin.token);
      expect((await t.http.delete(`/api/v2/users/${other.userId}`).set(as).expect(403)).body).toEqual(PROTECTED);
      expect((await t.http.put(`/api/v2/users/${other.userId}/status/suspend`).set(as).expect(403)).body).toEqual(
        PROTECTED,
      );
      expect(
        (
          await t.http
            .put(`/api/v2/users/${other.userId}/password`)
            .set(as)
            .send({ password: 'Another-Strong-Passw0rd' })
            .expect(403)
        ).body,
      ).toEqual(PROTECTED);
      expect(
        (
          await t.http
            .put(`/api/v2/users/${other.userId}/profile`)
            .set(as)
            .send({ username: unique('renamed') })
            .expect(403)
        ).body,
      ).toEqual(PROTECTED);
      expect(
        (
          await t.http
            .put(`/api/v2/users/${other.userId}/roles`)
            .set(as)
            .send({ roles: ['owner', 'auditor'] })
            .expect(403)
        ).body,
      ).toEqual(PROTECTED);
      // The owner is untouched and can still sign in with the old password.
      const row = await db.query('SELECT status, deleted, rbac_roles FROM users WHERE id = $1', [other.userId]);
      expect(row.rows[0]).toEqual({ status: 'active', deleted: false, rbac_roles: ['owner'] });
      await login(t, other.email);
    });

    it('the same user admin still manages ordinary users', async () => {
      const userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
      const plain = await createUser(t, owner);
      await t.http.put(`/api/v2/users/${plain.userId}/status/suspend`).set(auth(userAdmin.token)).expect(200);
      await t.http.delete(`/api/v2/users/${plain.userId}`).set(auth(userAdmin.token)).expect(200);
    });
  });
});
