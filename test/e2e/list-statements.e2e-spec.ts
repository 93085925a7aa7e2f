import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Test } from 'supertest';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense, issueLicense } from '../helpers/licenses.js';
import type { Json } from '../helpers/json.js';
import { countQueries } from '../helpers/query-counter.js';
import { SCIM_KEY, scimClient, type ScimClient } from '../helpers/scim.js';
import { createTemplate, createWorkspace, importVersion, waitForBuild } from '../helpers/templates.js';
import { auth, createKeyUser, type Owner, type Session } from '../helpers/world.js';

/**
 * Every list route costs a fixed number of SQL statements, however many items it lists and however
 * many related rows (members, roles, organizations, groups, jobs, resources) each item has: each
 * route is measured at a small size (1–2 items where the setup fixes it), then again once bulk rows
 * are inserted by SQL, and both counts must be equal. GET /organizations/{org}/groups is
 * test/e2e/groups-scale.e2e-spec.ts.
 */

interface ListRoute {
  name: string;
  request: () => Test;
  /** The listed items of an answer. */
  items: (body: Json) => unknown[];
  /** Items at the small size, where the setup fixes it. */
  small?: number;
  /** Items the bulk rows add. */
  added: number;
  /** What the large answer must also show: the related rows each item was presented with. */
  check?: (body: Json) => void;
}

interface Measured {
  statements: string[];
  body: Json;
}

const table: string[] = [];

async function measure(t: TestApp, route: ListRoute): Promise<Measured> {
  const { result, queries } = await countQueries(t, () => route.request().expect(200));
  return { statements: queries, body: result.body };
}

/** Warms a route up (first-use caches), then counts its statements at the small size. */
async function measureSmall(t: TestApp, routes: ListRoute[]): Promise<Map<string, Measured>> {
  const out = new Map<string, Measured>();
  for (const route of routes) {
    await measure(t, route);
    out.set(route.name, await measure(t, route));
  }
  return out;
}

async function expectFixedStatements(t: TestApp, route: ListRoute, small: Measured | undefined): Promise<void> {
  if (!small) throw new Error(`${route.name} was not measured at the small size`);
  const smallItems = route.items(small.body).length;
  if (route.small !== undefined) expect(smallItems).toBe(route.small);
  const large = await measure(t, route);
  expect(route.items(large.body)).toHaveLength(smallItems + route.added);
  route.check?.(large.body);
  const line = `${route.name}: ${small.statements.length} statements for ${smallItems} items, ${large.statements.length} for ${smallItems + route.added}`;
  table.push(line);
  if (large.statements.length !== small.statements.length) {
    process.stderr.write(
      `${line}\n  small:\n    ${small.statements.join('\n    ')}\n  large:\n    ${large.statements.join('\n    ')}\n`,
    );
  }
  expect(large.statements.length).toBe(small.statements.length);
}

afterAll(() => {
  if (table.length > 0) process.stderr.write(`${table.join('\n')}\n`);
});

const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Bulk users (no password: inserted directly, the API would spend minutes hashing). */
async function insertUsers(db: pg.Client, users: string[], prefix: string): Promise<void> {
  await db.query(
    `INSERT INTO users (id, email, username, hashed_password, rbac_roles, login_type)
     SELECT id, $2 || i || '@example.com', $2 || i, NULL,
            CASE WHEN i % 3 = 0 THEN '{auditor}'::text[] ELSE '{}'::text[] END, 'none'
       FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, i)`,
    [users, prefix],
  );
}

/** Organization memberships, `roles` comma-separated. */
async function insertMembers(db: pg.Client, rows: [orgId: string, userId: string, roles: string][]): Promise<void> {
  await db.query(
    `INSERT INTO organization_members (organization_id, user_id, roles)
     SELECT o, u, string_to_array(r, ',') FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(o, u, r)`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
  );
}

/** Groups of one organization named `<prefix><i>`. */
async function insertGroups(db: pg.Client, orgId: string, groups: string[], prefix: string): Promise<void> {
  await db.query(
    `INSERT INTO groups (id, name, display_name, organization_id)
     SELECT id, $3 || i, 'Bulk group ' || i, $2 FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, i)`,
    [groups, orgId, prefix],
  );
}

