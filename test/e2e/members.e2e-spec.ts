import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, isoTime } from '../helpers/expectations.js';
import { addMember, auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const UNKNOWN_USER = '0b4f6c1e-2d3a-4b5c-8d7e-9f0a1b2c3d4e';

describe('organization members', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let userAdmin: Session;

  const members = (orgId: string) => `/api/v2/organizations/${orgId}/members`;
  const roles = (orgId: string, user: string) => `/api/v2/organizations/${orgId}/members/${user}/roles`;
  const memberRow = async (orgId: string, userId: string) =>
    (
      await db.query('SELECT roles FROM organization_members WHERE organization_id = $1 AND user_id = $2', [
        orgId,
        userId,
      ])
    ).rows;
  const adminRole = (orgId: string) => ({
    name: 'organization-admin',
    display_name: 'Organization Admin',
    organization_id: orgId,
  });

  /** A fresh organization with an organization admin and a plain member in it. */
  async function team() {
    const orgId = await createOrg(t, owner);
    const admin = await createUser(t, owner);
    const plain = await createUser(t, owner);
    await addMember(t, owner, orgId, admin.userId, ['organization-admin']);
    await addMember(t, owner, orgId, plain.userId);
    return { orgId, admin, plain };
  }

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
  });
  afterAll(() => closeWorld(t, db));

  describe('POST /organizations/{organization}/members/{user}', () => {
    it('lets an owner add a user: 200 OrganizationMember, stored with no explicit roles', async () => {
      const orgId = await createOrg(t, owner);
      const user = await createUser(t, owner);
      const res = await t.http
        .post(`${members(orgId)}/${user.userId}`)
        .set(auth(owner.token))
        .expect(200);
      expect(res.body).toEqual({
        user_id: user.userId,
        organization_id: orgId,
        created_at: isoTime(),
        updated_at: isoTime(),
        roles: [],
      });
      expect(await memberRow(orgId, user.userId)).toEqual([{ roles: [] }]);
      // The new member now sees the organization.
      await t.http.get(`/api/v2/organizations/${orgId}`).set(auth(user.token)).expect(200);
      const audit = await db.query(
        `SELECT action, resource_type, resource_target, organization_id FROM audit_logs
          WHERE resource_type = 'organization_member' AND resource_id = $1`,
        [user.userId],
      );
      expect(audit.rows).toEqual([
        {
          action: 'create',
          resource_type: 'organization_member',
          resource_target: user.username,
          organization_id: orgId,
        },
      ]);
    });

    it('accepts the user by username', async () => {
      const orgId = await createOrg(t, owner);
      const user = await createUser(t, owner);
      const res = await t.http
        .post(`${members(orgId)}/${user.username}`)
        .set(auth(owner.token))
        .expect(200);
      expect(res.body.user_id).toBe(user.userId);
    });

    it('lets a user admin add a user to any organization (organization members are theirs to manage)', async () => {
      const user = await createUser(t, owner);
      await db.query('DELETE FROM organization_members WHERE user_id = $1', [user.userId]);
      // The default organization, which the user admin belongs to, and one it does not belong to.
      for (const orgId of [owner.orgId, await createOrg(t, owner)]) {
        const res = await t.http
          .post(`${members(orgId)}/${user.userId}`)
          .set(auth(userAdmin.token))
          .expect(200);
        expect(res.body).toMatchObject({ user_id: user.userId, organization_id: orgId, roles: [] });
      }
    });

    it("lets the organization's admin add a user who shares no organization with it yet", async () => {
      const { orgId, admin } = await team();
      const stranger = await createUser(t, owner);
      await db.query('DELETE FROM organization_members WHERE user_id = $1', [stranger.userId]);
      const res = await t.http
        .post(`${members(orgId)}/${stranger.userId}`)
        .set(auth(admin.token))
        .expect(200);
      expect(res.body).toMatchObject({ user_id: stranger.userId, organization_id: orgId, roles: [] });
    });

    it('answers 409 when the user is already a member', async () => {
      const { orgId, plain } = await team();
      const res = await t.http
        .post(`${members(orgId)}/${plain.userId}`)
        .set(auth(owner.token))
        .expect(409);
      expect(res.body).toEqual({ message: 'Organization member already exists in this organization' });
      expect(await memberRow(orgId, plain.userId)).toEqual([{ roles: [] }]);
    });

    it('forbids a plain member of the organization (403)', async () => {
      const { orgId, plain } = await team();
      const user = await createUser(t, owner);
      const res = await t.http
        .post(`${members(orgId)}/${user.userId}`)
        .set(auth(plain.token))
        .expect(403);
      expect(res.body).toEqual(FORBIDDEN);
      expect(await memberRow(orgId, user.userId)).toEqual([]);
    });

    it('hides the organization from outsiders and from admins of another organization (404)', async () => {
      const { orgId } = await team();
      const other = await team();
      const outsider = await createUser(t, owner);
      const user = await createUser(t, owner);
      for (const who of [outsider, other.admin]) {
        const res = await t.http
          .post(`${members(orgId)}/${user.userId}`)
          .set(auth(who.token))
          .expect(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
      expect(await memberRow(orgId, user.userId)).toEqual([]);
    });

    it('answers 404 for an unknown user and 400 for a malformed organization id', async () => {
      const { orgId } = await team();
      const res = await t.http
        .post(`${members(orgId)}/${UNKNOWN_USER}`)
        .set(auth(owner.token))
        .expect(404);
      expect(res.body).toEqual(NOT_FOUND);
      const bad = await t.http.post('/api/v2/organizations/nope/members/me').set(auth(owner.token)).expect(404);
      expect(bad.body).toEqual(NOT_FOUND);
    });
  });

  describe('GET /organizations/{organization}/members', () => {
    it('lists members with usernames, sorted by username, to any member of the organization', async () => {
      const { orgId, admin, plain } = await team();
      const expected = [
        { user: owner, roles: [] as object[] },
        { user: admin, roles: [adminRole(orgId)] },
        { user: plain, roles: [] as object[] },
      ]
        .sort((a, b) => a.user.username.toLowerCase().localeCompare(b.user.username.toLowerCase()))
        .map(({ user, roles: r }) => ({
          user_id: user.userId,
          organization_id: orgId,
          created_at: isoTime(),
          updated_at: isoTime(),
          roles: r,
          username: user.username,
          name: '',
          avatar_url: '',
          email: user.email,
          status: 'active',
          login_type: 'password',
          last_seen_at: isoTime(),
          user_created_at: isoTime(),
          user_updated_at: isoTime(),
          is_service_account: false,
          global_roles: user === owner ? [{ name: 'owner', display_name: 'Owner' }] : [],
          has_ai_seat: false,
        }));
      for (const who of [plain, admin, owner]) {
        const res = await t.http.get(members(orgId)).set(auth(who.token)).expect(200);
        expect(res.body).toEqual(expected);
      }
    });

    it('hides the list from non-members (404)', async () => {
      const { orgId } = await team();
      const outsider = await createUser(t, owner);
      const res = await t.http.get(members(orgId)).set(auth(outsider.token)).expect(404);
      expect(res.body).toEqual(NOT_FOUND);
    });
  });

  describe('DELETE /organizations/{organization}/members/{user}', () => {
    it('removes a member (204); the user no longer sees the organization', async () => {
      const { orgId, plain } = await team();
      const res = await t.http
        .delete(`${members(orgId)}/${plain.userId}`)
        .set(auth(owner.token))
        .expect(204);
      expect(res.text).toBe('');
      expect(await memberRow(orgId, plain.userId)).toEqual([]);
      const gone = await t.http.get(`/api/v2/organizations/${orgId}`).set(auth(plain.token)).expect(404);
      expect(gone.body).toEqual(NOT_FOUND);
      const mine = await t.http.get('/api/v2/users/me/organizations').set(auth(plain.token)).expect(200);
      expect(mine.body.map((o: { id: string }) => o.id)).toEqual([owner.orgId]);
    });

    it('lets the organization admin remove a member, and answers 404 the second time', async () => {
      const { orgId, admin, plain } = await team();
      await t.http
        .delete(`${members(orgId)}/${plain.username}`)
        .set(auth(admin.token))
        .expect(204);
      const again = await t.http
        .delete(`${members(orgId)}/${plain.username}`)
        .set(auth(admin.token))
        .expect(404);
      expect(again.body).toEqual(NOT_FOUND);
    });

    it('forbids a plain member (403) and hides the organization from outsiders (404)', async () => {
      const { orgId, admin, plain } = await team();
      const forbidden = await t.http
        .delete(`${members(orgId)}/${admin.userId}`)
        .set(auth(plain.token))
        .expect(403);
      expect(forbidden.body).toEqual(FORBIDDEN);
      const outsider = await createUser(t, owner);
      const hidden = await t.http
        .delete(`${members(orgId)}/${plain.userId}`)
        .set(auth(outsider.token))
        .expect(404);
      expect(hidden.body).toEqual(NOT_FOUND);
      expect(await memberRow(orgId, admin.userId)).toEqual([{ roles: ['organization-admin'] }]);
      expect(await memberRow(orgId, plain.userId)).toEqual([{ roles: [] }]);
    });
  });

  describe('PUT /organizations/{organization}/members/{user}/roles', () => {
    it.each([['organization-admin'], ['organization-admin:<org>']])('grants %s', async (form) => {
      const { orgId, plain } = await team();
      const role = form.replace('<org>', orgId);
      const res = await t.http
        .put(roles(orgId, plain.userId))
        .set(auth(owner.token))
        .send({ roles: [role] })
        .expect(200);
      expect(res.body).toEqual({
        user_id: plain.userId,
        organization_id: orgId,
        created_at: isoTime(),
        updated_at: isoTime(),
        roles: [adminRole(orgId)],
      });
      expect(await memberRow(orgId, plain.userId)).toEqual([{ roles: ['organization-admin'] }]);
    });

    it('treats the list as the full set: [] revokes, organization-member is implied, duplicates collapse', async () => {
      const { orgId, admin, plain } = await team();
      const revoke = await t.http
        .put(roles(orgId, admin.userId))
        .set(auth(owner.token))
        .send({ roles: [] })
        .expect(200);
      expect(revoke.body.roles).toEqual([]);
      expect(await memberRow(orgId, admin.userId)).toEqual([{ roles: [] }]);
      const implied = await t.http
        .put(roles(orgId, plain.userId))
        .set(auth(owner.token))
        .send({ roles: ['organization-member', 'organization-admin', `organization-admin:${orgId}`] })
        .expect(200);
      expect(implied.body.roles).toEqual([adminRole(orgId)]);
    });

    it('lets an organization admin grant the admin role to another member', async () => {
      const { orgId, admin, plain } = await team();
      const res = await t.http
        .put(roles(orgId, plain.userId))
        .set(auth(admin.token))
        .send({ roles: ['organization-admin'] })
        .expect(200);
      expect(res.body.roles).toEqual([adminRole(orgId)]);
    });

    it("refuses to change one's own organization roles (400)", async () => {
      const { orgId, admin } = await team();
      const res = await t.http.put(roles(orgId, 'me')).set(auth(admin.token)).send({ roles: [] }).expect(400);
      expect(res.body).toEqual({ message: 'You cannot change your own organization roles.' });
      expect(await memberRow(orgId, admin.userId)).toEqual([{ roles: ['organization-admin'] }]);
    });

    it.each([
      ['a site role', ['owner'], () => 'must only update organization roles'],
      ['member', ['member'], () => 'must only update organization roles'],
      [
        "another organization's role",
        ['organization-admin:<other>'],
        (org: string) => `Must only pass roles for org "${org}"`,
      ],
      ['an unknown role', ['x'], () => '"x" is not a supported role'],
      [
        'a malformed org id',
        ['organization-admin:abc'],
        () => 'Role must have proper UUIDs for organization, "organization-admin:abc" does not',
      ],
    ])('rejects %s with 400', async (_label, given, message) => {
      const { orgId, plain } = await team();
      const other = owner.orgId;
      const body = { roles: given.map((r) => r.replace('<other>', other)) };
      const res = await t.http.put(roles(orgId, plain.userId)).set(auth(owner.token)).send(body).expect(400);
      expect(res.body).toEqual({ message: message(orgId) });
      expect(await memberRow(orgId, plain.userId)).toEqual([{ roles: [] }]);
    });

    it('validates the body', async () => {
      const { orgId, plain } = await team();
      const missing = await t.http.put(roles(orgId, plain.userId)).set(auth(owner.token)).send({}).expect(400);
      expect(missing.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'roles', detail: 'Validation failed for tag "required" with value: ""' }],
      });
      const notList = await t.http
        .put(roles(orgId, plain.userId))
        .set(auth(owner.token))
        .send({ roles: 'x' })
        .expect(400);
      expect(notList.body.message).toBe('Validation failed.');
      expect(notList.body.validations).toEqual([{ field: 'roles', detail: expect.any(String) }]);
    });

    it('forbids a plain member (403) and a user admin granting organization-admin (403)', async () => {
      const { orgId, admin, plain } = await team();
      const asPlain = await t.http
        .put(roles(orgId, admin.userId))
        .set(auth(plain.token))
        .send({ roles: [] })
        .expect(403);
      expect(asPlain.body).toEqual(FORBIDDEN);
      await addMember(t, owner, orgId, userAdmin.userId);
      const asUserAdmin = await t.http
        .put(roles(orgId, plain.userId))
        .set(auth(userAdmin.token))
        .send({ roles: ['organization-admin'] })
        .expect(403);
      expect(asUserAdmin.body).toEqual(FORBIDDEN);
      expect(await memberRow(orgId, admin.userId)).toEqual([{ roles: ['organization-admin'] }]);
      expect(await memberRow(orgId, plain.userId)).toEqual([{ roles: [] }]);
    });

    it('answers 404 to outsiders, to admins of another organization, and for a user who is not a member', async () => {
      const { orgId, plain } = await team();
      const other = await team();
      const outsider = await createUser(t, owner);
      for (const who of [outsider, other.admin]) {
        const res = await t.http.put(roles(orgId, plain.userId)).set(auth(who.token)).send({ roles: [] }).expect(404);
        expect(res.body).toEqual(NOT_FOUND);
      }
      const notMember = await t.http
        .put(roles(orgId, outsider.userId))
        .set(auth(owner.token))
        .send({ roles: ['organization-admin'] })
        .expect(404);
      expect(notMember.body).toEqual(NOT_FOUND);
    });

    it('makes the role take effect at once: granted admins add members, revoked ones cannot', async () => {
      const { orgId, plain } = await team();
      const [first, second] = [await createUser(t, owner), await createUser(t, owner)];
      await t.http
        .post(`${members(orgId)}/${first.userId}`)
        .set(auth(plain.token))
        .expect(403);

      await t.http
        .put(roles(orgId, plain.userId))
        .set(auth(owner.token))
        .send({ roles: ['organization-admin'] })
        .expect(200);
      await t.http
        .post(`${members(orgId)}/${first.userId}`)
        .set(auth(plain.token))
        .expect(200);

      await t.http.put(roles(orgId, plain.userId)).set(auth(owner.token)).send({ roles: [] }).expect(200);
      const res = await t.http
        .post(`${members(orgId)}/${second.userId}`)
        .set(auth(plain.token))
        .expect(403);
      expect(res.body).toEqual(FORBIDDEN);
      expect(await memberRow(orgId, second.userId)).toEqual([]);
    });
  });

  describe('GET /organizations/{organization}/members/roles', () => {
    it('lists the organization roles, assignable for owners and organization admins only', async () => {
      const { orgId, admin, plain } = await team();
      const expected = (assignable: boolean) => [
        expect.objectContaining({
          name: 'organization-admin',
          display_name: 'Organization Admin',
          assignable,
          organization_id: orgId,
          built_in: true,
        }),
      ];
      for (const [who, assignable] of [
        [owner, true],
        [admin, true],
        [plain, false],
      ] as const) {
        const res = await t.http
          .get(`${members(orgId)}/roles`)
          .set(auth(who.token))
          .expect(200);
        expect(res.body).toEqual(expected(assignable));
      }
    });

    it('hides the roles of an organization from non-members (404)', async () => {
      const { orgId } = await team();
      const outsider = await createUser(t, owner);
      const res = await t.http
        .get(`${members(orgId)}/roles`)
        .set(auth(outsider.token))
        .expect(404);
      expect(res.body).toEqual(NOT_FOUND);
    });
  });
});
