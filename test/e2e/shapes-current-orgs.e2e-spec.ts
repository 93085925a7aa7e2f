import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND, isoTime } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { countQueries } from '../helpers/query-counter.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

/**
 * Issue 17: the fields Coder's current Organization, AssignableRoles, OrganizationMemberWithUserData,
 * AuditLog, APIKey and User carry (codersdk/organizations.go:52,79, roles.go:38, audit.go:226,
 * apikey.go:14, users.go:96), with their values, next to the 2023 ones; and
 * `GET /organizations/{organization}/paginated-members`.
 */

const NIL = '00000000-0000-0000-0000-000000000000';
const CRUD = ['create', 'read', 'update', 'delete'];
/** src/core/rbac/permissions.ts RESOURCES, in order. */
const RESOURCE_TYPES = [
  'user',
  'user_data',
  'api_key',
  'organization',
  'organization_member',
  'group',
  'assign_role',
  'assign_org_role',
  'license',
  'deployment_config',
  'deployment_stats',
  'replicas',
  'workspace_proxy',
  'provisioner_daemon',
  'template',
  'file',
  'workspace',
  'audit_log',
  'system',
  'workspace_execution',
  'application_connect',
  'workspace_build',
  'workspace_dormant',
  'debug_info',
  'tailnet_coordinator',
];

const perm = (resource_type: string, action: string) => ({ negate: false, resource_type, action });
const allExcept = (except: string[]) =>
  RESOURCE_TYPES.filter((r) => !except.includes(r)).flatMap((r) => CRUD.map((a) => perm(r, a)));

