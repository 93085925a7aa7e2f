import type pg from 'pg';
import type { Response } from 'supertest';
import { closeWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { isoTime } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { rawRequest } from '../helpers/raw-request.js';
import {
  oktaUser,
  openScimWorld,
  scimClient,
  scimError,
  SCIM_KEY,
  SCIM_LIST,
  SCIM_PATCH,
  SCIM_USER,
  type ScimClient,
} from '../helpers/scim.js';
import { auth, createOrg, createUser, unique, type Owner } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

/**
 * SCIM 2.0 /Users (RFC 7643/7644): mounts and auth, list and filters, get, create, replace,
 * patch and delete, each error with its status and scimType, and what ends up in the database.
 * The Okta provisioning sequence is replayed in scim-okta.e2e-spec.ts.
 */

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const SCIM_ACTOR = { automatic_actor: 'coder', automatic_subsystem: 'scim' };

/** Status, Content-Type and body of an RFC 7644 §3.12 error (no scimType unless given). */
function expectScimError(res: Response, status: number, scimType?: string, detail: RegExp = /./): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { ...scimError(status, scimType), detail: expect.stringMatching(detail) },
  });
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
}

const patchOp = (...operations: Record<string, unknown>[]) => ({ schemas: [SCIM_PATCH], Operations: operations });

