import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../../config/config.schema.js';
import { InvalidLicenseError } from './license-claims.js';
import { newSigningKey, signLicense } from './license-issuer.js';
import { LicenseKeysService } from './license-keys.service.js';
import { UnknownLicenseKeyError, verifyLicense } from './license-verifier.js';

let dir: string;
let path: string;
let service: LicenseKeysService;

const writeKeys = (keys: unknown[]) => writeFileSync(path, JSON.stringify({ keys }));

/** Counts reloads: listeners are told after every read of the file. */
function countReloads(): { readonly count: number } {
  const counter = { count: 0 };
  service.onChange(() => counter.count++);
  return counter;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'license-keys-spec-'));
  path = join(dir, 'license-keys.json');
  writeKeys([]);
  service = new LicenseKeysService({ licenseKeysFile: path } as AppConfig);
  await service.onModuleInit();
});

afterEach(() => {
  service.onModuleDestroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('LicenseKeysService.resolveFresh', () => {
  it('finds a key added to the file after the last read, before the file watcher polls', async () => {
    const key = await newSigningKey('added-late');
    writeKeys([key.publicJwk]);
    // The watcher polls once a second: right after the write the cached keys do not have it yet.
    expect(service.resolve('added-late')).toBeUndefined();
    expect(await service.resolveFresh('added-late')).toBeDefined();
    expect(service.kids).toEqual(['added-late']);
  });

  it('answers undefined for a key that is not in the file either, and tells listeners of the re-read', async () => {
    const reloads = countReloads();
    expect(await service.resolveFresh('rogue')).toBeUndefined();
    expect(reloads.count).toBe(1);
  });

  it('does not re-read the file for a key it already has', async () => {
    const key = await newSigningKey('known');
    writeKeys([key.publicJwk]);
    await service.reload('test');
    const reloads = countReloads();
    expect(await service.resolveFresh('known')).toBe(service.resolve('known'));
    expect(reloads.count).toBe(0);
  });

  it('shares one re-read among concurrent lookups of unknown keys', async () => {
    const reloads = countReloads();
    const key = await newSigningKey('burst');
    writeKeys([key.publicJwk]);
    const found = await Promise.all(Array.from({ length: 20 }, () => service.resolveFresh('burst')));
    expect(found.every(Boolean)).toBe(true);
    // The first lookup reads; the 19 that ask while it runs share one more read after it.
    expect(reloads.count).toBeGreaterThanOrEqual(1);
    expect(reloads.count).toBeLessThanOrEqual(2);
  });

  it('keeps the previous keys when the file is broken', async () => {
    const key = await newSigningKey('kept');
    writeKeys([key.publicJwk]);
    await service.reload('test');
    writeFileSync(path, '{ not json');
    expect(await service.resolveFresh('other')).toBeUndefined();
    expect(service.resolve('kept')).toBeDefined();
  });
});

describe('verifyLicense with an unknown kid', () => {
  it("throws UnknownLicenseKeyError naming the kid, with Coder's detail", async () => {
    const jwt = await signLicense(await newSigningKey('nowhere'), { features: { scim: 1 } });
    const error = await verifyLicense(jwt, () => undefined, { now: new Date() }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UnknownLicenseKeyError);
    expect(error).toBeInstanceOf(InvalidLicenseError);
    expect((error as UnknownLicenseKeyError).kid).toBe('nowhere');
    expect((error as InvalidLicenseError).detail).toBe('no key with ID nowhere');
  });
});
