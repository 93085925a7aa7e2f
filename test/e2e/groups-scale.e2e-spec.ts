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
    process.stderr.write(
      `GET /organizations/{org}/groups: ${small.queries.length} statements for 1 group, ${large.queries.length} for 100 groups x 50 members\n`,
    );
    expect(large.queries.length).toBe(small.queries.length);
    expect(large.queries.length).toBeLessThanOrEqual(6);
  });
});