describe('SCIM /Users', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, db, owner, scim } = await openScimWorld({ license: false }));
  });
  afterAll(() => closeWorld(t, db));

  /** The users row joined with its scim_users row. */
  const stored = async (id: string) => {
    const res = await db.query(
      `SELECT u.username, u.email, u.name, u.status, u.login_type, u.deleted, u.hashed_password,
              s.user_name, s.external_id, s.given_name, s.family_name, s.formatted_name, s.email_type, s.deprovisioned_at
         FROM users u LEFT JOIN scim_users s ON s.user_id = u.id WHERE u.id = $1`,
      [id],
    );
    return res.rows[0] as Record<string, unknown> | undefined;
  };
  const usersNamed = async (like: string) =>
    Number(
      (await db.query(`SELECT count(*)::int AS n FROM users WHERE username ILIKE $1 OR email ILIKE $1`, [like])).rows[0]
        .n,
    );
  const auditOf = async (id: string) =>
    (
      await db.query(
        `SELECT action, resource_type, resource_target, status_code, user_id, organization_id, additional_fields, diff
           FROM audit_logs WHERE resource_id = $1 ORDER BY time, id`,
        [id],
      )
    ).rows as JsonObject[];

  describe('without the scim entitlement', () => {
    it('answers 403 in the SCIM error schema with no license, and with a license of other features only', async () => {
      expectScimError(await scim('get', '/Users'), 403, undefined, /^SCIM is an Enterprise feature\. Contact sales!$/);
      await addLicense(t, owner, ['template_rbac', 'audit_log']);
      expectScimError(await scim('get', '/Users'), 403, undefined, /Enterprise feature/);
      const name = unique('nolicense');
      expectScimError(await scim('post', '/Users', oktaUser(`${name}@example.com`)), 403);
      expect(await usersNamed(`${name}%`)).toBe(0);
      // The key is checked before the license: an anonymous caller learns nothing about it.
      expectScimError(await scimClient(t, '/scim/v2', 'Bearer wrong')('get', '/Users'), 401);
    });
  });

  describe('with the scim entitlement', () => {
    let api: ScimClient;
    beforeAll(async () => {
      await addLicense(t, owner, ['scim', 'template_rbac']);
      api = scimClient(t, '/api/v2/scim/v2');
    });

    /** POST /Users, expecting 201; returns the created resource. */
    const create = async (userName: string, extra: Record<string, unknown> = {}) => {
      const res = await scim('post', '/Users', oktaUser(userName, extra));
      expect(res.status).toBe(201);
      return res.body as JsonObject;
    };
    const list = (query: Record<string, string | number>, client: ScimClient = scim) =>
      client(
        'get',
        `/Users?${Object.entries(query)
          .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
          .join('&')}`,
      );
    const userNames = (res: Response) => (res.body.Resources as { userName: string }[]).map((r) => r.userName);

    describe('mounts and authentication', () => {
      it('serves the same handlers at /scim/v2 and /api/v2/scim/v2 (only meta.location differs)', async () => {
        const name = `${unique('mount')}@example.com`;
        const created = (await api('post', '/Users', oktaUser(name)).expect(201)).body;
        expect(created.meta.location).toMatch(new RegExp(`^http://[^/]+/api/v2/scim/v2/Users/${created.id}$`));
        const viaRoot = await scim('get', `/Users/${created.id}`).expect(200);
        const viaApi = await api('get', `/Users/${created.id}`).expect(200);
        expect(viaRoot.body.meta.location).toBe(created.meta.location.replace('/api/v2/scim/v2/', '/scim/v2/'));
        const { meta: m1, ...rest1 } = viaRoot.body;
        const { meta: m2, ...rest2 } = viaApi.body;
        expect(rest1).toEqual(rest2);
        expect({ ...m1, location: '' }).toEqual({ ...m2, location: '' });
        expect(rest1.userName).toBe(name);
        const listed = await list({ filter: `userName eq "${name}"` }, api).expect(200);
        expect(listed.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.id]);
        expect(listed.headers['content-type']).toMatch(/^application\/scim\+json/);
      });

      it.each([
        ['Bearer <key>', `Bearer ${SCIM_KEY}`],
        ['bearer <key> (scheme is case-insensitive)', `bearer ${SCIM_KEY}`],
        ["the raw key (Coder's form)", SCIM_KEY],
      ])('accepts %s', async (_label, header) => {
        const client = scimClient(t, '/scim/v2', header);
        const name = `${unique('keyform')}@example.com`;
        const res = await client('post', '/Users', oktaUser(name));
        expect(res.status).toBe(201);
        expect((await client('get', `/Users/${res.body.id}`)).status).toBe(200);
        expect(await usersNamed(name)).toBe(1);
      });

      it.each([
        ['a wrong key', 'Bearer not-the-key'],
        ['the key with a suffix', `Bearer ${SCIM_KEY}x`],
        ['Bearer and nothing else', 'Bearer'],
        ['another scheme', `Basic ${SCIM_KEY}`],
      ])('answers 401 with WWW-Authenticate for %s', async (_label, header) => {
        const name = unique('badkey');
        const res = await scimClient(t, '/scim/v2', header)('post', '/Users', oktaUser(`${name}@example.com`));
        expectScimError(res, 401, undefined, /Authorization/);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="SCIM"');
        expect(await usersNamed(`${name}%`)).toBe(0);
      });

      it('answers 401 without an Authorization header, on both mounts', async () => {
        expectScimError(await t.http.get('/scim/v2/Users'), 401);
        expectScimError(await t.http.get('/api/v2/scim/v2/Users'), 401);
      });

      it("does not accept the owner's session token, as a header or as a Bearer token", async () => {
        // The token is good elsewhere…
        await t.http.get('/api/v2/users/me').set(auth(owner.token)).expect(200);
        expectScimError(await t.http.get('/scim/v2/Users').set(auth(owner.token)), 401);
        expectScimError(await t.http.get('/api/v2/scim/v2/Users').set(auth(owner.token)), 401);
        expectScimError(await t.http.get('/scim/v2/Users').set('Authorization', `Bearer ${owner.token}`), 401);
        const name = unique('session');
        const res = await t.http
          .post('/scim/v2/Users')
          .set(auth(owner.token))
          .set('Content-Type', 'application/scim+json')
          .send(JSON.stringify(oktaUser(`${name}@example.com`)));
        expectScimError(res, 401);
        expect(await usersNamed(`${name}%`)).toBe(0);
      });

      it('reads application/json bodies as well as application/scim+json', async () => {
        const name = `${unique('json')}@example.com`;
        const res = await t.http
          .post('/scim/v2/Users')
          .set('Authorization', `Bearer ${SCIM_KEY}`)
          .set('Content-Type', 'application/json')
          .send(oktaUser(name));
        expect(res.status).toBe(201);
        expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
        const patched = await t.http
          .patch(`/scim/v2/Users/${res.body.id}`)
          .set('Authorization', `Bearer ${SCIM_KEY}`)
          .set('Content-Type', 'application/json; charset=utf-8')
          .send(patchOp({ op: 'replace', path: 'active', value: false }));
        expect(patched.status).toBe(200);
        expect((await stored(res.body.id))!.status).toBe('suspended');
        // No Content-Type at all: still read as JSON.
        const bare = `${unique('bare')}@example.com`;
        const untyped = await rawRequest(t.baseUrl, {
          method: 'POST',
          path: '/scim/v2/Users',
          headers: { Authorization: `Bearer ${SCIM_KEY}` },
          body: JSON.stringify(oktaUser(bare)),
        });
        expect(untyped.requestHeaders['content-type']).toBeUndefined();
        expect(untyped.status).toBe(201);
        expect(await stored((untyped.body as { id: string }).id)).toMatchObject({ email: bare, user_name: bare });
      });

      it('answers 404 "Route not found." in Coder\'s envelope on both mounts when no SCIM key is configured', async () => {
        // A second server on the same database, started without CODER_SCIM_AUTH_HEADER.
        const plain = await startTestApp({ databaseUrl: t.databaseUrl });
        try {
          for (const path of [
            '/scim/v2/Users',
            '/api/v2/scim/v2/Users',
            '/scim/v2/Users/00000000-0000-0000-0000-000000000001',
          ]) {
            const res = await plain.http.get(path).set('Authorization', `Bearer ${SCIM_KEY}`);
            expect({ status: res.status, body: res.body }).toEqual({
              status: 404,
              body: { message: 'Route not found.' },
            });
            expect(res.headers['content-type']).toMatch(/^application\/json/);
          }
          const name = unique('nokey');
          const res = await plain.http
            .post('/scim/v2/Users')
            .set('Authorization', SCIM_KEY)
            .send(oktaUser(`${name}@example.com`));
          expect({ status: res.status, body: res.body }).toEqual({
            status: 404,
            body: { message: 'Route not found.' },
          });
          expect(await usersNamed(`${name}%`)).toBe(0);
        } finally {
          await plain.close();
        }
        // This server still serves SCIM.
        await scim('get', '/Users?count=1').expect(200);
      });

      it('checks the key before reading the body: a bad key with bad JSON is 401, not 400', async () => {
        const res = await t.http
          .post('/scim/v2/Users')
          .set('Authorization', 'Bearer nope')
          .set('Content-Type', 'application/scim+json')
          .send('{"userName":');
        expectScimError(res, 401);
      });
    });

    describe('create (POST /Users)', () => {
      it('answers 201 with Location, ETag and meta, and stores an oidc user in the default organization', async () => {
        const local = unique('alice');
        const userName = `${local}@example.com`;
        const res = await scim(
          'post',
          '/Users',
          oktaUser(userName, { externalId: `ext-${local}`, displayName: 'Alice Liddell' }),
        );
        expect(res.status).toBe(201);
        const id = res.body.id as string;
        expect(id).toMatch(UUID_RE);
        expect(res.body).toEqual({
          schemas: [SCIM_USER],
          id,
          externalId: `ext-${local}`,
          userName,
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          displayName: 'Alice Liddell',
          emails: [{ value: userName, type: 'work', primary: true }],
          active: true,
          meta: {
            resourceType: 'User',
            created: isoTime(),
            lastModified: isoTime(),
            location: expect.stringMatching(new RegExp(`^http://[^/]+/scim/v2/Users/${id}$`)),
            version: expect.stringMatching(/^W\/".+"$/),
          },
        });
        expect(res.headers.location).toBe(res.body.meta.location);
        expect(res.headers.etag).toBe(res.body.meta.version);
        expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);

        expect(await stored(id)).toEqual({
          username: local,
          email: userName,
          name: 'Alice Liddell',
          status: 'active',
          login_type: 'oidc',
          deleted: false,
          hashed_password: null, // Okta's password is ignored
          user_name: userName,
          external_id: `ext-${local}`,
          given_name: 'Ada',
          family_name: 'Lovelace',
          formatted_name: null,
          email_type: 'work',
          deprovisioned_at: null,
        });
        const members = await db.query('SELECT organization_id FROM organization_members WHERE user_id = $1', [id]);
        expect(members.rows).toEqual([{ organization_id: owner.orgId }]);
        const audit = await auditOf(id);
        expect(audit).toEqual([
          expect.objectContaining({
            action: 'create',
            resource_type: 'user',
            resource_target: local,
            status_code: 201,
            user_id: NIL_UUID,
            organization_id: owner.orgId,
            additional_fields: SCIM_ACTOR,
          }),
        ]);
        expect(audit[0].diff.username).toEqual({ old: null, new: local, secret: false });

        // Coder's own API sees the user too.
        const coder = await t.http.get(`/api/v2/users/${id}`).set(auth(owner.token)).expect(200);
        expect(coder.body).toMatchObject({ username: local, email: userName, login_type: 'oidc', status: 'active' });
      });

      it.each([
        ['keeps a userName that is a valid Coder username', (u: string) => u, (u: string) => u],
        ['cuts the domain off an email', (u: string) => `${u}@corp.example.com`, (u: string) => u],
        [
          'strips characters outside [a-zA-Z0-9-]',
          (u: string) => `${u}.Dot_ted+tag@example.com`,
          (u: string) => `${u}Dottedtag`,
        ],
        ['strips them without an @ too', (u: string) => `${u}_with.dots`, (u: string) => `${u}withdots`],
      ])('derives the Coder username as Coder does: %s', async (_label, userNameOf, expected) => {
        const u = unique('d');
        const userName = userNameOf(u);
        const body = await create(userName, { emails: [{ value: `${u}@mail.example.com`, primary: true }] });
        expect(body.userName).toBe(userName); // the identity provider's userName is kept as it is
        expect(await stored(body.id)).toMatchObject({ username: expected(u), user_name: userName });
      });

      it('picks a random name when nothing valid is left, and a suffix when the derived username is taken', async () => {
        const random = await create('__@example.com', { emails: [{ value: `${unique('rnd')}@example.com` }] });
        expect((await stored(random.id))!.username).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);

        const coderUser = await createUser(t, owner);
        const body = await create(`${coderUser.username}@elsewhere.example.com`);
        expect((await stored(body.id))!.username).toBe(`${coderUser.username}-2`);
      });

      it('uses the primary email, or the first one when none is primary', async () => {
        const u = unique('mail');
        const primary = await create(`${u}a`, {
          emails: [
            { value: `${u}-home@example.com`, type: 'home' },
            { value: `${u}-work@example.com`, type: 'work', primary: true },
          ],
        });
        expect(primary.emails).toEqual([{ value: `${u}-work@example.com`, type: 'work', primary: true }]);
        expect(await stored(primary.id)).toMatchObject({ email: `${u}-work@example.com`, email_type: 'work' });

        const first = await create(`${u}b`, {
          emails: [
            { value: `${u}-first@example.com`, type: 'home' },
            { value: `${u}-second@example.com`, type: 'work' },
          ],
        });
        expect(first.emails).toEqual([{ value: `${u}-first@example.com`, type: 'home', primary: true }]);
        expect(await stored(first.id)).toMatchObject({ email: `${u}-first@example.com`, email_type: 'home' });

        // No emails: an email userName is the email (and the type defaults to work).
        const none = await create(`${u}c@example.com`, { emails: undefined });
        expect(none.emails).toEqual([{ value: `${u}c@example.com`, type: 'work', primary: true }]);
        expect(await stored(none.id)).toMatchObject({ email: `${u}c@example.com`, email_type: null });
      });

      it('creates a suspended user for active false (also the string "False"), and ignores unknown attributes', async () => {
        const a = await create(`${unique('inact')}@example.com`, { active: false });
        expect(a.active).toBe(false);
        expect((await stored(a.id))!.status).toBe('suspended');
        const b = await create(`${unique('inact')}@example.com`, {
          active: 'False',
          schemas: [SCIM_USER, ENTERPRISE],
          [ENTERPRISE]: { department: 'R&D' },
          phoneNumbers: [{ value: '+1 555', type: 'work' }],
          title: 'Engineer',
        });
        expect(b.active).toBe(false);
        expect(b).not.toHaveProperty('title');
        expect(b).not.toHaveProperty('phoneNumbers');
        expect((await stored(b.id))!.status).toBe('suspended');
      });

      describe('409 uniqueness', () => {
        it('for a userName or an email that a SCIM user already has (case-insensitively)', async () => {
          const u = unique('dup');
          const first = await create(`${u}@example.com`);
          const sameName = await scim(
            'post',
            '/Users',
            oktaUser(`${u.toUpperCase()}@EXAMPLE.com`, {
              emails: [{ value: `${u}-other@example.com`, primary: true }],
            }),
          );
          expectScimError(
            sameName,
            409,
            'uniqueness',
            new RegExp(`userName .* is already taken \\(user ${first.id}\\)`),
          );
          const sameEmail = await scim(
            'post',
            '/Users',
            oktaUser(`${u}-other`, { emails: [{ value: `${u}@Example.COM`, primary: true }] }),
          );
          expectScimError(sameEmail, 409, 'uniqueness', /email .* is already taken/);
          expect(await usersNamed(`${u}%`)).toBe(1);
        });

        it("for a user created through Coder's own API (its username or its email)", async () => {
          const coderUser = await createUser(t, owner);
          const byName = await scim(
            'post',
            '/Users',
            oktaUser(coderUser.username, { emails: [{ value: `${unique('x')}@example.com`, primary: true }] }),
          );
          expectScimError(byName, 409, 'uniqueness', new RegExp(`is already taken \\(user ${coderUser.userId}\\)`));
          const byEmail = await scim(
            'post',
            '/Users',
            oktaUser(`${unique('y')}@example.com`, { emails: [{ value: coderUser.email, primary: true }] }),
          );
          expectScimError(
            byEmail,
            409,
            'uniqueness',
            new RegExp(`email .* is already taken \\(user ${coderUser.userId}\\)`),
          );
          // The Coder user is untouched, and has no scim_users row.
          expect(await stored(coderUser.userId)).toMatchObject({
            username: coderUser.username,
            login_type: 'password',
            user_name: null,
          });
        });
      });

      it('accepts bodies without schemas (POST, and PATCH with Operations)', async () => {
        const { schemas: _s, ...body } = oktaUser(`${unique('noschema')}@example.com`);
        const res = await scim('post', '/Users', body);
        expect(res.status).toBe(201);
        const patched = await scim('patch', `/Users/${res.body.id}`, {
          Operations: [{ op: 'replace', path: 'active', value: false }],
        });
        expect(patched.status).toBe(200);
        expect((await stored(res.body.id))!.status).toBe('suspended');
      });

      it('lets one of several concurrent POSTs of one userName through and answers 409 to the others', async () => {
        const userName = `${unique('race')}@example.com`;
        const answers = await Promise.all([1, 2, 3, 4].map(() => scim('post', '/Users', oktaUser(userName))));
        expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
        for (const r of answers.filter((a) => a.status === 409)) expectScimError(r, 409, 'uniqueness');
        expect(await usersNamed(userName)).toBe(1);
      });

      it('comes back under a new id after Coder deleted the user (the old SCIM row is released)', async () => {
        const userName = `${unique('gone')}@example.com`;
        const first = await create(userName);
        await t.http.delete(`/api/v2/users/${first.id}`).set(auth(owner.token)).expect(200);
        expectScimError(await scim('get', `/Users/${first.id}`), 404);
        const again = await create(userName);
        expect(again.id).not.toBe(first.id);
        expect((await stored(first.id))!.deleted).toBe(true);
        expect(await stored(again.id)).toMatchObject({ deleted: false, user_name: userName, status: 'active' });
        const rows = await db.query('SELECT user_id FROM scim_users WHERE lower(user_name) = lower($1)', [userName]);
        expect(rows.rows).toEqual([{ user_id: again.id }]);
      });

      it.each([
        ['no userName', { userName: undefined }, 'invalidValue', /userName is required/],
        ['an empty userName', { userName: '  ' }, 'invalidValue', /userName is required/],
        ['a userName that is not a string', { userName: 42 }, 'invalidValue', /userName must be a string/],
        ['a userName over 255 characters', { userName: `${'u'.repeat(256)}` }, 'invalidValue', /at most 255/],
        [
          'no email and a userName that is not one',
          { userName: 'plain-name-x', emails: [] },
          'invalidValue',
          /emails is required/,
        ],
        [
          'an invalid email',
          { emails: [{ value: 'not-an-email', primary: true }] },
          'invalidValue',
          /not a valid email/,
        ],
        [
          'two primary emails',
          {
            emails: [
              { value: 'a@x.example', primary: true },
              { value: 'b@x.example', primary: true },
            ],
          },
          'invalidValue',
          /At most one email/,
        ],
        [
          'an email that is not an object',
          { emails: ['a@x.example'] },
          'invalidValue',
          /emails\[0\] must be an object/,
        ],
        ['active that is not a boolean', { active: 'yes' }, 'invalidValue', /active must be a boolean/],
        ['name that is not an object', { name: 'Ada' }, 'invalidValue', /name must be an object/],
        ['schemas without the User schema', { schemas: [SCIM_PATCH] }, 'invalidSyntax', /schemas must contain/],
        ['externalId that is not a string', { externalId: 7 }, 'invalidValue', /externalId must be a string/],
      ])('answers 400 for %s', async (_label, extra, scimType, detail) => {
        const u = unique('bad');
        const body = { ...oktaUser(`${u}@example.com`), ...extra };
        expectScimError(await scim('post', '/Users', body), 400, scimType, detail);
        expect(await usersNamed(`${u}%`)).toBe(0);
      });

      it.each([
        ['malformed JSON', '{"userName": "x@example.com",'],
        ['a JSON array', '[{"userName": "x@example.com"}]'],
        ['a JSON string', '"x@example.com"'],
        ['a JSON null', 'null'],
      ])('answers 400 invalidSyntax for %s', async (_label, text) => {
        const before = await usersNamed('%');
        const res = await t.http
          .post('/scim/v2/Users')
          .set('Authorization', `Bearer ${SCIM_KEY}`)
          .set('Content-Type', 'application/scim+json')
          .send(text);
        expectScimError(res, 400, 'invalidSyntax');
        expect(await usersNamed('%')).toBe(before);
      });

      it('answers 413 tooMany for a body over 1 MiB (after the key check)', async () => {
        const u = unique('huge');
        const body = JSON.stringify(oktaUser(`${u}@example.com`, { title: 'x'.repeat(1024 * 1024) }));
        const res = await rawRequest(t.baseUrl, {
          method: 'POST',
          path: '/scim/v2/Users',
          headers: { Authorization: `Bearer ${SCIM_KEY}`, 'Content-Type': 'application/scim+json' },
          body,
        });
        expect({ status: res.status, body: res.body }).toEqual({
          status: 413,
          body: { ...scimError(413, 'tooMany'), detail: 'The request body is larger than 1 MiB.' },
        });
        expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
        const anonymous = await rawRequest(t.baseUrl, {
          method: 'POST',
          path: '/scim/v2/Users',
          headers: { Authorization: 'Bearer nope', 'Content-Type': 'application/scim+json' },
          body,
        });
        expect(anonymous.status).toBe(401);
        expect(await usersNamed(`${u}%`)).toBe(0);
      });
    });

    describe('get (GET /Users/{id})', () => {
      it('answers the user with an ETag, for any case of the id, and 304 for a matching If-None-Match', async () => {
        const created = await create(`${unique('get')}@example.com`);
        const res = await scim('get', `/Users/${created.id.toUpperCase()}`).expect(200);
        expect(res.body).toEqual(created);
        expect(res.headers.etag).toBe(created.meta.version);
        const cached = await scim('get', `/Users/${created.id}`).set('If-None-Match', created.meta.version);
        expect(cached.status).toBe(304);
        expect(cached.headers.etag).toBe(created.meta.version);
        const stale = await scim('get', `/Users/${created.id}`).set('If-None-Match', 'W/"other"');
        expect(stale.status).toBe(200);
      });

      it('shows a user made in Coder with its username as userName', async () => {
        const coderUser = await createUser(t, owner);
        const res = await scim('get', `/Users/${coderUser.userId}`).expect(200);
        expect(res.body).toMatchObject({
          id: coderUser.userId,
          userName: coderUser.username,
          emails: [{ value: coderUser.email, type: 'work', primary: true }],
          active: true,
        });
        expect(res.body).not.toHaveProperty('externalId');
      });

      it.each([
        ['no name: the username for both', '', (u: string) => ({ givenName: u, familyName: u })],
        ['one word: that word for both', 'Plato', () => ({ givenName: 'Plato', familyName: 'Plato' })],
        [
          'split at the last space',
          'Grace Brewster  Hopper',
          () => ({ givenName: 'Grace Brewster', familyName: 'Hopper' }),
        ],
      ])(
        "gives a user made in Coder name parts derived from Coder's name (%s), in the list and filters too",
        async (_label, name, parts) => {
          const coderUser = await createUser(t, owner);
          if (name)
            await t.http
              .put(`/api/v2/users/${coderUser.userId}/profile`)
              .set(auth(owner.token))
              .send({ username: coderUser.username, name })
              .expect(200);
          const expected = parts(coderUser.username);
          const res = await scim('get', `/Users/${coderUser.userId}`).expect(200);
          expect(res.body.name).toEqual(expected);
          if (name) expect(res.body.displayName).toBe(name);
          else expect(res.body).not.toHaveProperty('displayName');
          const listed = await list({ filter: `userName eq "${coderUser.username}"` }).expect(200);
          expect(listed.body.Resources).toEqual([res.body]);
          for (const filter of [
            `name.givenName eq "${expected.givenName}"`,
            `name.familyName eq "${expected.familyName}"`,
          ]) {
            const found = await list({ filter: `${filter} and userName eq "${coderUser.username}"` }).expect(200);
            expect(found.body.totalResults).toBe(1);
          }
          // Derived for display only: nothing is stored for the user.
          expect((await db.query('SELECT 1 FROM scim_users WHERE user_id = $1', [coderUser.userId])).rowCount).toBe(0);
          // A PATCH of something else does not store them either.
          await scim(
            'patch',
            `/Users/${coderUser.userId}`,
            patchOp({ op: 'replace', path: 'externalId', value: `x-${coderUser.username}` }),
          ).expect(200);
          expect(await stored(coderUser.userId)).toMatchObject({ given_name: null, family_name: null, name });
        },
      );

      it('keeps provisioned name parts, deriving only a missing one', async () => {
        const onlyGiven = await create(`${unique('given')}@example.com`, {
          name: { givenName: 'Ada' },
          displayName: 'Ada King Lovelace',
        });
        expect(onlyGiven.name).toEqual({ givenName: 'Ada', familyName: 'Lovelace' });
        expect(await stored(onlyGiven.id)).toMatchObject({ given_name: 'Ada', family_name: null });
      });

      it.each([
        ['an unknown id', '6f1c7a52-3d1e-4a8b-9f0e-2b5c8d9e0a11'],
        ['a malformed id', 'not-a-uuid'],
        ['a username', 'admin'],
        ['the nil uuid', NIL_UUID],
      ])('answers 404 for %s', async (_label, id) => {
        expectScimError(await scim('get', `/Users/${id}`), 404, undefined, /^Resource not found\.$/);
      });

      it('does not show a user who is only a member of another organization', async () => {
        const orgId = await createOrg(t, owner);
        const outsider = await createUser(t, owner, { orgId });
        const inDefault = await db.query(
          'SELECT 1 FROM organization_members WHERE user_id = $1 AND organization_id = $2',
          [outsider.userId, owner.orgId],
        );
        expect(inDefault.rowCount).toBe(0);
        expectScimError(await scim('get', `/Users/${outsider.userId}`), 404);
        expect((await list({ filter: `userName eq "${outsider.username}"` }).expect(200)).body.totalResults).toBe(0);
        expectScimError(
          await scim('patch', `/Users/${outsider.userId}`, patchOp({ op: 'replace', path: 'active', value: false })),
          404,
        );
        expect((await stored(outsider.userId))!.status).toBe('active');
      });
    });

    describe('list (GET /Users)', () => {
      let p: string;
      let users: JsonObject[];
      beforeAll(async () => {
        p = unique('lst');
        users = [];
        // a, b, c, d in creation order; b has no externalId, d is suspended.
        users.push(await create(`${p}-a@example.com`, { externalId: `EXT-${p}-a` }));
        users.push(await create(`${p}-b@corp.example.com`, { externalId: undefined }));
        users.push(
          await create(`${p}-c@example.com`, {
            externalId: `EXT-${p}-c`,
            name: { givenName: 'Cecil', familyName: 'Zed' },
          }),
        );
        users.push(await create(`${p}-d@example.com`, { externalId: `EXT-${p}-d`, active: false }));
      });
      const ids = (res: Response) => (res.body.Resources as { id: string }[]).map((r) => r.id);
      const find = async (filter: string) => {
        const res = await list({ filter });
        expect(res.status).toBe(200);
        return userNames(res);
      };

      it('answers a ListResponse in creation order', async () => {
        const res = await list({ filter: `userName sw "${p}"` }).expect(200);
        expect(res.body).toEqual({
          schemas: [SCIM_LIST],
          totalResults: 4,
          startIndex: 1,
          itemsPerPage: 4,
          Resources: users,
        });
      });

      it('answers an empty list for a filter matching nothing (what Okta asks before a create)', async () => {
        const res = await list({ filter: `userName eq "${p}-none@example.com"`, startIndex: 1, count: 100 }).expect(
          200,
        );
        expect(res.body).toEqual({
          schemas: [SCIM_LIST],
          totalResults: 0,
          startIndex: 1,
          itemsPerPage: 0,
          Resources: [],
        });
      });

      it.each([
        [
          'userName eq (value case-insensitive)',
          (p: string) => `userName eq "${p.toUpperCase()}-A@EXAMPLE.COM"`,
          ['a'],
        ],
        ['USERNAME eq (attribute name case-insensitive)', (p: string) => `USERNAME eq "${p}-a@example.com"`, ['a']],
        ['with the schema URN', (p: string) => `${SCIM_USER}:userName eq "${p}-c@example.com"`, ['c']],
        ['externalId eq (case-exact)', (p: string) => `externalId eq "EXT-${p}-c"`, ['c']],
        ['externalId eq in another case', (p: string) => `externalid eq "ext-${p}-c"`, []],
        ['emails.value eq', (p: string) => `emails.value eq "${p}-b@corp.example.com"`, ['b']],
        ['EMAILS.VALUE co', (p: string) => `EMAILS.VALUE co "${p}-b@corp"`, ['b']],
        ['emails co (the value)', (p: string) => `emails co "${p}-c@"`, ['c']],
        ['emails[type eq "work"] value filter', (p: string) => `emails[type eq "work" and value sw "${p}-d"]`, ['d']],
        ['ne', (p: string) => `userName sw "${p}" and userName ne "${p}-a@example.com"`, ['b', 'c', 'd']],
        ['co', (p: string) => `userName co "${p}-c@exa"`, ['c']],
        ['sw', (p: string) => `userName sw "${p}-b"`, ['b']],
        ['ew', (p: string) => `userName sw "${p}" and userName ew "@corp.example.com"`, ['b']],
        ['pr', (p: string) => `userName sw "${p}" and externalId pr`, ['a', 'c', 'd']],
        ['not pr', (p: string) => `userName sw "${p}" and not (externalId pr)`, ['b']],
        ['active eq false', (p: string) => `userName sw "${p}" and active eq false`, ['d']],
        ['Active Eq True', (p: string) => `userName sw "${p}" And Active Eq True`, ['a', 'b', 'c']],
        ['or', (p: string) => `userName eq "${p}-a@example.com" or emails.value eq "${p}-d@example.com"`, ['a', 'd']],
        [
          'and of or in parentheses',
          (p: string) => `userName sw "${p}" and (externalId eq "EXT-${p}-a" or active eq false)`,
          ['a', 'd'],
        ],
        ['name.givenName eq', (p: string) => `userName sw "${p}" and name.givenName eq "cecil"`, ['c']],
      ])('filters: %s', async (_label, filter, expected) => {
        expect(await find(filter(p))).toEqual(expected.map((x) => users['abcd'.indexOf(x)].userName));
      });

      it('filters on id', async () => {
        const res = await list({ filter: `id eq "${users[2].id}"` }).expect(200);
        expect(ids(res)).toEqual([users[2].id]);
        expect(res.body.totalResults).toBe(1);
      });

      it('pages with a 1-based startIndex and count, totalResults counting every match', async () => {
        const filter = `userName sw "${p}"`;
        const page = async (startIndex: number | string, count: number | string) =>
          (await list({ filter, startIndex, count }).expect(200)).body;
        expect(await page(1, 2)).toMatchObject({
          totalResults: 4,
          startIndex: 1,
          itemsPerPage: 2,
          Resources: users.slice(0, 2),
        });
        expect(await page(3, 2)).toMatchObject({
          totalResults: 4,
          startIndex: 3,
          itemsPerPage: 2,
          Resources: users.slice(2, 4),
        });
        expect(await page(4, 10)).toMatchObject({
          totalResults: 4,
          startIndex: 4,
          itemsPerPage: 1,
          Resources: users.slice(3),
        });
        expect(await page(5, 10)).toMatchObject({ totalResults: 4, startIndex: 5, itemsPerPage: 0, Resources: [] });
        // RFC 7644 §3.4.2.4: startIndex below 1 is 1, a negative count is 0.
        expect(await page(0, 1)).toMatchObject({ startIndex: 1, itemsPerPage: 1, Resources: users.slice(0, 1) });
        expect(await page(-7, 1)).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
        expect(await page(1, 0)).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
        expect(await page(1, -3)).toMatchObject({ totalResults: 4, itemsPerPage: 0, Resources: [] });
        expect(await page(' 2 ', '+1')).toMatchObject({ startIndex: 2, itemsPerPage: 1, Resources: users.slice(1, 2) });
      });

      it.each([
        ['count=abc', { count: 'abc' }, /count must be an integer/],
        ['count=1.5', { count: '1.5' }, /count must be an integer/],
        ['startIndex=1e2', { startIndex: '1e2' }, /startIndex must be an integer/],
        ['startIndex=', { startIndex: '' }, /startIndex must be an integer/],
      ])('answers 400 invalidValue for %s', async (_label, query, detail) => {
        expectScimError(await list(query), 400, 'invalidValue', detail);
      });

      it('caps count at 200 and keeps a stable order across pages, even for users created at the same instant', async () => {
        const bulk = unique('bulk');
        // 205 users in one statement: they share created_at, so only the id orders them.
        await db.query(
          `WITH made AS (
             INSERT INTO users (id, email, username, login_type)
             SELECT gen_random_uuid(), $1 || '-' || g || '@example.com', $1 || '-' || g, 'oidc' FROM generate_series(1, 205) g
             RETURNING id)
           INSERT INTO organization_members (organization_id, user_id) SELECT $2, id FROM made`,
          [bulk, owner.orgId],
        );
        const filter = `userName sw "${bulk}-"`;
        const capped = (await list({ filter, count: 1000, attributes: 'userName' }).expect(200)).body;
        expect([capped.totalResults, capped.itemsPerPage, capped.Resources.length]).toEqual([205, 200, 200]);
        const rest = (await list({ filter, startIndex: 201, count: 1000, attributes: 'userName' }).expect(200)).body;
        expect([rest.totalResults, rest.itemsPerPage]).toEqual([205, 5]);
        const defaulted = (await list({ filter, attributes: 'id' }).expect(200)).body;
        expect(defaulted.itemsPerPage).toBe(200);

        const seen: string[] = [];
        for (let start = 1; start <= 205; start += 41) {
          seen.push(...ids(await list({ filter, startIndex: start, count: 41, attributes: 'id' }).expect(200)));
        }
        expect(new Set(seen).size).toBe(205);
        expect(seen).toEqual([...capped.Resources, ...rest.Resources].map((r: { id: string }) => r.id));
        const expected = await db.query(`SELECT id FROM users WHERE username LIKE $1 ORDER BY created_at, id`, [
          `${bulk}-%`,
        ]);
        expect(seen).toEqual(expected.rows.map((r) => r.id));
      });

      it('projects with attributes and excludedAttributes (names case-insensitive; id and schemas always)', async () => {
        const filter = `userName eq "${users[2].userName}"`;
        const only = (await list({ filter, attributes: 'USERNAME,name.givenName' }).expect(200)).body.Resources;
        expect(only).toEqual([
          { schemas: [SCIM_USER], id: users[2].id, userName: users[2].userName, name: { givenName: 'Cecil' } },
        ]);
        const emailsValue = (await list({ filter, attributes: 'emails.value,meta.resourceType' }).expect(200)).body
          .Resources;
        expect(emailsValue).toEqual([
          {
            schemas: [SCIM_USER],
            id: users[2].id,
            emails: [{ value: users[2].userName }],
            meta: { resourceType: 'User' },
          },
        ]);
        const without = (await list({ filter, excludedAttributes: 'emails,Meta,name.familyName,id' }).expect(200)).body
          .Resources;
        const { emails: _e, meta: _m, ...rest } = users[2];
        expect(without).toEqual([{ ...rest, name: { givenName: 'Cecil' } }]);
        const byId = await scim('get', `/Users/${users[0].id}?attributes=active`).expect(200);
        expect(byId.body).toEqual({ schemas: [SCIM_USER], id: users[0].id, active: true });
      });

      it('searches with POST /Users/.search the same way', async () => {
        const res = await scim('post', '/Users/.search', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
          filter: `userName sw "${p}" and active eq true`,
          startIndex: 2,
          count: 1,
          attributes: ['userName'],
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          schemas: [SCIM_LIST],
          totalResults: 3,
          startIndex: 2,
          itemsPerPage: 1,
          Resources: [{ schemas: [SCIM_USER], id: users[1].id, userName: users[1].userName }],
        });
      });

      it.each([
        ['a missing value', 'userName eq'],
        ['an unknown operator', 'userName xx "a"'],
        ['an unclosed parenthesis', '(userName eq "a"'],
        ['an unterminated string', 'userName eq "a'],
        ['a trailing token', 'userName eq "a" "b"'],
        ['an unknown attribute', 'nickName eq "a"'],
        ['an unknown sub-attribute', 'emails.foo eq "a"'],
        ['gt on a boolean', 'active gt true'],
        ['a boolean compared with a string', 'active eq "yes"'],
        ['a string compared with a number', 'userName eq 42'],
        ['an empty filter', ''],
        ['another schema', 'urn:example:Other:userName eq "a"'],
      ])('answers 400 invalidFilter for %s', async (_label, filter) => {
        expectScimError(await list({ filter }), 400, 'invalidFilter');
      });

      it('answers 400 invalidFilter for a filter given twice', async () => {
        const res = await scim(
          'get',
          `/Users?filter=${encodeURIComponent('userName eq "a"')}&filter=${encodeURIComponent('userName eq "b"')}`,
        );
        expectScimError(res, 400, 'invalidFilter', /given once/);
      });
    });

    describe('replace (PUT /Users/{id})', () => {
      it('replaces every attribute it stores; omitted ones are cleared, the Coder username stays', async () => {
        const u = unique('put');
        const created = await create(`${u}@example.com`, {
          externalId: `x-${u}`,
          name: { givenName: 'A', familyName: 'B', formatted: 'A B' },
        });
        const res = await scim('put', `/Users/${created.id}`, {
          schemas: [SCIM_USER],
          id: 'ignored',
          userName: `${u}-renamed@example.com`,
          emails: [{ value: `${u}-new@example.com`, type: 'home', primary: true }],
          displayName: 'Renamed User',
          meta: { resourceType: 'Ignored' },
        });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          schemas: [SCIM_USER],
          id: created.id,
          userName: `${u}-renamed@example.com`,
          // The cleared name parts are derived from Coder's name again (README, SCIM).
          name: { givenName: 'Renamed', familyName: 'User' },
          displayName: 'Renamed User',
          emails: [{ value: `${u}-new@example.com`, type: 'home', primary: true }],
          active: true,
          meta: {
            ...created.meta,
            lastModified: isoTime(),
            version: expect.not.stringMatching(`^${created.meta.version}$`),
          },
        });
        expect(res.headers.etag).toBe(res.body.meta.version);
        expect(res.headers).not.toHaveProperty('location');
        expect(await stored(created.id)).toMatchObject({
          username: u,
          email: `${u}-new@example.com`,
          name: 'Renamed User',
          user_name: `${u}-renamed@example.com`,
          external_id: null,
          given_name: null,
          family_name: null,
          formatted_name: null,
          email_type: 'home',
          status: 'active',
        });
        const audit = await auditOf(created.id);
        expect(audit.map((a) => [a.action, a.status_code, a.additional_fields])).toEqual([
          ['create', 201, SCIM_ACTOR],
          ['write', 200, SCIM_ACTOR],
        ]);
        expect(audit[1].diff.email).toEqual({ old: `${u}@example.com`, new: `${u}-new@example.com`, secret: false });
      });

      it('keeps the email when emails is left out, and suspends for active false', async () => {
        const u = unique('put');
        const created = await create(`${u}@example.com`);
        const res = await scim('put', `/Users/${created.id}`, {
          schemas: [SCIM_USER],
          userName: `${u}@example.com`,
          active: false,
        });
        expect(res.status).toBe(200);
        expect(res.body.emails).toEqual(created.emails);
        expect(await stored(created.id)).toMatchObject({
          email: `${u}@example.com`,
          email_type: 'work',
          status: 'suspended',
        });
      });

      it('records no audit entry for a PUT that changes nothing', async () => {
        const created = await create(`${unique('same')}@example.com`);
        const { id: _id, meta: _meta, ...body } = created;
        const res = await scim('put', `/Users/${created.id}`, body);
        expect(res.status).toBe(200);
        expect(res.body.meta.version).toBe(created.meta.version);
        expect((await auditOf(created.id)).map((a) => a.action)).toEqual(['create']);
      });

      it('answers 409 uniqueness for the userName or email of another user, and stores nothing', async () => {
        const u = unique('putdup');
        const a = await create(`${u}-a@example.com`);
        const b = await create(`${u}-b@example.com`);
        const coderUser = await createUser(t, owner);
        for (const [userName, email] of [
          [`${u}-a@example.com`, `${u}-b@example.com`],
          [`${u}-b@example.com`, `${u}-a@example.com`],
          [coderUser.username, `${u}-b@example.com`],
          [`${u}-b@example.com`, coderUser.email],
        ]) {
          const res = await scim('put', `/Users/${b.id}`, {
            schemas: [SCIM_USER],
            userName,
            emails: [{ value: email }],
          });
          expectScimError(res, 409, 'uniqueness');
        }
        expect(await stored(b.id)).toMatchObject({ user_name: `${u}-b@example.com`, email: `${u}-b@example.com` });
        expect(await stored(a.id)).toMatchObject({ user_name: `${u}-a@example.com`, email: `${u}-a@example.com` });
      });

      it('honours If-Match: 412 for a stale version, 200 for the current one or *', async () => {
        const u = unique('ifm');
        const created = await create(`${u}@example.com`);
        const body = { schemas: [SCIM_USER], userName: `${u}@example.com`, displayName: 'Changed' };
        const stale = await scim('put', `/Users/${created.id}`, body).set('If-Match', 'W/"stale"');
        expectScimError(stale, 412, undefined, /If-Match/);
        expect((await stored(created.id))!.name).toBe('Ada Lovelace');
        const ok = await scim('put', `/Users/${created.id}`, body).set('If-Match', created.meta.version);
        expect(ok.status).toBe(200);
        expect((await stored(created.id))!.name).toBe('Changed');
        // The version moved on: the old one is stale now.
        const again = await scim('put', `/Users/${created.id}`, { ...body, displayName: 'Again' }).set(
          'If-Match',
          created.meta.version,
        );
        expectScimError(again, 412);
        const star = await scim('put', `/Users/${created.id}`, { ...body, displayName: 'Star' }).set('If-Match', '*');
        expect(star.status).toBe(200);
        expect((await stored(created.id))!.name).toBe('Star');
      });

      it.each([
        ['an unknown id', '6f1c7a52-3d1e-4a8b-9f0e-2b5c8d9e0a11'],
        ['a malformed id', 'nope'],
      ])('answers 404 for %s', async (_label, id) => {
        const userName = `${unique('put404')}@example.com`;
        expectScimError(await scim('put', `/Users/${id}`, { schemas: [SCIM_USER], userName }), 404);
        expect(await usersNamed(userName)).toBe(0);
      });

      it('answers 400 for an invalid body and stores nothing', async () => {
        const created = await create(`${unique('putbad')}@example.com`);
        expectScimError(
          await scim('put', `/Users/${created.id}`, { schemas: [SCIM_USER], displayName: 'x' }),
          400,
          'invalidValue',
          /userName is required/,
        );
        expectScimError(
          await scim('put', `/Users/${created.id}`, { userName: created.userName, active: 'nope' }),
          400,
          'invalidValue',
        );
        expectScimError(await scim('put', `/Users/${created.id}`, [created]), 400, 'invalidSyntax');
        expect(await stored(created.id)).toMatchObject({ name: 'Ada Lovelace', status: 'active' });
      });
    });

    describe('patch (PATCH /Users/{id})', () => {
      const patch = (id: string, ...operations: Record<string, unknown>[]) =>
        scim('patch', `/Users/${id}`, patchOp(...operations));

      it('active false suspends and true reactivates (op and booleans in any case, "True"/"False" strings)', async () => {
        const created = await create(`${unique('act')}@example.com`);
        const off = await patch(created.id, { op: 'Replace', path: 'active', value: 'False' });
        expect(off.status).toBe(200);
        expect(off.body.active).toBe(false);
        expect(off.headers.etag).toBe(off.body.meta.version);
        expect((await stored(created.id))!.status).toBe('suspended');
        // Coder's API sees the suspension.
        expect((await t.http.get(`/api/v2/users/${created.id}`).set(auth(owner.token)).expect(200)).body.status).toBe(
          'suspended',
        );
        const on = await patch(created.id, { op: 'REPLACE', value: { active: 'True' } });
        expect(on.status).toBe(200);
        expect(on.body.active).toBe(true);
        expect((await stored(created.id))!.status).toBe('active');
        const audit = await auditOf(created.id);
        expect(audit.map((a) => [a.action, a.status_code, a.diff.status?.new])).toEqual([
          ['create', 201, 'active'],
          ['write', 200, 'suspended'],
          ['write', 200, 'active'],
        ]);
        expect(audit.every((a) => a.user_id === NIL_UUID && a.additional_fields.automatic_subsystem === 'scim')).toBe(
          true,
        );
      });

      it('applies path-less value objects, including dotted keys and filtered paths as keys', async () => {
        const u = unique('pl');
        const created = await create(`${u}@example.com`);
        const res = await patch(created.id, {
          op: 'replace',
          value: {
            'name.givenName': 'Grace',
            'NAME.FAMILYNAME': 'Hopper',
            displayName: 'Grace Hopper',
            externalId: `ext-${u}`,
            'emails[type eq "work"].value': `${u}-grace@example.com`,
            [`${ENTERPRISE}:department`]: 'ignored',
            password: 'ignored',
          },
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          name: { givenName: 'Grace', familyName: 'Hopper' },
          displayName: 'Grace Hopper',
          externalId: `ext-${u}`,
          emails: [{ value: `${u}-grace@example.com`, type: 'work', primary: true }],
        });
        expect(await stored(created.id)).toMatchObject({
          username: u,
          email: `${u}-grace@example.com`,
          name: 'Grace Hopper',
          given_name: 'Grace',
          family_name: 'Hopper',
          external_id: `ext-${u}`,
        });
      });

      it('applies operations with paths: add, replace, remove, filtered emails paths, in order', async () => {
        const u = unique('ops');
        const created = await create(`${u}@example.com`, { externalId: `ext-${u}` });
        const res = await patch(
          created.id,
          { op: 'add', path: 'name.formatted', value: 'Dr. Ada' },
          { op: 'replace', path: 'emails[type eq "work"].value', value: `${u}-replaced@example.com` },
          { op: 'add', path: 'emails[type eq "home"].value', value: `${u}-home@example.com` },
          { op: 'remove', path: 'externalId' },
          { op: 'remove', path: 'name.familyName' },
          { op: 'replace', path: `${SCIM_USER}:displayName`, value: 'Ada L.' },
        );
        expect(res.status).toBe(200);
        // Coder keeps one email: the primary (work) one, replaced; the added home one is not primary.
        expect(res.body.emails).toEqual([{ value: `${u}-replaced@example.com`, type: 'work', primary: true }]);
        expect(res.body).not.toHaveProperty('externalId');
        // familyName was removed: the answer derives it from Coder's name ("Ada L."); nothing is stored.
        expect(res.body.name).toEqual({ formatted: 'Dr. Ada', givenName: 'Ada', familyName: 'L.' });
        expect(await stored(created.id)).toMatchObject({
          email: `${u}-replaced@example.com`,
          external_id: null,
          family_name: null,
          given_name: 'Ada',
          formatted_name: 'Dr. Ada',
          name: 'Ada L.',
        });
      });

      it('makes an added primary email the Coder email', async () => {
        const u = unique('prim');
        const created = await create(`${u}@example.com`);
        const res = await patch(created.id, {
          op: 'add',
          path: 'emails',
          value: [{ value: `${u}-new@example.com`, type: 'other', primary: true }],
        });
        expect(res.status).toBe(200);
        expect(res.body.emails).toEqual([{ value: `${u}-new@example.com`, type: 'other', primary: true }]);
        expect(await stored(created.id)).toMatchObject({ email: `${u}-new@example.com`, email_type: 'other' });
      });

      it("accepts Coder's legacy body (a whole User, no Operations) and reads only active", async () => {
        const u = unique('legacy');
        const created = await create(`${u}@example.com`);
        const res = await scim('patch', `/Users/${created.id}`, {
          schemas: [SCIM_USER],
          userName: `${u}-changed@example.com`,
          emails: [{ value: `${u}-changed@example.com`, primary: true }],
          name: { givenName: 'Changed' },
          active: false,
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ userName: `${u}@example.com`, active: false, name: { givenName: 'Ada' } });
        expect(await stored(created.id)).toMatchObject({
          status: 'suspended',
          user_name: `${u}@example.com`,
          email: `${u}@example.com`,
          given_name: 'Ada',
        });
        const back = await scim('patch', `/Users/${created.id}`, { active: 'true' });
        expect(back.status).toBe(200);
        expect((await stored(created.id))!.status).toBe('active');
        // No active at all: nothing changes, nothing is audited.
        const noop = await scim('patch', `/Users/${created.id}`, { userName: 'whatever' });
        expect(noop.status).toBe(200);
        expect((await stored(created.id))!.status).toBe('active');
        expect((await auditOf(created.id)).length).toBe(3);
      });

      it('answers 204 with an ETag and no body for an empty attributes parameter', async () => {
        const created = await create(`${unique('empty')}@example.com`);
        const res = await scim(
          'patch',
          `/Users/${created.id}?attributes=`,
          patchOp({ op: 'replace', path: 'displayName', value: 'Quiet' }),
        );
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        expect(res.headers.etag).toMatch(/^W\/"/);
        expect(res.headers.etag).not.toBe(created.meta.version);
        expect((await stored(created.id))!.name).toBe('Quiet');
        // Only PATCH may answer 204 (RFC 7644 §3.5.2): GET and PUT answer 200 with id and schemas.
        const got = await scim('get', `/Users/${created.id}?attributes=`);
        expect({ status: got.status, body: got.body }).toEqual({
          status: 200,
          body: { schemas: [SCIM_USER], id: created.id },
        });
        const put = await scim('put', `/Users/${created.id}?attributes=`, {
          userName: created.userName,
          displayName: 'Loud',
        });
        expect({ status: put.status, body: put.body }).toEqual({
          status: 200,
          body: { schemas: [SCIM_USER], id: created.id },
        });
        expect((await stored(created.id))!.name).toBe('Loud');
      });

      it("leaves Coder's name unassigned when displayName is removed (not rebuilt from the name parts)", async () => {
        const formatted = await create(`${unique('unset')}@example.com`, {
          name: { givenName: 'Ada', familyName: 'Lovelace', formatted: 'Countess Ada' },
        });
        expect((await stored(formatted.id))!.name).toBe('Ada Lovelace');
        const res = await patch(formatted.id, { op: 'remove', path: 'displayName' });
        expect(res.status).toBe(200);
        expect(res.body).not.toHaveProperty('displayName');
        // The provisioned name parts stay as they were.
        expect(res.body.name).toEqual({ formatted: 'Countess Ada', givenName: 'Ada', familyName: 'Lovelace' });
        expect(await stored(formatted.id)).toMatchObject({
          name: '',
          given_name: 'Ada',
          family_name: 'Lovelace',
          formatted_name: 'Countess Ada',
        });
        expect((await t.http.get(`/api/v2/users/${formatted.id}`).set(auth(owner.token)).expect(200)).body.name).toBe(
          '',
        );
        expect((await scim('get', `/Users/${formatted.id}`).expect(200)).body).not.toHaveProperty('displayName');
        // Other PATCHes keep it unassigned; setting it again assigns it.
        await patch(formatted.id, { op: 'replace', path: 'name.givenName', value: 'Augusta' }).expect(200);
        expect((await stored(formatted.id))!.name).toBe('');
        await patch(formatted.id, { op: 'add', path: 'displayName', value: 'Augusta Ada' }).expect(200);
        expect((await stored(formatted.id))!.name).toBe('Augusta Ada');
        // The legacy body (only `active` read) does not rebuild a missing name either.
        const parts = await create(`${unique('unset')}@example.com`, {
          name: { givenName: 'Grace', familyName: 'Hopper' },
          displayName: undefined,
        });
        await patch(parts.id, { op: 'remove', path: 'displayName' }).expect(200);
        await scim('patch', `/Users/${parts.id}`, { active: false }).expect(200);
        expect(await stored(parts.id)).toMatchObject({ name: '', status: 'suspended' });
        const audit = await auditOf(formatted.id);
        expect(audit[1].diff.name).toEqual({ old: 'Ada Lovelace', new: '', secret: false });
      });

      it('a PUT without displayName still names the user from name.formatted, else given and family names', async () => {
        const u = unique('putname');
        const created = await create(`${u}@example.com`);
        await scim('put', `/Users/${created.id}`, {
          userName: `${u}@example.com`,
          name: { givenName: 'Grace', familyName: 'Hopper', formatted: 'RAdm. Grace Hopper' },
        }).expect(200);
        expect((await stored(created.id))!.name).toBe('RAdm. Grace Hopper');
        await scim('put', `/Users/${created.id}`, {
          userName: `${u}@example.com`,
          name: { givenName: 'Grace', familyName: 'Hopper' },
        }).expect(200);
        expect((await stored(created.id))!.name).toBe('Grace Hopper');
      });

      it('applies all operations or none: a failing operation leaves the user as it was', async () => {
        const created = await create(`${unique('atomic')}@example.com`);
        const res = await patch(
          created.id,
          { op: 'replace', path: 'active', value: false },
          { op: 'replace', path: 'displayName', value: 'Half' },
          { op: 'replace', path: 'emails[type eq "home"].value', value: 'x@example.com' },
        );
        expectScimError(res, 400, 'noTarget', /^Operations\[2\]: /);
        expect(await stored(created.id)).toMatchObject({ status: 'active', name: 'Ada Lovelace' });
        expect((await auditOf(created.id)).length).toBe(1);
      });

      it('honours If-Match: 412 for a stale version, and stores nothing', async () => {
        const created = await create(`${unique('pifm')}@example.com`);
        const res = await patch(created.id, { op: 'replace', path: 'active', value: false }).set('If-Match', 'W/"old"');
        expectScimError(res, 412);
        expect((await stored(created.id))!.status).toBe('active');
        const ok = await patch(created.id, { op: 'replace', path: 'active', value: false }).set(
          'If-Match',
          created.meta.version,
        );
        expect(ok.status).toBe(200);
        expect((await stored(created.id))!.status).toBe('suspended');
      });

      it('answers 409 uniqueness when the patched email belongs to another user', async () => {
        const other = await createUser(t, owner);
        const created = await create(`${unique('pdup')}@example.com`);
        expectScimError(
          await patch(created.id, { op: 'replace', path: 'emails[type eq "work"].value', value: other.email }),
          409,
          'uniqueness',
        );
        expectScimError(
          await patch(created.id, { op: 'replace', path: 'userName', value: other.username }),
          409,
          'uniqueness',
        );
        expect(await stored(created.id)).toMatchObject({ email: created.userName, user_name: created.userName });
      });

      it.each([
        ['remove without a path', { op: 'remove' }, 'noTarget', /needs a path/],
        ['remove of the whole resource', { op: 'remove', path: SCIM_USER }, 'noTarget', /path of an attribute/],
        [
          'replace with a filter matching no value',
          { op: 'replace', path: 'emails[type eq "home"].value', value: 'h@example.com' },
          'noTarget',
          /No value of emails matches/,
        ],
        [
          'add with a filter describing no value',
          { op: 'add', path: 'emails[value co "zzzz-none"].type', value: 'home' },
          'noTarget',
          /does not describe/,
        ],
        [
          'an unknown attribute',
          { op: 'replace', path: 'favouriteColour', value: 'blue' },
          'invalidPath',
          /Unknown attribute/,
        ],
        [
          'an unknown sub-attribute',
          { op: 'replace', path: 'name.nickname', value: 'x' },
          'invalidPath',
          /Unknown sub-attribute/,
        ],
        ['a malformed path', { op: 'replace', path: 'name..givenName', value: 'x' }, 'invalidPath', /Invalid path/],
        [
          'a path that is not a string',
          { op: 'replace', path: 42, value: 'x' },
          'invalidPath',
          /path must be a string/,
        ],
        [
          'another schema',
          { op: 'replace', path: 'urn:example:Other:title', value: 'x' },
          'invalidPath',
          /Unknown schema/,
        ],
        [
          'a filter on a single-valued attribute',
          { op: 'replace', path: 'name[givenName eq "Ada"]', value: {} },
          'invalidPath',
          /not multi-valued/,
        ],
        [
          'a sub-attribute of a simple attribute',
          { op: 'replace', path: 'userName.x', value: 'x' },
          'invalidPath',
          /no sub-attributes/,
        ],
        [
          'a malformed filter in the path',
          { op: 'replace', path: 'emails[type xx "work"].value', value: 'x' },
          'invalidFilter',
          /Invalid filter in path/,
        ],
        ['id', { op: 'replace', path: 'id', value: 'x' }, 'mutability', /id is read-only/],
        ['groups', { op: 'add', path: 'groups', value: [{ value: NIL_UUID }] }, 'mutability', /groups is read-only/],
        ['meta', { op: 'replace', path: 'meta', value: {} }, 'mutability', /meta cannot be modified/],
        ['remove of userName', { op: 'remove', path: 'userName' }, 'invalidValue', /userName cannot be removed/],
        ['remove of active', { op: 'remove', path: 'active' }, 'invalidValue', /active cannot be removed/],
        ['replace without a value', { op: 'replace', path: 'displayName' }, 'invalidValue', /needs a value/],
        ['a path-less value that is not an object', { op: 'add', value: 'x' }, 'invalidValue', /must be an object/],
        [
          'active that is not a boolean',
          { op: 'replace', path: 'active', value: 'maybe' },
          'invalidValue',
          /active must be a boolean/,
        ],
        [
          'a userName that is not a string',
          { op: 'replace', value: { userName: 5 } },
          'invalidValue',
          /userName must be a string/,
        ],
        [
          'an invalid email',
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'nope' },
          'invalidValue',
          /not a valid email/,
        ],
        [
          'an op that is not add, replace or remove',
          { op: 'move', path: 'active', value: false },
          'invalidSyntax',
          /op must be/,
        ],
        ['an operation without op', { path: 'active', value: false }, 'invalidSyntax', /op must be/],
      ])('answers 400 for %s, and stores nothing', async (_label, operation, scimType, detail) => {
        const created = await create(`${unique('perr')}@example.com`, { externalId: 'keep' });
        expectScimError(await patch(created.id, operation), 400, scimType, detail);
        expect(await stored(created.id)).toMatchObject({
          status: 'active',
          external_id: 'keep',
          email: created.userName,
          name: 'Ada Lovelace',
        });
        expect((await auditOf(created.id)).length).toBe(1);
      });

      it.each([
        ['a PatchOp without Operations', { schemas: [SCIM_PATCH] }, /Operations must be an array/],
        ['empty Operations', { schemas: [SCIM_PATCH], Operations: [] }, /Operations must be an array/],
        [
          'Operations that is not an array',
          { schemas: [SCIM_PATCH], Operations: { op: 'replace' } },
          /Operations must be an array/,
        ],
        [
          'an operation that is not an object',
          { schemas: [SCIM_PATCH], Operations: ['replace'] },
          /Operations\[0\] must be an object/,
        ],
        [
          'Operations with a schema other than PatchOp',
          { schemas: [SCIM_USER], Operations: [{ op: 'replace', path: 'active', value: false }] },
          /schemas must contain/,
        ],
        ['a JSON array', [{ op: 'replace', path: 'active', value: false }], /JSON object/],
      ])('answers 400 invalidSyntax for %s', async (_label, body, detail) => {
        const created = await create(`${unique('psyn')}@example.com`);
        expectScimError(await scim('patch', `/Users/${created.id}`, body), 400, 'invalidSyntax', detail);
        expect((await stored(created.id))!.status).toBe('active');
      });

      it('answers 400 invalidSyntax for malformed JSON, and 404 for an unknown or malformed id', async () => {
        const created = await create(`${unique('pjson')}@example.com`);
        const bad = await t.http
          .patch(`/scim/v2/Users/${created.id}`)
          .set('Authorization', `Bearer ${SCIM_KEY}`)
          .set('Content-Type', 'application/scim+json')
          .send('{"Operations": [');
        expectScimError(bad, 400, 'invalidSyntax');
        const body = patchOp({ op: 'replace', path: 'active', value: false });
        expectScimError(await scim('patch', '/Users/6f1c7a52-3d1e-4a8b-9f0e-2b5c8d9e0a11', body), 404);
        expectScimError(await scim('patch', '/Users/12345', body), 404);
      });
    });

    describe('delete (DELETE /Users/{id})', () => {
      it('answers 204, suspends the user without deleting the row, and hides it from SCIM', async () => {
        const userName = `${unique('del')}@example.com`;
        const created = await create(userName);
        const res = await scim('delete', `/Users/${created.id}`);
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
        const row = await stored(created.id);
        expect(row).toMatchObject({
          status: 'suspended',
          deleted: false,
          user_name: userName,
          email: userName,
          deprovisioned_at: expect.any(Date),
        });
        expectScimError(await scim('get', `/Users/${created.id}`), 404);
        expect((await list({ filter: `userName eq "${userName}"` }).expect(200)).body.totalResults).toBe(0);
        expectScimError(await scim('delete', `/Users/${created.id}`), 404);
        expectScimError(
          await scim('patch', `/Users/${created.id}`, patchOp({ op: 'replace', path: 'active', value: true })),
          404,
        );
        expectScimError(await scim('put', `/Users/${created.id}`, { userName, active: true }), 404);
        expect((await stored(created.id))!.status).toBe('suspended');
        // Coder still has the (suspended) user.
        const coder = await t.http.get(`/api/v2/users/${created.id}`).set(auth(owner.token)).expect(200);
        expect(coder.body.status).toBe('suspended');
        const audit = await auditOf(created.id);
        expect(audit.map((a) => [a.action, a.status_code, a.additional_fields])).toEqual([
          ['create', 201, SCIM_ACTOR],
          ['write', 204, SCIM_ACTOR],
        ]);
        expect(audit[1].diff).toMatchObject({
          status: { old: 'active', new: 'suspended', secret: false },
          scim_deprovisioned: { old: false, new: true, secret: false },
        });
      });

      it('brings a deleted user back under the same id on a new POST, as it is now described', async () => {
        const u = unique('back');
        const created = await create(`${u}@example.com`);
        await scim('delete', `/Users/${created.id}`).expect(204);
        const again = await scim(
          'post',
          '/Users',
          oktaUser(`${u}@example.com`, { name: { givenName: 'New', familyName: 'Name' }, externalId: 'ext-new' }),
        );
        expect(again.status).toBe(201);
        expect(again.body).toMatchObject({
          id: created.id,
          active: true,
          name: { givenName: 'New', familyName: 'Name' },
          externalId: 'ext-new',
        });
        expect(again.headers.location).toBe(created.meta.location);
        expect(await stored(created.id)).toMatchObject({
          status: 'active',
          deprovisioned_at: null,
          given_name: 'New',
          external_id: 'ext-new',
          username: u,
        });
        await scim('get', `/Users/${created.id}`).expect(200);
      });

      it('deprovisions a user made in Coder (a scim_users row remembers it)', async () => {
        const coderUser = await createUser(t, owner);
        await scim('delete', `/Users/${coderUser.userId}`).expect(204);
        expect(await stored(coderUser.userId)).toMatchObject({
          status: 'suspended',
          deleted: false,
          login_type: 'password',
          user_name: coderUser.username,
          deprovisioned_at: expect.any(Date),
        });
        expectScimError(await scim('get', `/Users/${coderUser.userId}`), 404);
      });

      it('honours If-Match: 412 for a stale version leaves the user as it was', async () => {
        const created = await create(`${unique('difm')}@example.com`);
        expectScimError(await scim('delete', `/Users/${created.id}`).set('If-Match', 'W/"stale"'), 412);
        expect(await stored(created.id)).toMatchObject({ status: 'active', deprovisioned_at: null });
        await scim('delete', `/Users/${created.id}`).set('If-Match', created.meta.version).expect(204);
        expect((await stored(created.id))!.status).toBe('suspended');
      });

      it('answers 404 for an unknown or malformed id', async () => {
        expectScimError(await scim('delete', '/Users/6f1c7a52-3d1e-4a8b-9f0e-2b5c8d9e0a11'), 404);
        expectScimError(await scim('delete', '/Users/zzz'), 404);
        expectScimError(await scim('delete', `/Users/${owner.userId}x`), 404);
        expect((await stored(owner.userId))!.status).toBe('active');
      });
    });
  });
});