async function insertGroupMembers(db: pg.Client, rows: [groupId: string, userId: string][]): Promise<void> {
  await db.query(`INSERT INTO group_members (group_id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
    rows.map((r) => r[0]),
    rows.map((r) => r[1]),
  ]);
}

/** Group `j` gets 20 of the users, overlapping its neighbours'. */
const twentyEach = (groups: string[], users: string[]): [string, string][] =>
  groups.flatMap((g, j) => range(20).map((k): [string, string] => [g, users[(j * 2 + k) % users.length]]));

describe('identity, organization and deployment lists', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let scim: ScimClient;
  let groupId: string;
  let small = new Map<string, Measured>();

  const get = (path: string) => t.http.get(`/api/v2${path}`).set(auth(owner.token));
  const bulkUsers = ids(100);
  const bulkOrgs = ids(50);
  const bulkGroups = ids(50);
  const isBulk = (name: string) => /^bulk\d+$/.test(name);

  const routes: ListRoute[] = [
    {
      name: 'GET /users',
      request: () => get('/users'),
      items: (b) => b.users,
      small: 2,
      added: 100,
      check: (b) => {
        expect(b.count).toBe(102);
        const bulk = b.users.filter((u: { username: string }) => isBulk(u.username));
        expect(bulk).toHaveLength(100);
        // Each in the default organization and two of the bulk ones.
        expect(bulk.every((u: { organization_ids: string[] }) => u.organization_ids.length === 3)).toBe(true);
        expect(bulk.filter((u: { roles: unknown[] }) => u.roles.length > 0)).toHaveLength(33);
      },
    },
    {
      name: 'GET /users/{user}/organizations',
      request: () => get(`/users/${member.userId}/organizations`),
      items: (b) => b,
      small: 1,
      added: 50,
    },
    {
      name: 'GET /users/me/organizations',
      request: () => get('/users/me/organizations'),
      items: (b) => b,
      small: 1,
      added: 50,
    },
    {
      name: 'GET /organizations',
      request: () => get('/organizations'),
      items: (b) => b,
      small: 1,
      added: 50,
    },
    {
      name: 'GET /organizations/{org}/members',
      request: () => get(`/organizations/${owner.orgId}/members`),
      items: (b) => b,
      small: 2,
      added: 100,
      check: (b) => {
        const admins = b.filter(
          (m: { username: string; roles: { name: string }[] }) =>
            isBulk(m.username) && m.roles.some((r) => r.name === 'organization-admin'),
        );
        expect(admins).toHaveLength(25);
      },
    },
    {
      name: 'GET /users/roles (fixed list)',
      request: () => get('/users/roles'),
      items: (b) => b,
      added: 0,
      check: (b) => expect(b.map((r: { name: string }) => r.name)).toContain('owner'),
    },
    {
      name: 'GET /organizations/{org}/members/roles (fixed list)',
      request: () => get(`/organizations/${owner.orgId}/members/roles`),
      items: (b) => b,
      added: 0,
      check: (b) => expect(b.map((r: { name: string }) => r.name)).toContain('organization-admin'),
    },
    {
      name: 'GET /audit',
      request: () => get('/audit'),
      items: (b) => b.audit_logs,
      small: 2,
      added: 100,
      check: (b) => {
        expect(b.count).toBe(102);
        const byBulk = b.audit_logs.filter((a: { user: { username: string } | null }) =>
          isBulk(a.user?.username ?? ''),
        );
        expect(byBulk).toHaveLength(100);
        expect(
          byBulk.every((a: { user: { organization_ids: string[] } }) => a.user.organization_ids.length === 3),
        ).toBe(true);
      },
    },
    {
      name: 'GET /licenses',
      request: () => get('/licenses'),
      items: (b) => b,
      small: 1,
      added: 50,
      check: (b) => expect(b.every((l: { claims: { all_features: boolean } }) => l.claims.all_features)).toBe(true),
    },
    {
      name: 'GET /users/{user}/keys/tokens',
      request: () => get('/users/me/keys/tokens'),
      items: (b) => b,
      small: 1,
      added: 50,
    },
    {
      name: 'GET /users/{user}/keys/tokens?include_all',
      request: () => get('/users/me/keys/tokens?include_all=true'),
      items: (b) => b,
      small: 1,
      added: 100,
      check: (b) => expect(b.filter((k: { username: string }) => isBulk(k.username))).toHaveLength(50),
    },
    {
      name: 'GET /groups/{group} (members)',
      request: () => get(`/groups/${groupId}`),
      items: (b) => b.members,
      small: 1,
      added: 100,
    },
    {
      name: 'GET /organizations/{org}/groups/{groupName} (members)',
      request: () => get(`/organizations/${owner.orgId}/groups/small`),
      items: (b) => b.members,
      small: 1,
      added: 100,
    },
    {
      name: 'GET /workspaceproxies',
      request: () => get('/workspaceproxies'),
      items: (b) => b.regions,
      small: 2,
      added: 50,
    },
    {
      name: 'GET /regions',
      request: () => get('/regions'),
      items: (b) => b.regions,
      small: 2,
      added: 50,
    },
    {
      name: 'GET /replicas',
      request: () => get('/replicas'),
      items: (b) => b,
      small: 1,
      added: 50,
    },
    {
      name: 'GET /organizations/{org}/provisionerdaemons',
      // limit=0: all of them (the default page is Coder's 50).
      request: () => get(`/organizations/${owner.orgId}/provisionerdaemons?limit=0`),
      items: (b) => b,
      small: 1,
      added: 50,
    },
    {
      name: 'GET /scim/v2/Users',
      request: () => scim('get', '/Users'),
      items: (b) => b.Resources,
      small: 2,
      added: 100,
      check: (b) => {
        expect(b.totalResults).toBe(102);
        const bulk = b.Resources.filter((u: { userName: string }) => u.userName.startsWith('bulk'));
        expect(bulk).toHaveLength(100);
        // Every bulk user is in the small group and in some of the bulk ones.
        expect(bulk.every((u: { groups: unknown[] }) => u.groups.length >= 2)).toBe(true);
        expect(bulk.filter((u: { externalId?: string }) => u.externalId)).toHaveLength(50);
      },
    },
    {
      name: 'POST /scim/v2/Users/.search',
      request: () =>
        scim('post', '/Users/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'active eq true',
        }),
      items: (b) => b.Resources,
      small: 2,
      added: 100,
      check: (b) => {
        const bulk = b.Resources.filter((u: { userName: string }) => u.userName.startsWith('bulk'));
        expect(bulk.every((u: { groups: unknown[] }) => u.groups.length >= 2)).toBe(true);
      },
    },
    {
      name: 'GET /scim/v2/Groups',
      request: () => scim('get', '/Groups'),
      items: (b) => b.Resources,
      small: 1,
      added: 50,
      check: (b) => {
        const members = b.Resources.map((g: { members: unknown[] }) => g.members.length).sort(
          (x: number, y: number) => x - y,
        );
        expect(members).toEqual([...Array(50).fill(20), 101]);
      },
    },
    {
      name: 'POST /scim/v2/Groups/.search',
      request: () =>
        scim('post', '/Groups/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: 'displayName pr',
        }),
      items: (b) => b.Resources,
      small: 1,
      added: 50,
      check: (b) => expect(b.Resources.every((g: { members: unknown[] }) => g.members.length >= 20)).toBe(true),
    },
  ];

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMONS: '0', CODER_SCIM_AUTH_HEADER: SCIM_KEY },
    }));
    scim = scimClient(t);
    await addLicense(t, owner, 'all');

    // The small size: the owner and one member, one of everything else.
    member = await createKeyUser(t, owner);
    await t.http.post('/api/v2/users/me/keys/tokens').set(auth(owner.token)).send({}).expect(201);
    groupId = (
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: 'small' })
        .expect(201)
    ).body.id;
    await insertGroupMembers(db, [[groupId, member.userId]]);
    await db.query(
      `INSERT INTO workspace_proxies (id, name, display_name, icon, url, wildcard_hostname, created_at, updated_at, token_hashed_secret)
       VALUES (gen_random_uuid(), 'proxy0', 'Proxy 0', '', '', '', now(), now(), '\\x00')`,
    );
    await db.query(
      `INSERT INTO provisioner_daemons (id, created_at, last_seen_at, name, provisioners, tags, organization_id, key_id)
       VALUES (gen_random_uuid(), now(), now(), 'daemon0', '{echo}', '{"scope":"organization","owner":""}', $1, '00000000-0000-0000-0000-000000000002')`,
      [owner.orgId],
    );
    await db.query('DELETE FROM audit_logs');
    await db.query(
      `INSERT INTO audit_logs (id, time, user_id, organization_id, ip, resource_type, resource_id, resource_target, action, status_code, request_id)
       SELECT gen_random_uuid(), now() - interval '1 hour', u, $3, '127.0.0.1', 'user', $2, 'member', 'write', 200, gen_random_uuid()
         FROM unnest($1::uuid[]) u`,
      [[owner.userId, member.userId], member.userId, owner.orgId],
    );

    small = await measureSmall(t, routes);

    // The large size, by SQL only (no audit rows): 100 users in the default organization (a
    // quarter of them its admins, a third auditors, half known to SCIM) and in two of 50 new
    // organizations each; 50 groups of 20 of them, all of them in the small group; tokens,
    // licenses, audit entries, proxies, replicas and daemons.
    await insertUsers(db, bulkUsers, 'bulk');
    await db.query(
      `INSERT INTO organizations (id, name) SELECT id, 'bulkorg' || i FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, i)`,
      [bulkOrgs],
    );
    await db.query(
      `INSERT INTO groups (id, name, organization_id) SELECT id, 'Everyone', id FROM unnest($1::uuid[]) id`,
      [bulkOrgs],
    );
    await insertMembers(db, [
      ...bulkUsers.map((u, i): [string, string, string] => [owner.orgId, u, i % 4 === 0 ? 'organization-admin' : '']),
      ...bulkUsers.flatMap((u, i): [string, string, string][] => [
        [bulkOrgs[i % 50], u, ''],
        [bulkOrgs[(i + 1) % 50], u, i % 2 === 0 ? 'organization-admin' : ''],
      ]),
      ...bulkOrgs.flatMap((o): [string, string, string][] => [
        [o, owner.userId, 'organization-admin'],
        [o, member.userId, ''],
      ]),
    ]);
    await db.query(
      `INSERT INTO scim_users (user_id, user_name, external_id, given_name, family_name)
       SELECT id, 'bulk' || i || '@example.com', 'ext' || i, 'Bulk', 'User ' || i
         FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, i) WHERE i % 2 = 0`,
      [bulkUsers],
    );
    await insertGroups(db, owner.orgId, bulkGroups, 'bulkgroup');
    await insertGroupMembers(db, [
      ...twentyEach(bulkGroups, bulkUsers),
      ...bulkUsers.map((u): [string, string] => [groupId, u]),
    ]);
    const tokenOwners = [...Array<string>(50).fill(owner.userId), ...bulkUsers.slice(0, 50)];
    await db.query(
      `INSERT INTO api_keys (id, hashed_secret, user_id, last_used, expires_at, login_type, lifetime_seconds, token_name)
       SELECT id, sha256(convert_to(id, 'UTF8')), u, now(), now() + interval '30 days', 'token', 2592000, 'bulk' || i
         FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS x(id, u, i)`,
      [tokenOwners.map(() => randomBytes(5).toString('hex')), tokenOwners],
    );
    const licenses = await Promise.all(range(50).map(() => issueLicense({ allFeatures: true })));
    await db.query(
      `INSERT INTO licenses (uploaded_at, jwt, jwt_sha256, exp, uuid)
       SELECT now(), jwt, sha256(convert_to(jwt, 'UTF8')), now() + interval '1 year', gen_random_uuid() FROM unnest($1::text[]) jwt`,
      [licenses],
    );
    await db.query(
      `INSERT INTO audit_logs (id, time, user_id, organization_id, ip, resource_type, resource_id, resource_target, action, status_code, request_id)
       SELECT gen_random_uuid(), now() - i * interval '1 second', u, o, '127.0.0.1',
              CASE WHEN i % 2 = 0 THEN 'user' ELSE 'organization' END,
              CASE WHEN i % 2 = 0 THEN r ELSE o END, 'bulk', 'write', 200, gen_random_uuid()
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) WITH ORDINALITY AS x(u, o, r, i)`,
      [bulkUsers, bulkUsers.map((_, i) => bulkOrgs[i % 50]), bulkUsers.map((_, i) => bulkUsers[(i + 1) % 100])],
    );
    await db.query(
      `INSERT INTO workspace_proxies (id, name, display_name, icon, url, wildcard_hostname, created_at, updated_at, token_hashed_secret)
       SELECT gen_random_uuid(), 'bulkproxy' || i, 'Bulk ' || i, '', '', '', now(), now(), '\\x00' FROM generate_series(1, 50) i`,
    );
    // Heartbeats ahead of now: these replicas stay live however long the tests take.
    await db.query(
      `INSERT INTO replicas (id, created_at, started_at, updated_at, hostname, region_id, relay_address, database_latency, version)
       SELECT gen_random_uuid(), now(), now(), now() + interval '1 hour', 'bulk' || i, 999, '', 0, 'v0' FROM generate_series(1, 50) i`,
    );
    await db.query(
      `INSERT INTO provisioner_daemons (id, created_at, last_seen_at, name, provisioners, tags, organization_id, key_id)
       SELECT gen_random_uuid(), now(), now(), 'bulkdaemon' || i, '{echo}', '{"scope":"organization","owner":""}',
              CASE WHEN i % 2 = 0 THEN $1::uuid END, '00000000-0000-0000-0000-000000000002'
         FROM generate_series(1, 50) i`,
      [owner.orgId],
    );
  });
  afterAll(() => closeWorld(t, db));

  for (const route of routes) {
    it(`${route.name}: as many statements for many items as for few`, () =>
      expectFixedStatements(t, route, small.get(route.name)));
  }
});

describe('template and workspace lists', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateId: string;
  let versionId: string;
  let versionJob: string;
  let workspaceId: string;
  let buildJob: string;
  let buildId: string;
  let small = new Map<string, Measured>();

  const get = (path: string) => t.http.get(`/api/v2${path}`).set(auth(owner.token));
  const bulkUsers = ids(100);
  const bulkGroups = ids(50);
  const isBulk = (name: string) => /^wbulk\d+$/.test(name);
  const statuses = (jobs: { status: string }[]) => new Set(jobs.map((j) => j.status));

  const routes: ListRoute[] = [
    {
      name: 'GET /organizations/{org}/templates',
      request: () => get(`/organizations/${owner.orgId}/templates`),
      items: (b) => b,
      small: 1,
      added: 50,
      check: (b) => {
        const bulk = b.filter((x: { created_by_name: string }) => isBulk(x.created_by_name));
        expect(bulk).toHaveLength(50);
        expect(bulk.every((x: { active_user_count: number }) => x.active_user_count === 2)).toBe(true);
      },
    },
    {
      name: 'GET /templates/{template}/versions',
      request: () => get(`/templates/${templateId}/versions`),
      items: (b) => b,
      small: 2,
      added: 100,
      check: (b) => {
        expect(b.filter((v: { created_by: { username: string } }) => isBulk(v.created_by.username))).toHaveLength(100);
        expect(statuses(b.map((v: { job: { status: string } }) => v.job))).toEqual(new Set(['succeeded', 'pending']));
      },
    },
    {
      name: 'GET /templateversions/{version}/resources',
      request: () => get(`/templateversions/${versionId}/resources`),
      items: (b) => b,
      small: 1,
      added: 100,
    },
    {
      name: 'GET /templateversions/{version}/logs',
      request: () => get(`/templateversions/${versionId}/logs`),
      items: (b) => b,
      added: 100,
    },
    {
      name: 'GET /workspaces',
      request: () => get('/workspaces'),
      items: (b) => b.workspaces,
      small: 2,
      added: 100,
      check: (b) => {
        expect(b.count).toBe(102);
        const bulk = b.workspaces.filter((w: { owner_name: string }) => isBulk(w.owner_name));
        expect(bulk).toHaveLength(100);
        type Build = { job: { status: string }; resources: unknown[]; initiator_name: string };
        const builds: Build[] = bulk.map((w: { latest_build: Build }) => w.latest_build);
        expect(statuses(builds.map((x) => x.job))).toEqual(new Set(['succeeded', 'pending']));
        expect(builds.filter((x) => x.resources.length === 2)).toHaveLength(50);
        expect(builds.every((x) => isBulk(x.initiator_name))).toBe(true);
        expect(bulk.every((w: { template_name: string }) => w.template_name.startsWith('bulktpl'))).toBe(true);
      },
    },
    {
      name: 'GET /workspaces/{workspace}/builds',
      request: () => get(`/workspaces/${workspaceId}/builds`),
      items: (b) => b,
      small: 2,
      added: 100,
      check: (b) => {
        type Build = { job: { status: string }; resources: unknown[]; initiator_name: string };
        const bulk = b.filter((x: Build) => isBulk(x.initiator_name));
        expect(bulk).toHaveLength(100);
        expect(statuses(bulk.map((x: Build) => x.job))).toEqual(new Set(['succeeded', 'pending']));
        expect(bulk.filter((x: Build) => x.resources.length === 2)).toHaveLength(50);
      },
    },
    {
      name: 'GET /workspacebuilds/{build}/logs',
      request: () => get(`/workspacebuilds/${buildId}/logs`),
      items: (b) => b,
      added: 100,
    },
    {
      name: 'GET /templates/{template}/acl',
      request: () => get(`/templates/${templateId}/acl`),
      // The member, the small group and Everyone (every new template's ACL grants it `use`).
      items: (b) => [...b.users, ...b.group],
      small: 3,
      added: 100,
      check: (b) => {
        expect(b.users).toHaveLength(51);
        expect(b.group).toHaveLength(52);
        const bulk = b.group.filter((g: { name: string }) => g.name.startsWith('bulkgroup'));
        expect(bulk.every((g: { members: unknown[] }) => g.members.length === 20)).toBe(true);
        expect(b.users.every((u: { organization_ids: string[] }) => u.organization_ids.length === 1)).toBe(true);
      },
    },
    {
      name: 'GET /templates/{template}/acl/available',
      request: () => get(`/templates/${templateId}/acl/available`),
      items: (b) => [...b.users, ...b.groups],
      small: 4,
      added: 150,
      check: (b) => {
        expect(b.users).toHaveLength(102);
        expect(b.groups).toHaveLength(52);
        const everyone = b.groups.find((g: { name: string }) => g.name === 'Everyone');
        expect(everyone.members).toHaveLength(102);
        const bulk = b.groups.filter((g: { name: string }) => g.name.startsWith('bulkgroup'));
        expect(bulk.every((g: { members: unknown[] }) => g.members.length === 20)).toBe(true);
      },
    },
  ];

  /**
   * Provisioner jobs like `ref` (its file, organization, provisioner and type), with their own
   * input: succeeded, or pending with a tag no daemon has (so none ever takes them).
   */
  async function insertJobs(
    ref: string,
    jobs: { id: string; initiator: string; input: Record<string, string>; pending: boolean }[],
  ): Promise<void> {
    await db.query(
      `INSERT INTO provisioner_jobs (id, created_at, updated_at, started_at, completed_at, organization_id, initiator_id,
                                     provisioner, storage_method, type, input, file_id, tags)
       SELECT x.id, now(), now(), CASE WHEN x.pending THEN NULL ELSE now() END, CASE WHEN x.pending THEN NULL ELSE now() END,
              r.organization_id, x.initiator, r.provisioner, r.storage_method, r.type, x.input::jsonb, r.file_id,
              CASE WHEN x.pending THEN r.tags || '{"bulk":"unmatched"}'::jsonb ELSE r.tags END
         FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::boolean[]) AS x(id, initiator, input, pending)
         JOIN provisioner_jobs r ON r.id = $1`,
      [
        ref,
        jobs.map((j) => j.id),
        jobs.map((j) => j.initiator),
        jobs.map((j) => JSON.stringify(j.input)),
        jobs.map((j) => j.pending),
      ],
    );
  }

  /** Two resources for each of the jobs. */
  async function insertResources(jobIds: string[]): Promise<void> {
    await db.query(
      `INSERT INTO workspace_resources (id, created_at, job_id, transition, type, name, daily_cost)
       SELECT gen_random_uuid(), now(), j, 'start', t, 'bulk', 1 FROM unnest($1::uuid[]) j, unnest('{docker_container,docker_volume}'::text[]) t`,
      [jobIds],
    );
  }

  /** Workspace builds, every other one pending, the others succeeded with two resources. */
  async function insertBuilds(
    ref: string,
    builds: { workspaceId: string; versionId: string; initiator: string; number: number }[],
  ): Promise<void> {
    const buildIds = ids(builds.length);
    const jobIds = ids(builds.length);
    const pending = builds.map((_, i) => i % 2 === 1);
    await insertJobs(
      ref,
      builds.map((b, i) => ({
        id: jobIds[i],
        initiator: b.initiator,
        input: { workspace_build_id: buildIds[i] },
        pending: pending[i],
      })),
    );
    await db.query(
      `INSERT INTO workspace_builds (id, created_at, updated_at, workspace_id, template_version_id, build_number, transition, initiator_id, job_id)
       SELECT id, now(), now(), w, v, n, CASE WHEN n % 2 = 0 THEN 'stop' ELSE 'start' END, u, j
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::uuid[], $6::uuid[]) AS x(id, w, v, n, u, j)`,
      [
        buildIds,
        builds.map((b) => b.workspaceId),
        builds.map((b) => b.versionId),
        builds.map((b) => b.number),
        builds.map((b) => b.initiator),
        jobIds,
      ],
    );
    await insertResources(jobIds.filter((_, i) => !pending[i]));
  }

  async function insertLogs(jobId: string): Promise<void> {
    await db.query(
      `INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
       SELECT $1, now(), 'provisioner', 'info', 'Bulk', 'line ' || i FROM generate_series(1, 100) i`,
      [jobId],
    );
  }

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['template_rbac']);

    // The small size, through the API: a template with one imported version (one resource), its
    // owner's workspace and a member's; a group with the member; both in the template's ACL.
    member = await createKeyUser(t, owner);
    const version = await importVersion(t, owner, owner.orgId, {
      resources: [{ name: 'dev', type: 'docker_container', daily_cost: 1 }],
      logs: ['hello'],
    });
    versionId = version.id as string;
    versionJob = (version.job as { id: string }).id;
    templateId = (await createTemplate(t, owner, owner.orgId, versionId)).id as string;
    const mine = await createWorkspace(t, owner, owner.orgId, templateId);
    buildId = (mine.latest_build as { id: string }).id;
    const theirs = await createWorkspace(t, owner, owner.orgId, templateId, member.userId);
    workspaceId = theirs.id as string;
    await waitForBuild(t, owner, buildId);
    await waitForBuild(t, owner, (theirs.latest_build as { id: string }).id);
    buildJob = (await db.query('SELECT job_id FROM workspace_builds WHERE id = $1', [buildId])).rows[0].job_id;
    const groupId = (
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: 'small' })
        .expect(201)
    ).body.id as string;
    await insertGroupMembers(db, [[groupId, member.userId]]);
    await t.http
      .patch(`/api/v2/templates/${templateId}/acl`)
      .set(auth(owner.token))
      .send({ user_perms: { [member.userId]: 'use' }, group_perms: { [groupId]: 'use' } })
      .expect(200);
    // A pending job in every list of jobs: a second version of the template and a stop build of
    // the member's workspace, both waiting.
    const pendingVersion = randomUUID();
    const pendingJob = randomUUID();
    await insertJobs(versionJob, [
      { id: pendingJob, initiator: owner.userId, input: { template_version_id: pendingVersion }, pending: true },
    ]);
    await db.query(
      `INSERT INTO template_versions (id, template_id, organization_id, created_at, updated_at, name, job_id, created_by)
       VALUES ($1, $2, $3, now(), now(), 'pending', $4, $5)`,
      [pendingVersion, templateId, owner.orgId, pendingJob, owner.userId],
    );
    const stopJob = randomUUID();
    const stopBuild = randomUUID();
    await insertJobs(buildJob, [
      { id: stopJob, initiator: owner.userId, input: { workspace_build_id: stopBuild }, pending: true },
    ]);
    await db.query(
      `INSERT INTO workspace_builds (id, created_at, updated_at, workspace_id, template_version_id, build_number, transition, initiator_id, job_id)
       VALUES ($1, now(), now(), $2, $3, 2, 'stop', $4, $5)`,
      [stopBuild, workspaceId, versionId, owner.userId, stopJob],
    );

    small = await measureSmall(t, routes);

    // The large size, by SQL: 100 members; 50 templates (each its own imported version) with two
    // workspaces each, half of their builds pending; 100 more builds of the member's workspace and
    // 100 more versions of the template, half pending; 100 resources and 100 log lines more; 50
    // users and 50 groups of 20 members more in the template's ACL.
    await insertUsers(db, bulkUsers, 'wbulk');
    await insertMembers(
      db,
      bulkUsers.map((u) => [owner.orgId, u, '']),
    );
    const bulkTemplates = ids(50);
    const bulkVersions = ids(50);
    const bulkVersionJobs = ids(50);
    await insertJobs(
      versionJob,
      bulkVersions.map((v, i) => ({
        id: bulkVersionJobs[i],
        initiator: bulkUsers[i],
        input: { template_version_id: v },
        pending: false,
      })),
    );
    await db.query(
      `INSERT INTO template_versions (id, organization_id, created_at, updated_at, name, job_id, created_by)
       SELECT v, $1, now(), now(), 'bulkv' || i, j, u FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) WITH ORDINALITY AS x(v, j, u, i)`,
      [owner.orgId, bulkVersions, bulkVersionJobs, bulkUsers.slice(0, 50)],
    );
    await insertResources(bulkVersionJobs);
    await db.query(
      `INSERT INTO templates (id, created_at, updated_at, organization_id, name, provisioner, active_version_id, created_by)
       SELECT id, now(), now(), $1, 'bulktpl' || i, 'echo', v, u FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) WITH ORDINALITY AS x(id, v, u, i)`,
      [owner.orgId, bulkTemplates, bulkVersions, bulkUsers.slice(0, 50)],
    );
    await db.query(
      'UPDATE template_versions v SET template_id = x.t FROM unnest($1::uuid[], $2::uuid[]) AS x(v, t) WHERE v.id = x.v',
      [bulkVersions, bulkTemplates],
    );
    const bulkWorkspaces = ids(100);
    await db.query(
      `INSERT INTO workspaces (id, created_at, updated_at, owner_id, organization_id, template_id, name, last_used_at)
       SELECT id, now(), now(), u, $1, t, 'bulkws' || i, now() FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) WITH ORDINALITY AS x(id, u, t, i)`,
      [owner.orgId, bulkWorkspaces, bulkUsers, bulkUsers.map((_, i) => bulkTemplates[i % 50])],
    );
    await insertBuilds(
      buildJob,
      bulkWorkspaces.map((w, i) => ({
        workspaceId: w,
        versionId: bulkVersions[i % 50],
        initiator: bulkUsers[i],
        number: 1,
      })),
    );
    await insertBuilds(
      buildJob,
      bulkUsers.map((u, i) => ({ workspaceId, versionId, initiator: u, number: i + 3 })),
    );
    const moreVersions = ids(100);
    const moreVersionJobs = ids(100);
    await insertJobs(
      versionJob,
      moreVersions.map((v, i) => ({
        id: moreVersionJobs[i],
        initiator: bulkUsers[i],
        input: { template_version_id: v },
        pending: i % 2 === 1,
      })),
    );
    await db.query(
      `INSERT INTO template_versions (id, template_id, organization_id, created_at, updated_at, name, job_id, created_by)
       SELECT v, $1, $2, now(), now(), 'more' || i, j, u FROM unnest($3::uuid[], $4::uuid[], $5::uuid[]) WITH ORDINALITY AS x(v, j, u, i)`,
      [templateId, owner.orgId, moreVersions, moreVersionJobs, bulkUsers],
    );
    await db.query(
      `INSERT INTO workspace_resources (id, created_at, job_id, transition, type, name, daily_cost)
       SELECT gen_random_uuid(), now(), $1, CASE WHEN i % 2 = 0 THEN 'stop' ELSE 'start' END, 'docker_volume', 'vol' || i, 1
         FROM generate_series(1, 100) i`,
      [versionJob],
    );
    await insertLogs(versionJob);
    await insertLogs(buildJob);
    await insertGroups(db, owner.orgId, bulkGroups, 'bulkgroup');
    await insertGroupMembers(db, twentyEach(bulkGroups, bulkUsers));
    await db.query(
      `UPDATE templates SET
         user_acl = user_acl || (SELECT jsonb_object_agg(u, '["read"]'::jsonb) FROM unnest($2::uuid[]) u),
         group_acl = group_acl || (SELECT jsonb_object_agg(g, '["read"]'::jsonb) FROM unnest($3::uuid[]) g)
       WHERE id = $1`,
      [templateId, bulkUsers.slice(0, 50), bulkGroups],
    );
  });
  afterAll(() => closeWorld(t, db));

  for (const route of routes) {
    it(`${route.name}: as many statements for many items as for few`, () =>
      expectFixedStatements(t, route, small.get(route.name)));
  }
});
