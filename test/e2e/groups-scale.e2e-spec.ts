import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { countQueries } from '../helpers/query-counter.js';
import { auth, type Owner } from '../helpers/world.js';

/** Listing groups costs a fixed number of SQL statements, however many groups and members there are. */
describe('group listing scales', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  const list = () => t.http.get(`/api/v2/organizations/${owner.orgId}/groups`).set(auth(owner.token)).expect(200);

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMONS: '0' } }));
    await addLicense(t, owner, ['template_rbac']);
    await list();
  });
  afterAll(() => closeWorld(t, db));

  it('issues the same number of statements for 1 group as for 100 groups × 50 members', async () => {
    const small = await countQueries(t, list);
    expect(small.result.body).toHaveLength(1);

    // 50 users in the organization (inserted directly: the API would spend minutes hashing passwords).
    await db.query(
      `INSERT INTO users (id, email, username, hashed_password, rbac_roles, login_type)
       SELECT gen_random_uuid(), 'bulk' || i || '@example.com', 'bulk' || i, NULL, '{}', 'none' FROM generate_series(1, 50) i`,
    );
    await db.query(
      `INSERT INTO organization_members (organization_id, user_id) SELECT $1, id FROM users WHERE username LIKE 'bulk%'`,
      [owner.orgId],
    );
    for (let i = 0; i < 100; i++) {
      const group = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: `g${i}` })
        .expect(201);
      await db.query(
        `INSERT INTO group_members (group_id, user_id) SELECT $1, id FROM users WHERE username LIKE 'bulk%'`,
        [group.body.id],
      );
    }

    const large = await countQueries(t, list);
    expect(large.result.body).toHaveLength(101);
    expect(large.result.body.every((g: { members: unknown[] }) => g.members.length >= 50)).toBe(true);
    // Members shared by 100 groups are read once each, and every group lists them whole, in
    // lower(username) order, with the group's organization.
    const bulk = large.result.body
      .find((g: { name: string }) => g.name === 'g42')
      .members.map((m: { username: string }) => m.username);
    expect(bulk).toEqual(
      Array.from({ length: 50 }, (_, i) => `bulk${i + 1}`).sort((a, b) =>
        a.toLowerCase().localeCompare(b.toLowerCase()),
      ),
    );
    for (const g of large.result.body as {
      name: string;
      members: { username: string; organization_ids: string[] }[];
    }[]) {
      if (g.name === 'Everyone') continue;
      expect(g.members.map((m) => m.username)).toEqual(bulk);
      expect(g.members.every((m) => m.organization_ids.length === 1 && m.organization_ids[0] === owner.orgId)).toBe(
        true,
      );
    }
    process.stderr.write(
      `GET /organizations/{org}/groups: ${small.queries.length} statements for 1 group, ${large.queries.length} for 100 groups x 50 members\n`,
    );
    expect(large.queries.length).toBe(small.queries.length);
    expect(large.queries.length).toBeLessThanOrEqual(6);

    // Pages (ours: Coder answers every group) walk the same list in the same order, members
    // included, with the same statement count.
    const all = large.result.body as { id: string; members: { id: string }[] }[];
    const pages: typeof all = [];
    for (let offset = 0; offset < all.length; offset += 40) {
      const page = await countQueries(t, () =>
        t.http
          .get(`/api/v2/organizations/${owner.orgId}/groups?limit=40&offset=${offset}`)
          .set(auth(owner.token))
          .expect(200),
      );
      expect(page.queries.length).toBe(small.queries.length);
      pages.push(...page.result.body);
    }
    expect(pages).toEqual(all);
    const strict = await t.http
      .get(`/api/v2/groups?organization=${owner.orgId}&limit=3&offset=1`)
      .set(auth(owner.token));
    expect(strict.status).toBe(200);
    expect(strict.body.map((g: { id: string }) => g.id)).toEqual(all.slice(1, 4).map((g) => g.id));
    const zero = await t.http.get(`/api/v2/groups?organization=${owner.orgId}&limit=0`).set(auth(owner.token));
    expect(zero.body).toHaveLength(all.length);
    const bad = await t.http.get(`/api/v2/organizations/${owner.orgId}/groups?limit=x`).set(auth(owner.token));
    expect(bad.status).toBe(400);
    expect(bad.body.validations).toEqual([
      { field: 'limit', detail: 'Query param "limit" must be a valid integer ("x")' },
    ]);
  });
});

/**
 * A group of 10,000 members is read page by page (keyset and offset SQL with LIMIT, never all
 * members at once), and `GET /groups` keeps a fixed number of statements with its filters.
 */
