import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSigningKey, signLicense, type SigningKey } from '../../src/core/licensing/license-issuer.js';
import { createTestDatabase } from '../helpers/database.js';
import { api, startServerProcess, waitForStatus, type ServerProcess } from '../helpers/server-process.js';

const owner = { email: 'admin@example.com', username: 'admin', password: 'Replica-Test-Passw0rd' };

async function entitlements(server: ServerProcess) {
  return (await api(server.baseUrl, 'GET', '/api/v2/entitlements')).body as {
    features: Record<string, { enabled: boolean }>;
  };
}

/** Polls until `check` holds; returns the elapsed milliseconds. */
async function timeUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

describe('two server processes on one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coder-replicas-'));
  const keysFile = join(dir, 'license-keys.json');
  let key: SigningKey;
  let a: ServerProcess;
  let b: ServerProcess;
  let token: string;

  beforeAll(async () => {
    key = await newSigningKey('replica-test');
    writeFileSync(keysFile, JSON.stringify({ keys: [key.publicJwk] }));
    const env = {
      CODER_PG_CONNECTION_URL: await createTestDatabase(),
      CODER_LICENSE_KEYS_FILE: keysFile,
      CODER_LOG_LEVEL: 'warn',
    };
    a = await startServerProcess(env);
    await waitForStatus(`${a.baseUrl}/healthz`, 200);
    b = await startServerProcess(env);
    await waitForStatus(`${b.baseUrl}/healthz`, 200);
    expect((await api(a.baseUrl, 'POST', '/api/v2/users/first', { body: owner })).status).toBe(201);
    const login = await api(b.baseUrl, 'POST', '/api/v2/users/login', {
      body: { email: owner.email, password: owner.password },
    });
    token = login.body.session_token as string;
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a license added through one is in the other's /entitlements within 1 s, and so is its deletion", async () => {
    expect((await entitlements(b)).features.template_rbac.enabled).toBe(false);
    const license = await signLicense(key, { features: { template_rbac: 1 } });
    const added = await api(a.baseUrl, 'POST', '/api/v2/licenses', { token, body: { license } });
    expect(added.status).toBe(201);
    const addMs = await timeUntil(async () => (await entitlements(b)).features.template_rbac.enabled, 5000);
    process.stderr.write(`license add reached the second process in ${addMs} ms\n`);
    expect(addMs).toBeLessThan(1000);

    expect((await api(b.baseUrl, 'DELETE', `/api/v2/licenses/${added.body.id as number}`, { token })).status).toBe(200);
    const deleteMs = await timeUntil(async () => !(await entitlements(a)).features.template_rbac.enabled, 5000);
    process.stderr.write(`license delete reached the first process in ${deleteMs} ms\n`);
    expect(deleteMs).toBeLessThan(1000);
  });

  it('a new user on one updates user_limit.actual on the other', async () => {
    const license = await signLicense(key, { features: { user_limit: 10 } });
    expect((await api(a.baseUrl, 'POST', '/api/v2/licenses', { token, body: { license } })).status).toBe(201);
    const body = { email: 'second@example.com', username: 'second', password: owner.password };
    expect((await api(a.baseUrl, 'POST', '/api/v2/users', { token, body })).status).toBe(201);
    await timeUntil(async () => {
      const e = (await api(b.baseUrl, 'GET', '/api/v2/entitlements')).body as {
        features: Record<string, { actual?: number }>;
      };
      return e.features.user_limit.actual === 2;
    }, 5000);
  });

  it('re-reads the key file on SIGHUP', async () => {
    const rotated = await newSigningKey('rotated-by-sighup');
    const license = await signLicense(rotated, { features: { scim: 1 } });
    const before = await api(b.baseUrl, 'POST', '/api/v2/licenses', { token, body: { license } });
    expect(before.body).toEqual({ message: 'Invalid license', detail: 'no key with ID rotated-by-sighup' });
    writeFileSync(keysFile, JSON.stringify({ keys: [key.publicJwk, rotated.publicJwk] }));
    b.child.kill('SIGHUP');
    await timeUntil(
      async () => (await api(b.baseUrl, 'POST', '/api/v2/licenses', { token, body: { license } })).status === 201,
      5000,
    );
    expect(b.child.exitCode).toBeNull();
  });
});
