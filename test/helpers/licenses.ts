import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  newSigningKey,
  signLicense,
  type LicenseOptions,
  type SigningKey,
} from '../../src/core/licensing/license-issuer.js';
import type { FeatureName } from '../../src/core/licensing/features.js';
import type { TestApp } from './app.js';
import { auth, type Session } from './world.js';

/**
 * One test signing key per test file, trusted through a JWKS file that every test app is started
 * with (CODER_LICENSE_KEYS_FILE), the same way `npm run license:issue` sets up a deployment.
 */
let keyFile: { path: string; key: SigningKey } | undefined;

export async function testLicenseKey(): Promise<{ path: string; key: SigningKey }> {
  if (!keyFile) {
    const key = await newSigningKey('test-key');
    const path = join(mkdtempSync(join(tmpdir(), 'coder-license-keys-')), 'license-keys.json');
    writeFileSync(path, JSON.stringify({ keys: [key.publicJwk] }));
    keyFile = { path, key };
  }
  return keyFile;
}

/** A license JWT signed by the test key. */
export async function issueLicense(options: LicenseOptions = {}): Promise<string> {
  return signLicense((await testLicenseKey()).key, options);
}

/** Adds a license granting `features` (as the owner) and returns the License response. */
export async function addLicense(
  t: TestApp,
  owner: Session,
  features: FeatureName[] | 'all',
  options: LicenseOptions = {},
): Promise<{ id: number; uuid: string; claims: Record<string, unknown> }> {
  const license = await issueLicense({
    ...(features === 'all' ? { allFeatures: true } : { features: Object.fromEntries(features.map((f) => [f, 1])) }),
    ...options,
  });
  const res = await t.http.post('/api/v2/licenses').set(auth(owner.token)).send({ license }).expect(201);
  return res.body;
}

export async function deleteLicense(t: TestApp, owner: Session, id: number): Promise<void> {
  await t.http.delete(`/api/v2/licenses/${id}`).set(auth(owner.token)).expect(200);
}
