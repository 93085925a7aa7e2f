import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, type TestApp } from '../helpers/app.js';
import {
  oktaUser,
  openScimWorld,
  SCIM_ERROR,
  SCIM_KEY,
  scimError,
  SCIM_LIST,
  SCIM_PATCH,
  SCIM_USER,
  type ScimClient,
} from '../helpers/scim.js';
import { auth, unique, type Owner } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

/**
 * Okta's SCIM 2.0 provisioning, replayed request by request as Okta sends them (its "SCIM 2.0
 * Test App" with Bearer auth): look the user up by userName, create it, read it, push a profile
 * update with PUT, deactivate and reactivate with a path-less PatchOp, and try to create it again.
 * Each status is checked, and then what the database holds.
 */

const OKTA_AGENT = 'Okta SCIM Client 1.0.0';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

describe('SCIM: the Okta provisioning sequence', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, db, owner, scim } = await openScimWorld());
  });
  afterAll(() => closeWorld(t, db));

  /** A request as Okta makes it: Bearer key, its User-Agent, `application/scim+json` bodies. */
  const okta = (method: 'get' | 'post' | 'put' | 'patch', path: string, body?: unknown) =>
    scim(method, path, body).set('User-Agent', OKTA_AGENT);
  const lookup = (userName: string) =>
    okta('get', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`);
  const deactivate = { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', value: { active: false } }] };
  const reactivate = { schemas: [SCIM_PATCH], Operations: [{ op: 'replace', value: { active: true } }] };

  it('looks up, creates, reads, updates, deactivates, reactivates, and gets 409 for a second create', async () => {
    const local = unique('okta');
    const userName = `${local}@example.com`;

    // 1. Okta asks whether the user exists: it does not.
    const before = await lookup(userName);
    expect({ status: before.status, body: before.body }).toEqual({
      status: 200,
      body: { schemas: [SCIM_LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] },
    });

    // 2. It creates the user.
    const body = oktaUser(userName);
    const created = await okta('post', '/Users', body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      schemas: [SCIM_USER],
      userName,
      externalId: body.externalId,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    });
    expect(created.headers.location).toMatch(new RegExp(`/scim/v2/Users/${id}$`));

    // 3. Later lookups find it, and the user can be read by id.
    const found = await lookup(userName);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id, userName }] });
    const read = await okta('get', `/Users/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    // 4. A profile update: Okta PUTs the whole user, with the new name and email.
    const newEmail = `${local}.renamed@example.com`;
    const put = await okta('put', `/Users/${id}`, {
      schemas: [SCIM_USER],
      id,
      userName,
      name: { givenName: 'Augusta', familyName: 'King' },
      emails: [{ primary: true, value: newEmail, type: 'work' }],
      displayName: 'Augusta King',
      locale: 'en-GB',
      externalId: body.externalId,
      groups: [],
      active: true,
      meta: { resourceType: 'User' },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id,
      userName,
      name: { givenName: 'Augusta', familyName: 'King' },
      displayName: 'Augusta King',
      emails: [{ value: newEmail, type: 'work', primary: true }],
      active: true,
    });

    // A password push changes nothing Coder stores (and is not audited).
    const password = await okta('patch', `/Users/${id}`, {
      schemas: [SCIM_PATCH],
      Operations: [{ op: 'replace', value: { password: 'N3w-Passw0rd!' } }],
    });
    expect(password.status).toBe(200);
    expect(password.body.meta.version).toBe(put.body.meta.version);

    // 5. Deactivation: the user is suspended, and still listed (inactive).
    const off = await okta('patch', `/Users/${id}`, deactivate);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await db.query('SELECT status FROM users WHERE id = $1', [id])).rows[0].status).toBe('suspended');
    const inactive = await lookup(userName);
    expect(inactive.body).toMatchObject({ totalResults: 1, Resources: [{ id, active: false }] });
    // A suspended user cannot sign in to Coder; the owner sees the status.
    expect((await t.http.get(`/api/v2/users/${id}`).set(auth(owner.token)).expect(200)).body.status).toBe('suspended');

    // 6. Reactivation.
    const on = await okta('patch', `/Users/${id}`, reactivate);
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);

    // 7. Okta creating the same userName again (e.g. after unassign and reassign) gets 409, and then
    // finds the existing user with the filter.
    const again = await okta('post', '/Users', oktaUser(userName, { externalId: '00uother' }));
    expect({ status: again.status, body: again.body }).toEqual({
      status: 409,
      body: { ...scimError(409, 'uniqueness'), detail: `userName "${userName}" is already taken (user ${id}).` },
    });
    expect(again.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect((await lookup(userName)).body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    // The database: one Coder user (oidc, active, the new email and name), its SCIM attributes…
    const users = await db.query(
      `SELECT id, username, email, name, status, login_type, deleted, hashed_password FROM users WHERE username ILIKE $1 OR email ILIKE $1`,
      [`${local}%`],
    );
    expect(users.rows).toEqual([
      {
        id,
        username: local,
        email: newEmail,
        name: 'Augusta King',
        status: 'active',
        login_type: 'oidc',
        deleted: false,
        hashed_password: null,
      },
    ]);
    const scimRow = await db.query(
      `SELECT user_name, external_id, given_name, family_name, formatted_name, email_type, deprovisioned_at FROM scim_users WHERE user_id = $1`,
      [id],
    );
    expect(scimRow.rows).toEqual([
      {
        user_name: userName,
        external_id: body.externalId,
        given_name: 'Augusta',
        family_name: 'King',
        formatted_name: null,
        email_type: 'work',
        deprovisioned_at: null,
      },
    ]);
    const membership = await db.query('SELECT organization_id, roles FROM organization_members WHERE user_id = $1', [
      id,
    ]);
    expect(membership.rows).toEqual([{ organization_id: owner.orgId, roles: [] }]);

    // …and one audit entry per change, made by the SCIM subsystem (no user), with Okta's agent.
    const audit = await db.query(
      `SELECT action, resource_type, resource_target, status_code, user_id, organization_id, user_agent, additional_fields, diff
         FROM audit_logs WHERE resource_id = $1 ORDER BY time, id`,
      [id],
    );
    expect(audit.rows.map((r) => [r.action, r.status_code])).toEqual([
      ['create', 201],
      ['write', 200],
      ['write', 200],
      ['write', 200],
    ]);
    for (const row of audit.rows) {
      expect(row).toMatchObject({
        resource_type: 'user',
        resource_target: local,
        user_id: NIL_UUID,
        organization_id: owner.orgId,
        user_agent: OKTA_AGENT,
        additional_fields: { automatic_actor: 'coder', automatic_subsystem: 'scim' },
      });
    }
    const [, update, suspend, activate] = audit.rows.map((r) => r.diff);
    expect(update).toMatchObject({
      email: { old: userName, new: newEmail, secret: false },
      given_name: { old: 'Ada', new: 'Augusta', secret: false },
      family_name: { old: 'Lovelace', new: 'King', secret: false },
      name: { old: 'Ada Lovelace', new: 'Augusta King', secret: false },
    });
    expect(update).not.toHaveProperty('status');
    expect(suspend).toEqual({ status: { old: 'active', new: 'suspended', secret: false } });
    expect(activate).toEqual({ status: { old: 'suspended', new: 'active', secret: false } });
  });

  it('pages through every user as an Okta import does (startIndex/count, no filter)', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++)
      made.push((await okta('post', '/Users', oktaUser(`${unique('import')}@example.com`)).expect(201)).body.id);
    const total = Number(
      (await db.query('SELECT count(*)::int AS n FROM organization_members WHERE organization_id = $1', [owner.orgId]))
        .rows[0].n,
    );
    const seen: string[] = [];
    for (let start = 1; start <= total; start += 2) {
      const page = await okta('get', `/Users?startIndex=${start}&count=2`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({
        totalResults: total,
        startIndex: start,
        itemsPerPage: Math.min(2, total - start + 1),
      });
      seen.push(...page.body.Resources.map((r: { id: string }) => r.id));
    }
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual(expect.arrayContaining([owner.userId, ...made]));
    // Creation order: the owner first, the imported users last.
    expect(seen[0]).toBe(owner.userId);
    expect(seen.slice(-3)).toEqual(made);
  });
});