describe('group members at scale', () => {
  const MEMBERS = 10_000;
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let big: string;
  let small: string;

  const get = (path: string) => t.http.get(`/api/v2${path}`).set(auth(owner.token)).expect(200);
  const group = async (name: string) =>
    (await t.http.post(`/api/v2/organizations/${owner.orgId}/groups`).set(auth(owner.token)).send({ name }).expect(201))
      .body.id as string;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMONS: '0' } }));
    await addLicense(t, owner, ['template_rbac']);
    big = await group('big');
    small = await group('small');
    await db.query(`INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)`, [small, owner.userId]);
  });
  afterAll(() => closeWorld(t, db));

  /** Lists at the small size, then again once 10,000 members and 50 more groups exist: same statement count. */
  it('keeps GET /groups, its filters and the member pages at a fixed statement count', async () => {
    const routes = [
      '/groups',
      `/groups?organization=${owner.orgId}&has_member=${owner.userId}`,
      `/groups?group_ids=${big},${small}`,
      `/organizations/${owner.orgId}/groups`,
      `/groups/${big}/members?limit=100`,
      `/groups/${owner.orgId}/members?limit=100`,
    ];
    const before = new Map<string, number>();
    for (const path of routes) {
      await get(path);
      before.set(path, (await countQueries(t, () => get(path))).queries.length);
    }
    await db.query(
      `INSERT INTO users (id, email, username, hashed_password, rbac_roles, login_type)
       SELECT gen_random_uuid(), 'm' || i || '@example.com', 'm' || lpad(i::text, 5, '0'), NULL, '{}', 'none'
         FROM generate_series(1, ${MEMBERS}) i`,
    );
    await db.query(
      `INSERT INTO organization_members (organization_id, user_id) SELECT $1, id FROM users WHERE username ~ '^m\\d{5}$'`,
      [owner.orgId],
    );
    await db.query(
      `INSERT INTO group_members (group_id, user_id) SELECT $1, id FROM users WHERE username ~ '^m\\d{5}$'`,
      [big],
    );
    for (let i = 0; i < 50; i++) {
      const id = await group(`g${i}`);
      await db.query(
        `INSERT INTO group_members (group_id, user_id) SELECT $1, id FROM users WHERE username ~ '^m\\d{5}$' ORDER BY username LIMIT 20 OFFSET $2`,
        [id, i * 7],
      );
    }
    for (const path of routes) {
      const { result, queries } = await countQueries(t, () => get(path));
      process.stderr.write(
        `GET ${path}: ${before.get(path)} statements before, ${queries.length} with ${MEMBERS} members\n`,
      );
      expect(queries.length).toBe(before.get(path));
      if (path.includes('/members')) {
        expect(result.body.users).toHaveLength(100);
        expect(queries.filter((q) => / LIMIT 100$/.test(q))).toHaveLength(1);
      }
    }
    const all = (await get('/groups')).body as { id: string; total_member_count: number; members: unknown[] }[];
    expect(all).toHaveLength(53);
    expect(all.find((g) => g.id === big)).toMatchObject({ total_member_count: MEMBERS });
    expect(all.find((g) => g.id === owner.orgId)?.total_member_count).toBe(MEMBERS + 1);
  });

  it(`reads a group of ${MEMBERS} members page by page with after_id`, async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 20; page++) {
      const res = await get(`/groups/${big}/members?limit=1000${after ? `&after_id=${after}` : ''}`);
      expect(res.body.count).toBe(MEMBERS - seen.length);
      if (res.body.users.length === 0) break;
      const names = (res.body.users as { username: string }[]).map((u) => u.username);
      seen.push(...names);
      after = res.body.users[res.body.users.length - 1].id;
    }
    expect(seen).toHaveLength(MEMBERS);
    expect(seen).toEqual(Array.from({ length: MEMBERS }, (_, i) => `m${String(i + 1).padStart(5, '0')}`));
  });

  it('reads it with offset, counting all members even past the last page', async () => {
    const tail = (await get(`/groups/${big}/members?limit=10&offset=${MEMBERS - 4}`)).body;
    expect(tail.count).toBe(MEMBERS);
    expect(tail.users.map((u: { username: string }) => u.username)).toEqual(['m09997', 'm09998', 'm09999', 'm10000']);
    expect((await get(`/groups/${big}/members?offset=${MEMBERS * 2}`)).body).toEqual({ users: [], count: MEMBERS });
    const search = (await get(`/groups/${big}/members?q=m0999`)).body;
    expect(search.count).toBe(10);
    expect(search.users).toHaveLength(10);
    const byName = (await get(`/organizations/${owner.orgId}/groups/big/members?limit=1`)).body;
    expect(byName).toMatchObject({ count: MEMBERS, users: [{ username: 'm00001' }] });
  });
});