describe('current Coder shapes of organizations, members, roles, audit logs, API keys and users', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  const get = (s: Session, path: string) => t.http.get(`/api/v2${path}`).set(auth(s.token));

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ ownerName: 'shapeowner' }));
  });
  afterAll(() => closeWorld(t, db));

  describe('Organization.default_org_member_roles', () => {
    it('is [] on every route answering an organization', async () => {
      const name = unique('dflt');
      const created = await t.http.post('/api/v2/organizations').set(auth(owner.token)).send({ name }).expect(201);
      expect(created.body.default_org_member_roles).toEqual([]);
      const answers = [
        (await get(owner, `/organizations/${created.body.id}`).expect(200)).body,
        (await get(owner, `/users/me/organizations/${name}`).expect(200)).body,
        ...(await get(owner, '/organizations').expect(200)).body,
        ...(await get(owner, '/users/me/organizations').expect(200)).body,
      ];
      expect(answers.length).toBeGreaterThanOrEqual(4);
      for (const org of answers) expect(org.default_org_member_roles).toEqual([]);
      expect(answers[0]).toEqual({ ...created.body, default_org_member_roles: [] });
    });
  });

  describe('AssignableRoles', () => {
    it('lists the site roles as built-in, with the permissions the server grants each', async () => {
      const res = await get(owner, '/users/roles').expect(200);
      const byName = Object.fromEntries(res.body.map((r: { name: string }) => [r.name, r]));
      expect(Object.keys(byName)).toEqual(['owner', 'auditor', 'template-admin', 'user-admin']);
      for (const role of res.body) {
        expect(role.built_in).toBe(true);
        expect(role.assignable).toBe(true);
        expect(role).not.toHaveProperty('organization_id');
        expect(role.organization_permissions).toEqual([]);
        expect(role.organization_member_permissions).toEqual([]);
        expect(role.user_permissions).toEqual([]);
      }
      expect(byName.owner.site_permissions).toEqual(allExcept(['workspace_dormant']));
      expect(byName.auditor).toEqual({
        name: 'auditor',
        display_name: 'Auditor',
        site_permissions: [
          perm('user', 'read'),
          perm('organization_member', 'read'),
          perm('group', 'read'),
          perm('deployment_config', 'read'),
          perm('deployment_stats', 'read'),
          perm('template', 'read'),
          perm('audit_log', 'read'),
        ],
        organization_permissions: [],
        user_permissions: [],
        organization_member_permissions: [],
        assignable: true,
        built_in: true,
      });
      expect(byName['template-admin'].site_permissions).toEqual(
        expect.arrayContaining([perm('template', 'create'), perm('workspace', 'read')]),
      );
      expect(byName['template-admin'].site_permissions).not.toContainEqual(perm('workspace', 'update'));
    });

    it('answers a member the same roles, none assignable', async () => {
      const member = await createUser(t, owner);
      const res = await get(member, '/users/roles').expect(200);
      expect(res.body.map((r: { assignable: boolean }) => r.assignable)).toEqual([false, false, false, false]);
      expect(res.body[1].site_permissions).toHaveLength(7);
    });

    it('lists organization-admin with its organization permissions and organization id', async () => {
      const orgId = await createOrg(t, owner);
      const plain = await createUser(t, owner);
      await addMember(t, owner, orgId, plain.userId);
      const expected = (assignable: boolean) => [
        {
          name: 'organization-admin',
          display_name: 'Organization Admin',
          organization_id: orgId,
          site_permissions: [],
          organization_permissions: allExcept(['workspace_dormant']),
          user_permissions: [],
          organization_member_permissions: [],
          assignable,
          built_in: true,
        },
      ];
      expect((await get(owner, `/organizations/${orgId}/members/roles`).expect(200)).body).toEqual(expected(true));
      expect((await get(plain, `/organizations/${orgId}/members/roles`).expect(200)).body).toEqual(expected(false));
    });
  });

  describe('members with user data', () => {
    let orgId: string;
    let admin: Session;
    let named: Session;
    let suspended: Session;
    const usernames: string[] = [];

    beforeAll(async () => {
      orgId = await createOrg(t, owner);
      admin = await createUser(t, owner, { username: unique('mem-adm'), roles: ['auditor'] });
      named = await createUser(t, owner, { username: unique('mem-named') });
      suspended = await createUser(t, owner, { username: unique('mem-susp') });
      await addMember(t, owner, orgId, admin.userId, ['organization-admin']);
      await addMember(t, owner, orgId, named.userId);
      await addMember(t, owner, orgId, suspended.userId);
      await t.http
        .put(`/api/v2/users/${named.userId}/profile`)
        .set(auth(owner.token))
        .send({ username: named.username, name: 'Named Person', avatar_url: 'https://example.com/a.png' })
        .expect(200);
      await t.http.put(`/api/v2/users/${suspended.userId}/status/suspend`).set(auth(owner.token)).expect(200);
      usernames.push(
        ...[owner, admin, named, suspended].map((s) => s.username).sort((a, b) => a.toLowerCase().localeCompare(b)),
      );
    });

    it('GET …/members answers OrganizationMemberWithUserData', async () => {
      const res = await get(admin, `/organizations/${orgId}/members`).expect(200);
      expect(res.body.map((m: { username: string }) => m.username)).toEqual(usernames);
      const byName = Object.fromEntries(res.body.map((m: { username: string }) => [m.username, m]));
      expect(byName[named.username]).toEqual({
        user_id: named.userId,
        organization_id: orgId,
        created_at: isoTime(),
        updated_at: isoTime(),
        roles: [],
        username: named.username,
        name: 'Named Person',
        avatar_url: 'https://example.com/a.png',
        email: named.email,
        status: 'active',
        login_type: 'password',
        last_seen_at: isoTime(),
        user_created_at: isoTime(),
        user_updated_at: isoTime(),
        is_service_account: false,
        global_roles: [],
        has_ai_seat: false,
      });
      expect(byName[admin.username]).toMatchObject({
        roles: [{ name: 'organization-admin', display_name: 'Organization Admin', organization_id: orgId }],
        global_roles: [{ name: 'auditor', display_name: 'Auditor' }],
      });
      expect(byName[suspended.username].status).toBe('suspended');
      expect(byName[owner.username].global_roles).toEqual([{ name: 'owner', display_name: 'Owner' }]);
      const user = (await get(owner, `/users/${named.userId}`).expect(200)).body;
      expect(byName[named.username].user_created_at).toBe(user.created_at);
      expect(byName[named.username].user_updated_at).toBe(user.updated_at);
      expect(byName[named.username].last_seen_at).toBe(user.last_seen_at);
    });

    it('GET …/paginated-members pages the same list with the total', async () => {
      const path = `/organizations/${orgId}/paginated-members`;
      const all = (await get(admin, path).expect(200)).body;
      expect(all.count).toBe(4);
      expect(all.members).toEqual((await get(admin, `/organizations/${orgId}/members`).expect(200)).body);
      const page = (await get(admin, `${path}?limit=2&offset=1`).expect(200)).body;
      expect(page).toEqual({ count: 4, members: all.members.slice(1, 3) });
      const after = (await get(admin, `${path}?after_id=${all.members[1].user_id}`).expect(200)).body;
      expect(after.members.map((m: { username: string }) => m.username)).toEqual(usernames.slice(2));
      expect(after.count).toBe(2);
      // Coder answers 0 here (a window count over no rows); the total, as GET /audit does here.
      expect((await get(admin, `${path}?offset=10`).expect(200)).body).toEqual({ members: [], count: 4 });
      const none = (await get(admin, `${path}?q=${encodeURIComponent('status:dormant')}`).expect(200)).body;
      expect(none).toEqual({ members: [], count: 0 });
    });

    it('filters with the users search syntax', async () => {
      const path = `/organizations/${orgId}/paginated-members`;
      const q = async (query: string) =>
        (await get(admin, `${path}?q=${encodeURIComponent(query)}`).expect(200)).body as {
          members: { username: string }[];
          count: number;
        };
      expect((await q('status:suspended')).members.map((m) => m.username)).toEqual([suspended.username]);
      expect(await q(named.username.toUpperCase())).toMatchObject({
        count: 1,
        members: [{ username: named.username }],
      });
      expect((await q('role:auditor')).members.map((m) => m.username)).toEqual([admin.username]);
      expect((await q('nobody-matches-this')).count).toBe(0);
    });

    it('answers bad queries with 400 and outsiders with 404', async () => {
      const path = `/organizations/${orgId}/paginated-members`;
      const bad = await get(admin, `${path}?q=colour:red`).expect(400);
      expect(bad.body).toEqual({
        message: 'Invalid member search query.',
        validations: [{ field: 'colour', detail: 'Query param "colour" is not a valid query param' }],
      });
      const badLimit = await get(admin, `${path}?limit=-1`).expect(400);
      expect(badLimit.body).toEqual({
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'limit', detail: 'Query param "limit" must be between 0 and 1000' }],
      });
      const badAfter = await get(admin, `${path}?after_id=nope`).expect(400);
      expect(badAfter.body.validations).toEqual([
        { field: 'after_id', detail: 'Query param "after_id" must be a valid uuid' },
      ]);
      const outsider = await createUser(t, owner);
      expect((await get(outsider, path).expect(404)).body).toEqual(NOT_FOUND);
      expect((await get(admin, '/organizations/nope/paginated-members').expect(404)).body).toEqual(NOT_FOUND);
    });

    it('costs a fixed number of statements however many members are listed', async () => {
      const path = `/organizations/${orgId}/paginated-members`;
      await get(admin, path).expect(200);
      const small = await countQueries(t, () => get(admin, path).expect(200));
      const extra = await db.query<{ id: string }>(
        `INSERT INTO users (id, email, username, hashed_password, rbac_roles, login_type)
         SELECT gen_random_uuid(), 'pm' || i || '@example.com', 'pm' || i, NULL, '{template-admin}', 'none'
           FROM generate_series(1, 12) i RETURNING id`,
      );
      await db.query(
        `INSERT INTO organization_members (organization_id, user_id, roles) SELECT $1, unnest($2::uuid[]), '{organization-admin}'`,
        [orgId, extra.rows.map((r) => r.id)],
      );
      const large = await countQueries(t, () => get(admin, path).expect(200));
      expect(large.result.body.count).toBe(16);
      expect(large.result.body.members.filter((m: { username: string }) => /^pm\d+$/.test(m.username))).toHaveLength(
        12,
      );
      expect(large.queries).toHaveLength(small.queries.length);
      const members = await countQueries(t, () => get(admin, `/organizations/${orgId}/members`).expect(200));
      expect(members.queries).toHaveLength(small.queries.length);
    });
  });

  describe('audit log: organization and count_cap', () => {
    let orgB: string;
    let auditor: Session;

    beforeAll(async () => {
      await addLicense(t, owner, ['audit_log']);
      auditor = await createUser(t, owner, { roles: ['auditor'] });
      const res = await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .send({ name: unique('audorg'), display_name: 'Audited Org', icon: '/emojis/1f3ed.png' })
        .expect(201);
      orgB = res.body.id;
    });

    const read = async (s: Session, q: string) =>
      (await get(s, `/audit?q=${encodeURIComponent(q)}`).expect(200)).body as {
        audit_logs: Record<string, unknown>[];
        count: number;
        count_cap: number;
      };

    it("names the entry's organization (MinimalOrganization) and answers count_cap 0 (exact count)", async () => {
      const body = await read(owner, `resource_type:organization resource_id:${orgB}`);
      expect(body.count).toBe(1);
      expect(body.count_cap).toBe(0);
      const [entry] = body.audit_logs;
      expect(entry.organization_id).toBe(orgB);
      expect(entry.organization).toEqual({
        id: orgB,
        name: expect.stringMatching(/^audorg/),
        display_name: 'Audited Org',
        icon: '/emojis/1f3ed.png',
      });
      const none = await read(owner, 'resource_type:group');
      expect(none).toEqual({ audit_logs: [], count: 0, count_cap: 0 });
    });

    it('leaves it out for site-wide entries and for organizations the caller cannot read', async () => {
      const logins = await read(owner, 'action:login');
      expect(logins.audit_logs.length).toBeGreaterThan(0);
      for (const entry of logins.audit_logs) {
        expect(entry.organization_id).toBe(NIL);
        expect(entry).not.toHaveProperty('organization');
      }
      const seen = await read(auditor, `resource_type:organization resource_id:${orgB}`);
      expect(seen.audit_logs).toHaveLength(1);
      expect(seen.audit_logs[0].organization_id).toBe(orgB);
      expect(seen.audit_logs[0]).not.toHaveProperty('organization');
      const own = await read(auditor, `resource_type:user resource_id:${auditor.userId} action:create`);
      expect(own.audit_logs[0].organization).toEqual({
        id: owner.orgId,
        name: 'shapeowner',
        display_name: '',
        icon: '',
      });
    });
  });

  describe('API keys: scopes and allow_list', () => {
    let user: Session;
    let seq = 0;
    const post = (body: Record<string, unknown>) =>
      t.http
        .post('/api/v2/users/me/keys/tokens')
        .set(auth(user.token))
        .send({ token_name: `t${++seq}`, ...body });
    const tokenCount = async () =>
      (
        await db.query(`SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1 AND login_type = 'token'`, [
          user.userId,
        ])
      ).rows[0].n as number;
    const shown = async (name: string) => (await get(user, `/users/me/keys/tokens/${name}`).expect(200)).body;

    beforeAll(async () => {
      user = await createUser(t, owner);
    });

    it('shows a default token as coder:all, unrestricted', async () => {
      await post({}).expect(201);
      expect(await shown(`t${seq}`)).toMatchObject({ scope: 'all', scopes: ['coder:all'], allow_list: ['*:*'] });
      const listed = (await get(user, '/users/me/keys/tokens').expect(200)).body;
      expect(listed[0]).toMatchObject({ scopes: ['coder:all'], allow_list: ['*:*'] });
    });

    it.each([
      [{ scopes: ['coder:application_connect'] }, 'application_connect'],
      [{ scopes: ['application_connect'] }, 'application_connect'],
      [{ scope: 'coder:application_connect' }, 'application_connect'],
      [{ scopes: ['coder:all'], allow_list: ['*:*'] }, 'all'],
      [{ scopes: ['all', 'coder:all'] }, 'all'],
      [{ scope: 'application_connect', scopes: ['coder:all'] }, 'all'],
      [{ scopes: [], scope: 'application_connect' }, 'application_connect'],
    ])('issues %j as scope %s and shows what it is enforced as', async (body, scope) => {
      const key = (await post(body).expect(201)).body.key as string;
      const stored = await db.query('SELECT scope FROM api_keys WHERE id = $1', [key.split('-')[0]]);
      expect(stored.rows).toEqual([{ scope }]);
      expect(await shown(`t${seq}`)).toMatchObject({ scope, scopes: [`coder:${scope}`], allow_list: ['*:*'] });
      const me = await t.http.get('/api/v2/users/me').set(auth(key));
      expect(me.status).toBe(scope === 'all' ? 200 : 403);
    });

    it.each<[string, Record<string, unknown>, string, string]>([
      [
        'a scope it cannot enforce',
        { scopes: ['workspace:read'] },
        'scopes',
        'invalid or unsupported API key scope: "workspace:read"',
      ],
      [
        'one unknown scope among known',
        { scopes: ['coder:all', 'nope'] },
        'scopes',
        'invalid or unsupported API key scope: "nope"',
      ],
      [
        'both scopes at once',
        { scopes: ['coder:all', 'coder:application_connect'] },
        'scopes',
        'coder:all and coder:application_connect cannot be combined.',
      ],
      [
        'a narrower allow list',
        { allow_list: [`workspace:${NIL}`] },
        'allow_list',
        `allow_list entry "workspace:${NIL}" is not enforced by this server.`,
      ],
      [
        'a wildcard next to a narrower entry',
        { allow_list: ['*:*', 'template:*'] },
        'allow_list',
        'allow_list entry "template:*" is not enforced by this server.',
      ],
    ])('refuses %s with 400 naming the field, and issues nothing', async (_name, body, field, detail) => {
      const before = await tokenCount();
      const res = await post(body).expect(400);
      expect(res.body).toEqual({
        message: 'Failed to create API key.',
        detail,
        validations: [{ field, detail: expect.any(String) }],
      });
      expect(await tokenCount()).toBe(before);
    });

    it.each([
      ['scopes', { scopes: 'coder:all' }],
      ['scopes', { scopes: [1] }],
      ['allow_list', { allow_list: '*:*' }],
      ['scope', { scope: 'workspace:read' }],
    ])('answers a wrong type or value of %s with 400 Validation failed', async (field, body) => {
      const res = await post(body).expect(400);
      expect(res.body.message).toBe('Validation failed.');
      expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual([field]);
    });
  });

  describe('the OpenAPI document', () => {
    it('describes the added fields and route', async () => {
      const doc = (await t.http.get('/swagger/doc.json').expect(200)).body;
      const props = (name: string) => Object.keys(doc.components.schemas[name].properties);
      expect(props('OrganizationResponse')).toContain('default_org_member_roles');
      expect(props('AssignableRoleResponse')).toEqual(
        expect.arrayContaining(['built_in', 'site_permissions', 'organization_member_permissions']),
      );
      expect(props('OrganizationMemberWithUserDataResponse')).toEqual(
        expect.arrayContaining(['email', 'global_roles', 'user_created_at', 'has_ai_seat']),
      );
      expect(props('PaginatedMembersResponse')).toEqual(['members', 'count']);
      expect(props('AuditLogsResponse')).toContain('count_cap');
      expect(props('AuditLogResponse')).toContain('organization');
      expect(props('ApiKeyResponse')).toEqual(expect.arrayContaining(['scopes', 'allow_list']));
      expect(props('CreateTokenRequest')).toEqual(expect.arrayContaining(['scopes', 'allow_list']));
      expect(props('UserResponse')).toEqual(expect.arrayContaining(['is_service_account', 'has_ai_seat']));
      expect(Object.keys(doc.paths['/api/v2/organizations/{organization}/paginated-members'])).toEqual(['get']);
    });
  });

  describe('User: is_service_account and has_ai_seat', () => {
    it('answers both as false on a user and in the users list, and no theme_preference', async () => {
      const me = (await get(owner, '/users/me').expect(200)).body;
      expect(me).toMatchObject({ is_service_account: false, has_ai_seat: false });
      expect(me).not.toHaveProperty('theme_preference');
      const list = (await get(owner, '/users').expect(200)).body;
      expect(list.users.length).toBeGreaterThan(1);
      for (const u of list.users) expect(u).toMatchObject({ is_service_account: false, has_ai_seat: false });
    });
  });
});