/**
 * Okta's "Okta SCIM 2.0 SPEC Test", the Runscope suite Okta requires before it lists a SCIM app
 * integration (developer.okta.com/docs/guides/build-provisioning-integration/test-scim-api/, file
 * Okta-SCIM-20-SPEC-Test.json; the same file is vendored as tests/scim_tests/scim_e2e_test.json
 * in BerriAI/litellm). One test per request step, in the suite's order, with the suite's headers,
 * URLs and bodies, asserting what each step asserts (its pauses are left out). The random values
 * stand for the suite's initial variables. A last step deactivates the user as Okta's CRUD suite does.
 */
describe('SCIM: Okta SCIM 2.0 SPEC Test (Runscope), step by step', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  const rand = randomBytes(4).toString('hex');
  const v = {
    auth: `Bearer ${SCIM_KEY}`,
    randomGivenName: `Given${rand}`,
    randomFamilyName: `Family${rand}`,
    randomUsername: `Runscope${rand}Test@atko.com`,
    randomEmail: `Runscope${rand}Email@atko.com`,
    InvalidUserEmail: `invalid-${rand}@example.com`,
    UserIdThatDoesNotExist: randomUUID(),
  };
  const randomUsernameCaps = v.randomUsername.toUpperCase();
  /** Variables the steps capture. */
  let ISVUserid: string;
  let idUserOne: string;

  beforeAll(async () => {
    ({ t, db, owner } = await openScimWorld());
  });
  afterAll(() => closeWorld(t, db));

  /** A GET as the suite sends it. */
  const get = (path: string, authorization = v.auth) =>
    t.http
      .get(`/scim/v2${path}`)
      .set('Accept-Charset', 'utf-8')
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .set('Accept', 'application/scim+json')
      .set('Authorization', authorization)
      .set('User-Agent', 'OKTA SCIM Integration');
  /** The suite's two POSTs: `application/json` bodies. */
  const post = (body: string) =>
    t.http
      .post('/scim/v2/Users')
      .set('Content-Type', 'application/json')
      .set('Authorization', v.auth)
      .set('Accept', 'application/scim+json; charset=utf-8')
      .send(body);
  const byUserName = (userName: string) => `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
  const createBody = (email: string) =>
    JSON.stringify({
      schemas: [SCIM_USER],
      userName: v.randomUsername,
      name: { givenName: v.randomGivenName, familyName: v.randomFamilyName },
      emails: [{ primary: true, value: email, type: 'work' }],
      displayName: `${v.randomGivenName} ${v.randomFamilyName}`,
      active: true,
    });
  /** Runscope's `not_empty`: present, and not an empty string, array or object. */
  const notEmpty = (value: unknown) => {
    expect(value).toBeDefined();
    expect(value).not.toBeNull();
    expect(value).not.toEqual('');
    expect(value).not.toEqual([]);
    expect(value).not.toEqual({});
  };
  const requiredUserFields = (user: JsonObject) => {
    notEmpty(user.id);
    notEmpty(user.name?.familyName);
    notEmpty(user.name?.givenName);
    notEmpty(user.userName);
    notEmpty(user.active);
    notEmpty(user.emails?.[0]?.value);
  };

  it('1. Required Test: Test Users endpoint (GET /Users?count=1&startIndex=1; the first user is the owner, made in Coder)', async () => {
    const res = await get('/Users?count=1&startIndex=1');
    expect(res.status).toBe(200);
    notEmpty(res.body.Resources);
    expect(res.body.schemas).toContain(SCIM_LIST);
    for (const key of ['itemsPerPage', 'startIndex', 'totalResults']) expect(typeof res.body[key]).toBe('number');
    const first = res.body.Resources[0];
    requiredUserFields(first);
    expect(first.id).toBe(owner.userId);
    // The owner has no name in Coder: both parts fall back to the username.
    expect(first.name).toEqual({ givenName: owner.username, familyName: owner.username });
    ISVUserid = first.id;
  });

  it('2. Required Test: Get Users/{{id}}', async () => {
    const res = await get(`/Users/${ISVUserid}`);
    expect(res.status).toBe(200);
    requiredUserFields(res.body);
    expect(res.body.id).toBe(ISVUserid);
  });

  it('3. Required Test: Test invalid User by username', async () => {
    const res = await get(byUserName(v.InvalidUserEmail));
    expect(res.status).toBe(200);
    expect(res.body.schemas).toContain(SCIM_LIST);
    expect(res.body.totalResults).toBe(0);
  });

  it('4. Required Test: Test invalid User by ID', async () => {
    const res = await get(`/Users/${v.UserIdThatDoesNotExist}`);
    expect(res.status).toBe(404);
    notEmpty(res.body.detail);
    expect(res.body.schemas).toContain(SCIM_ERROR);
  });

  it("5. Required Test: Make sure random user doesn't exist", async () => {
    const res = await get(byUserName(v.randomEmail));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
    expect(res.body.schemas).toContain(SCIM_LIST);
  });

  it('6. Required Test: Create Okta user with realistic values', async () => {
    const res = await post(createBody(v.randomEmail));
    expect(res.status).toBe(201);
    expect(res.body.active).toBe(true);
    notEmpty(res.body.id);
    expect(res.body.name.familyName).toBe(v.randomFamilyName);
    expect(res.body.name.givenName).toBe(v.randomGivenName);
    expect(res.body.schemas).toContain(SCIM_USER);
    expect(res.body.userName).toBe(v.randomUsername);
    expect(res.body.emails[0].value).toBe(v.randomEmail);
    idUserOne = res.body.id;
  });

  it('7. Required Test: Verify that user was created', async () => {
    const res = await get(`/Users/${idUserOne}`);
    expect(res.status).toBe(200);
    expect(res.body.userName).toBe(v.randomUsername);
    expect(res.body.name.familyName).toBe(v.randomFamilyName);
    expect(res.body.name.givenName).toBe(v.randomGivenName);
  });

  it('8. Required Test: Expect failure when recreating user with same values (409)', async () => {
    const res = await post(createBody(v.randomUsername));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject(scimError(409, 'uniqueness'));
    expect(
      Number(
        (
          await db.query('SELECT count(*)::int AS n FROM scim_users WHERE lower(user_name) = lower($1)', [
            v.randomUsername,
          ])
        ).rows[0].n,
      ),
    ).toBe(1);
  });

  it('9. Required Test: Username Case Sensitivity Check (userName is not case-exact: the user is found)', async () => {
    const res = await get(byUserName(randomUsernameCaps));
    expect(res.status).toBe(200);
    expect(res.body.Resources.map((r: { id: string }) => r.id)).toEqual([idUserOne]);
  });

  it('10. Optional Test: Verify Groups endpoint (200 within 600 ms, Resources an array)', async () => {
    const started = Date.now();
    const res = await get('/Groups');
    expect(Date.now() - started).toBeLessThan(600);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.Resources)).toBe(true);
  });

  it('11. Required Test: Check status 401', async () => {
    const res = await get(byUserName(randomUsernameCaps), 'non-token');
    expect(res.status).toBe(401);
    notEmpty(res.body.detail);
    expect(res.body.status).toBe('401');
    expect(res.body.schemas).toContain(SCIM_ERROR);
  });

  it('12. Required Test: Check status 404', async () => {
    const res = await get('/Users/00919288221112222');
    expect(res.status).toBe(404);
    notEmpty(res.body.detail);
    expect(res.body.status).toBe('404');
    expect(res.body.schemas).toContain(SCIM_ERROR);
  });

  it("13. (Okta's CRUD suite) Deactivate: PATCH active=false suspends the user, who stays listed as inactive", async () => {
    const res = await t.http
      .patch(`/scim/v2/Users/${idUserOne}`)
      .set('Authorization', v.auth)
      .set('Content-Type', 'application/scim+json; charset=utf-8')
      .send(JSON.stringify({ schemas: [SCIM_PATCH], Operations: [{ op: 'replace', value: { active: false } }] }));
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await db.query('SELECT status FROM users WHERE id = $1', [idUserOne])).rows[0].status).toBe('suspended');
    expect((await get(byUserName(v.randomUsername))).body.Resources).toEqual([
      expect.objectContaining({ id: idUserOne, active: false }),
    ]);
  });
});
