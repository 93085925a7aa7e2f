import { createHmac } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import type pg from 'pg';
import { newSigningKey, signLicense } from '../../src/core/licensing/license-issuer.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN } from '../helpers/expectations.js';
import { addLicense, issueLicense, testLicenseKey } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const nowS = () => Math.floor(Date.now() / 1000);
const enc = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('/licenses', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
  });
  afterAll(() => closeWorld(t, db));

  const post = (token: string, license: unknown) => t.http.post('/api/v2/licenses').set(auth(token)).send({ license });
  const invalid = (detail: string) => ({ message: 'Invalid license', detail });
  const count = async () => (await db.query('SELECT count(*)::int AS n FROM licenses')).rows[0].n as number;

  describe('POST', () => {
    it('stores a valid license and answers 201 with every claim, never the JWT', async () => {
      const jwt = await issueLicense({ features: { scim: 1, user_limit: 25 }, accountId: 'acme', accountType: 'salesforce' });
      const res = await post(owner.token, jwt).expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        uploaded_at: expect.any(String),
        claims: expect.objectContaining({
          version: 3,
          features: { scim: 1, user_limit: 25 },
          account_id: 'acme',
          account_type: 'salesforce',
          license_expires: expect.any(Number),
          exp: expect.any(Number),
        }),
      });
      expect(JSON.stringify(res.body)).not.toContain(jwt.split('.')[2]);
      const row = await db.query('SELECT uuid, jwt, exp FROM licenses WHERE id = $1', [res.body.id]);
      expect(row.rows[0].uuid).toBe(res.body.uuid);
      expect(row.rows[0].uuid).toBe(res.body.claims.jti);
      expect(row.rows[0].exp.getTime()).toBe(res.body.claims.exp * 1000);
    });

    it('answers 409 for the exact same license twice', async () => {
      const jwt = await issueLicense({ features: { scim: 1 } });
      await post(owner.token, jwt).expect(201);
      const before = await count();
      const res = await post(owner.token, jwt).expect(409);
      expect(res.body).toEqual({ message: 'This license has already been added.' });
      expect(await count()).toBe(before);
    });

    it('stores a license that is not valid yet, which entitles nothing until then', async () => {
      const jwt = await issueLicense({ features: { workspace_proxy: 1 }, notBefore: new Date(Date.now() + 3_600_000) });
      await post(owner.token, jwt).expect(201);
      const e = await t.http.get('/api/v2/entitlements').expect(200);
      expect(e.body.features.workspace_proxy.entitlement).not.toBe('entitled');
    });

    it('only owners may add licenses (403 before the body is looked at)', async () => {
      const templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
      for (const who of [member, templateAdmin]) expect((await post(who.token, 'whatever').expect(403)).body).toEqual(FORBIDDEN);
      await t.http.post('/api/v2/licenses').send({ license: 'x' }).expect(401);
    });

    it('validates the body', async () => {
      const missing = await t.http.post('/api/v2/licenses').set(auth(owner.token)).send({}).expect(400);
      expect(missing.body.message).toBe('Validation failed.');
      expect(missing.body.validations[0].field).toBe('license');
      expect((await post(owner.token, '').expect(400)).body.validations[0].field).toBe('license');
      expect((await post(owner.token, 42).expect(400)).body.validations[0].field).toBe('license');
    });

    describe('every tampering case is a 400 "Invalid license", never a 500, and nothing is stored', () => {
      const cases: [string, () => Promise<string>, string | RegExp][] = [
        ['a flipped signature byte', async () => {
          const [h, p, s] = (await issueLicense()).split('.');
          const sig = Buffer.from(s, 'base64url');
          sig[0] ^= 0x80;
          return `${h}.${p}.${sig.toString('base64url')}`;
        }, 'token signature is invalid'],
        ['an edited payload', async () => {
          const [h, p, s] = (await issueLicense({ features: { scim: 1 } })).split('.');
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
          claims.all_features = true;
          return `${h}.${enc(claims)}.${s}`;
        }, 'token signature is invalid'],
        ['alg none', async () => `${enc({ alg: 'none', kid: 'test-key' })}.${enc({ version: 3, exp: nowS() + 99, license_expires: nowS() + 9 })}.`, 'signing method none is invalid'],
        ['HS256 with the public key as the secret', async () => {
          const { key } = await testLicenseKey();
          const header = enc({ alg: 'HS256', kid: key.kid });
          const payload = enc({ version: 3, exp: nowS() + 99, license_expires: nowS() + 9, all_features: true });
          const mac = createHmac('sha256', JSON.stringify(key.publicJwk)).update(`${header}.${payload}`).digest('base64url');
          return `${header}.${payload}.${mac}`;
        }, 'signing method HS256 is invalid'],
        ['no kid', async () => {
          const { key } = await testLicenseKey();
          return new SignJWT({ version: 3, exp: nowS() + 99, license_expires: nowS() + 9 }).setProtectedHeader({ alg: 'EdDSA' }).sign(key.privateKey);
        }, 'JOSE header must contain kid'],
        ['an unknown kid', async () => signLicense(await newSigningKey('rogue')), 'no key with ID rogue'],
        ['a key not in the JWKS under a trusted kid', async () => signLicense(await newSigningKey('test-key')), 'token signature is invalid'],
        ['version 2', async () => {
          const { key } = await testLicenseKey();
          return new SignJWT({ version: 2, exp: nowS() + 99, license_expires: nowS() + 9 }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
        }, 'license must be version 3'],
        ['no license_expires', async () => {
          const { key } = await testLicenseKey();
          return new SignJWT({ version: 3, exp: nowS() + 99 }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
        }, 'license missing license_expires'],
        ['an expired exp', async () => issueLicense({ days: -10, graceDays: 2 }), /^token is expired by /],
        ['one segment', async () => 'eyJhbGciOiJFZERTQSJ9', 'token contains an invalid number of segments'],
        ['two segments', async () => 'eyJhbGciOiJFZERTQSJ9.e30', 'token contains an invalid number of segments'],
        ['four segments', async () => `${await issueLicense()}.AAAA`, 'token contains an invalid number of segments'],
        ['bad base64', async () => '%%%.%%%.%%%', 'could not base64 decode header'],
        ['non-object JSON header', async () => `${enc('hello')}.${enc({})}.AAAA`, 'could not JSON decode header'],
        ['a 1 MB string', async () => 'x'.repeat(1024 * 1024 - 100), /^license is too large/],
      ];

      it.each(cases)('%s', async (_name, make, detail) => {
        const before = await count();
        const res = await post(owner.token, await make());
        expect(res.status).toBe(400);
        expect(res.body.message).toBe('Invalid license');
        if (typeof detail === 'string') expect(res.body).toEqual(invalid(detail));
        else expect(res.body.detail).toMatch(detail);
        expect(await count()).toBe(before);
      });
    });
  });

  describe('GET', () => {
    it('owners see every license with its claims decoded; others get []', async () => {
      const added = await addLicense(t, owner, ['browser_only']);
      const list = await t.http.get('/api/v2/licenses').set(auth(owner.token)).expect(200);
      const mine = list.body.find((l: { id: number }) => l.id === added.id);
      expect(mine).toEqual(added);
      expect(list.body.map((l: { id: number }) => l.id)).toEqual([...list.body.map((l: { id: number }) => l.id)].sort((a, b) => a - b));
      expect(JSON.stringify(list.body)).not.toMatch(/eyJ/);
      const auditor = await createUser(t, owner, { roles: ['auditor'] });
      for (const who of [member, auditor]) {
        expect((await t.http.get('/api/v2/licenses').set(auth(who.token)).expect(200)).body).toEqual([]);
      }
      await t.http.get('/api/v2/licenses').expect(401);
    });
  });

  describe('DELETE', () => {
    it('deletes with 200 and an empty body, and audits add and delete', async () => {
      const added = await addLicense(t, owner, ['scim']);
      const res = await t.http.delete(`/api/v2/licenses/${added.id}`).set(auth(owner.token)).expect(200);
      expect(res.text).toBe('');
      expect((await db.query('SELECT 1 FROM licenses WHERE id = $1', [added.id])).rowCount).toBe(0);
      const audit = await db.query(
        `SELECT action, resource_id, resource_target, user_id FROM audit_logs WHERE resource_type = 'license' AND resource_id = $1 ORDER BY time`,
        [added.uuid],
      );
      expect(audit.rows).toEqual([
        { action: 'create', resource_id: added.uuid, resource_target: String(added.id), user_id: owner.userId },
        { action: 'delete', resource_id: added.uuid, resource_target: String(added.id), user_id: owner.userId },
      ]);
      expect(JSON.stringify(audit.rows)).not.toMatch(/eyJ/);
    });

    it.each(['abc', '1.5', '-1', '99999999999', '0x10'])('answers 404 "License ID must be an integer" for %j', async (id) => {
      const res = await t.http.delete(`/api/v2/licenses/${id}`).set(auth(owner.token)).expect(404);
      expect(res.body).toEqual({ message: 'License ID must be an integer' });
    });

    it('answers 404 "Unknown license ID" for a missing license', async () => {
      const res = await t.http.delete('/api/v2/licenses/424242').set(auth(owner.token)).expect(404);
      expect(res.body).toEqual({ message: 'Unknown license ID' });
    });

    it('only owners may delete', async () => {
      const added = await addLicense(t, owner, ['scim']);
      expect((await t.http.delete(`/api/v2/licenses/${added.id}`).set(auth(member.token)).expect(403)).body).toEqual(FORBIDDEN);
      expect((await db.query('SELECT 1 FROM licenses WHERE id = $1', [added.id])).rowCount).toBe(1);
    });
  });
});
