// What several bench sections set up on a fresh server: the first user signed in, and a license
// signed by a throwaway key that only the bench's servers trust.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newSigningKey, signLicense } from '../../dist/src/core/licensing/license-issuer.js';

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
export const BENCH_PASSWORD = 'SomeStrongPassword!';

/**
 * Creates the first user (the owner) `bench<n>` on a fresh server and signs in as it; answers the
 * session token.
 */
export async function signIn(base, n = '') {
  const user = { email: `bench${n}@example.com`, username: `bench${n}`, password: BENCH_PASSWORD };
  await fetch(`${base}/api/v2/users/first`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(user) });
  const res = await fetch(`${base}/api/v2/users/login`, {
    method: 'POST',
    headers: JSON_HEADERS,
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${user.username}: ${res.status} ${await res.text()}`);
  return (await res.json()).session_token;
}

/**
 * A throwaway license signing key: start the server with `env` (CODER_LICENSE_KEYS_FILE names its
 * public key), then `install` a license for `features` (or `sign` one to post yourself); `cleanup`
 * removes the key file.
 */
export async function benchLicenseKey() {
  const dir = mkdtempSync(join(tmpdir(), 'coder-bench-keys-'));
  const signingKey = await newSigningKey('bench');
  const keysFile = join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify({ keys: [signingKey.publicJwk] }));
  return {
    env: { CODER_LICENSE_KEYS_FILE: keysFile },
    sign: (features) => signLicense(signingKey, { features }),
    async install(base, token, features) {
      const license = await signLicense(signingKey, { features });
      const res = await fetch(`${base}/api/v2/licenses`, {
        method: 'POST',
        headers: { 'Coder-Session-Token': token, ...JSON_HEADERS },
        body: JSON.stringify({ license }),
      });
      if (!res.ok) throw new Error(`POST /api/v2/licenses: ${res.status} ${await res.text()}`);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
