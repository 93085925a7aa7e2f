import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { newSigningKey, signLicense } from '../../src/core/licensing/license-issuer.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';
import { auth, PASSWORD, type Owner } from '../helpers/world.js';

// The keys file is polled once a second; a license whose key was added just before it is posted
// (what `npm run license:issue` followed by `curl POST /licenses` does) must not be refused meanwhile.

describe('POST /licenses with a key added to the keys file just before', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let dir: string;
  let keysFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coder-keys-fresh-'));
    keysFile = join(dir, 'license-keys.json');
    writeFileSync(keysFile, JSON.stringify({ keys: [] }));
    ({ t, db, owner } = await openWorld({ env: { CODER_LICENSE_KEYS_FILE: keysFile } }));
  });
  afterAll(async () => {
    await closeWorld(t, db);
    rmSync(dir, { recursive: true, force: true });
  });

  const trusted: unknown[] = [];
  const trust = (publicJwk: unknown) => {
    trusted.push(publicJwk);
    writeFileSync(keysFile, JSON.stringify({ keys: trusted }));
  };
  const post = (license: string) => t.http.post('/api/v2/licenses').set(auth(owner.token)).send({ license });

  it('accepts it at once (201) and entitles its features', async () => {
    const key = await newSigningKey('added-just-now');
    const license = await signLicense(key, { features: { template_rbac: 1 } });
    trust(key.publicJwk);
    const res = await post(license);
    expect(res.status).toBe(201);
    expect(res.body.claims.features).toEqual({ template_rbac: 1 });
    expect((await t.http.get('/api/v2/entitlements')).body.features.template_rbac.enabled).toBe(true);
  });

  it("still refuses a key that is not in the file, with Coder's detail", async () => {
    const license = await signLicense(await newSigningKey('never-trusted'), { features: { scim: 1 } });
    const res = await post(license);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'Invalid license', detail: 'no key with ID never-trusted' });
  });

  it('accepts concurrent posts of licenses of a new key', async () => {
    const key = await newSigningKey('burst-key');
    const licenses = await Promise.all(
      ['audit_log', 'appearance', 'scim'].map((feature) => signLicense(key, { features: { [feature]: 1 } })),
    );
    trust(key.publicJwk);
    const answers = await Promise.all(licenses.map((license) => post(license)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
  });
});

describe('npm run license:issue, then POST /licenses at once, on a running server', () => {
  let server: ServerProcess | undefined;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'coder-keys-fresh-cli-'));
    server = await startServerProcess({ CODER_PG_CONNECTION_URL: await createTestDatabase(), CODER_DATA_DIR: dataDir });
    await waitForStatus(`${server.baseUrl}/healthz`, 200, 60_000);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts the license the command just printed (the README's order of steps)", async () => {
    const base = server!.baseUrl;
    const first = { email: 'admin@example.com', username: 'admin', password: PASSWORD };
    expect((await api(base, 'POST', '/api/v2/users/first', { body: first })).status).toBe(201);
    const login = await api(base, 'POST', '/api/v2/users/login', { body: { email: first.email, password: PASSWORD } });
    const token = String(login.body.session_token);

    const issued = spawnSync(
      process.execPath,
      [join(process.cwd(), 'dist', 'src', 'cli', 'license-issue.js'), '--features', 'audit_log'],
      {
        env: { PATH: process.env.PATH ?? '', CODER_DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(issued.status).toBe(0);
    const res = await api(base, 'POST', '/api/v2/licenses', { token, body: { license: issued.stdout.trim() } });
    expect(res).toMatchObject({ status: 201, body: { claims: { features: { audit_log: 1 } } } });
  });
});
