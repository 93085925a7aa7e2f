import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base64url, SignJWT } from 'jose';
import type pg from 'pg';
import { newSigningKey, signLicense } from '../../src/core/licensing/license-issuer.js';
import { EntitlementsService } from '../../src/core/licensing/entitlements.service.js';
import { decodeClaimsUnverified } from '../../src/core/licensing/license-claims.js';
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
  /** Stores a JWT directly (as a row from before a rule, or copied from elsewhere); returns its id. */
  const insertRaw = async (jwt: string): Promise<number> => {
    const row = await db.query(
      `INSERT INTO licenses (uploaded_at, jwt, jwt_sha256, exp, uuid)
       VALUES (now(), $1::text, sha256(convert_to($1::text, 'UTF8')), now() + interval '1 day', gen_random_uuid()) RETURNING id`,
      [jwt],
    );
    return row.rows[0].id as number;
  };
  /** A license with exactly these claims, signed by the trusted test key. */
  const signed = async (claims: Record<string, unknown>) => {
    const { key } = await testLicenseKey();
    return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).sign(key.privateKey);
  };

  describe('POST', () => {
    it('stores a valid license and answers 201 with every claim, never the JWT', async () => {
      const jwt = await issueLicense({
        features: { scim: 1, user_limit: 25 },
        accountId: 'acme',
        accountType: 'salesforce',
      });
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
      for (const who of [member, templateAdmin])
        expect((await post(who.token, 'whatever').expect(403)).body).toEqual(FORBIDDEN);
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
        [
          'a flipped signature byte',
          async () => {
            const [h, p, s] = (await issueLicense()).split('.');
            const sig = Buffer.from(s, 'base64url');
            sig[0] ^= 0x80;
            return `${h}.${p}.${sig.toString('base64url')}`;
          },
          'token signature is invalid',
        ],
        [
          'an edited payload',
          async () => {
            const [h, p, s] = (await issueLicense({ features: { scim: 1 } })).split('.');
            const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
            claims.all_features = true;
            return `${h}.${enc(claims)}.${s}`;
          },
          'token signature is invalid',
        ],
        [
          'alg none',
          async () =>
            `${enc({ alg: 'none', kid: 'test-key' })}.${enc({ version: 3, exp: nowS() + 99, license_expires: nowS() + 9 })}.`,
          'signing method none is invalid',
        ],
        [
          'HS256 with the public key as the secret',
          async () => {
            const { key } = await testLicenseKey();
            const header = enc({ alg: 'HS256', kid: key.kid });
            const payload = enc({ version: 3, exp: nowS() + 99, license_expires: nowS() + 9, all_features: true });
            const mac = createHmac('sha256', JSON.stringify(key.publicJwk))
              .update(`${header}.${payload}`)
              .digest('base64url');
            return `${header}.${payload}.${mac}`;
          },
          'signing method HS256 is invalid',
        ],
        [
          'no kid',
          async () => {
            const { key } = await testLicenseKey();
            return new SignJWT({ version: 3, exp: nowS() + 99, license_expires: nowS() + 9 })
              .setProtectedHeader({ alg: 'EdDSA' })
              .sign(key.privateKey);
          },
          'JOSE header must contain kid',
        ],
        ['an unknown kid', async () => signLicense(await newSigningKey('rogue')), 'no key with ID rogue'],
        [
          'a key not in the JWKS under a trusted kid',
          async () => signLicense(await newSigningKey('test-key')),
          'token signature is invalid',
        ],
        [
          'version 2',
          async () => {
            const { key } = await testLicenseKey();
            return new SignJWT({ version: 2, exp: nowS() + 99, license_expires: nowS() + 9 })
              .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
              .sign(key.privateKey);
          },
          'license must be version 3',
        ],
        [
          'no license_expires',
          async () => {
            const { key } = await testLicenseKey();
            return new SignJWT({ version: 3, exp: nowS() + 99 })
              .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
              .sign(key.privateKey);
          },
          'license missing license_expires',
        ],
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

  describe('deployment-bound licenses (deployment_ids)', () => {
    let deploymentId: string;
    beforeAll(async () => {
      deploymentId = (await t.http.get('/api/v2/buildinfo').expect(200)).body.deployment_id;
      expect(deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("refuses a license locked to other deployments with Coder's 400, and stores nothing", async () => {
      const others = ['8c7d2d5e-0a0b-4b8e-9d8b-3c1f3b0e6a11', '0b9e6f1d-5d1c-4f55-a3c2-6f5b0f0d4e22'];
      const before = await count();
      const res = await post(owner.token, await issueLicense({ features: { scim: 1 }, deploymentIds: others })).expect(
        400,
      );
      expect(res.body).toEqual({
        message: 'License cannot be used on this deployment!',
        detail: `The provided license is locked to the following deployments: ["${others[0]}" "${others[1]}"]. Your deployment identifier is "${deploymentId}". Please contact sales.`,
      });
      expect(await count()).toBe(before);
    });

    it('accepts a license that names this deployment, and one with an empty list', async () => {
      const bound = await post(
        owner.token,
        await issueLicense({
          features: { workspace_proxy: 1 },
          deploymentIds: ['1b0e5f6c-0000-4000-8000-000000000000', deploymentId],
        }),
      ).expect(201);
      expect(bound.body.claims.deployment_ids).toContain(deploymentId);
      expect((await t.http.get('/api/v2/entitlements').expect(200)).body.features.workspace_proxy.entitlement).toBe(
        'entitled',
      );
      const signedEmpty = await signed({
        version: 3,
        exp: nowS() + 86400,
        license_expires: nowS() + 3600,
        deployment_ids: [],
        features: { scim: 1 },
      });
      await post(owner.token, signedEmpty).expect(201);
    });

    it('a license locked elsewhere that reaches the database anyway counts for nothing', async () => {
      const jwt = await issueLicense({
        features: { browser_only: 1 },
        deploymentIds: ['8c7d2d5e-0a0b-4b8e-9d8b-3c1f3b0e6a11'],
      });
      await insertRaw(jwt);
      await t.app.get(EntitlementsService).refresh();
      expect((await t.http.get('/api/v2/entitlements').expect(200)).body.features.browser_only.entitlement).toBe(
        'not_entitled',
      );
    });

    it('npm run license:issue --deployment-id locks the license to that deployment', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'coder-license-bound-'));
      try {
        const issue = (args: string[]) =>
          spawnSync(process.execPath, [join(process.cwd(), 'dist', 'src', 'cli', 'license-issue.js'), ...args], {
            env: { PATH: process.env.PATH ?? '', CODER_DATA_DIR: dataDir },
            encoding: 'utf8',
            timeout: 30_000,
          });
        const bad = issue(['--features', 'scim', '--deployment-id', 'not-a-uuid']);
        expect(bad.status).toBe(2);
        expect(bad.stderr).toContain('--deployment-id must be a UUID, got "not-a-uuid"');
        const ok = issue([
          '--features',
          'scim',
          '--deployment-id',
          deploymentId.toUpperCase(),
          '--deployment-id',
          '8c7d2d5e-0a0b-4b8e-9d8b-3c1f3b0e6a11',
        ]);
        expect(ok.status).toBe(0);
        expect(decodeClaimsUnverified(ok.stdout.trim())?.deployment_ids).toEqual([
          deploymentId,
          '8c7d2d5e-0a0b-4b8e-9d8b-3c1f3b0e6a11',
        ]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('license_expires is always a JSON integer (codersdk License.ExpiresAt)', () => {
    it('refuses a license whose license_expires has a fraction', async () => {
      const jwt = await signed({
        version: 3,
        exp: nowS() + 86400,
        license_expires: nowS() + 3600.25,
        features: { scim: 1 },
      });
      expect((await post(owner.token, jwt).expect(400)).body).toEqual(
        invalid('license_expires must be a whole number of seconds'),
      );
    });

    it('answers integers from POST and GET, also for a fractional license stored before that rule (truncated)', async () => {
      const added = await post(owner.token, await issueLicense({ features: { scim: 1 } })).expect(201);
      expect(added.text).toMatch(/"license_expires":\d+[,}]/);
      const expires = nowS() + 7200;
      const legacy = await signed({
        version: 3,
        exp: nowS() + 86400,
        license_expires: expires + 0.75,
        features: { scim: 1 },
      });
      const id = await insertRaw(legacy);
      const list = await t.http.get('/api/v2/licenses').set(auth(owner.token)).expect(200);
      const shown = list.body.find((l: { id: number }) => l.id === id);
      expect(shown.claims.license_expires).toBe(expires);
      expect(list.text).not.toMatch(/"license_expires":\d+\./);
    });
  });

  describe('GET', () => {
    it('owners see every license with its claims decoded; others get []', async () => {
      const added = await addLicense(t, owner, ['browser_only']);
      const list = await t.http.get('/api/v2/licenses').set(auth(owner.token)).expect(200);
      const mine = list.body.find((l: { id: number }) => l.id === added.id);
      expect(mine).toEqual(added);
      expect(list.body.map((l: { id: number }) => l.id)).toEqual(
        [...list.body.map((l: { id: number }) => l.id)].sort((a, b) => a - b),
      );
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

    it.each(['abc', '1.5', '-1', '99999999999', '0x10'])(
      'answers 404 "License ID must be an integer" for %j',
      async (id) => {
        const res = await t.http.delete(`/api/v2/licenses/${id}`).set(auth(owner.token)).expect(404);
        expect(res.body).toEqual({ message: 'License ID must be an integer' });
      },
    );

    it('answers 404 "Unknown license ID" for a missing license', async () => {
      const res = await t.http.delete('/api/v2/licenses/424242').set(auth(owner.token)).expect(404);
      expect(res.body).toEqual({ message: 'Unknown license ID' });
    });

    it('only owners may delete', async () => {
      const added = await addLicense(t, owner, ['scim']);
      expect((await t.http.delete(`/api/v2/licenses/${added.id}`).set(auth(member.token)).expect(403)).body).toEqual(
        FORBIDDEN,
      );
      expect((await db.query('SELECT 1 FROM licenses WHERE id = $1', [added.id])).rowCount).toBe(1);
    });
  });
});
