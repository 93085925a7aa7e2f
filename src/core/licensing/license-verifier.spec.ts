import { createHmac } from 'node:crypto';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { decodeClaimsUnverified, InvalidLicenseError } from './license-claims.js';
import { newSigningKey, signLicense, type SigningKey } from './license-issuer.js';
import { licenseUuid, MAX_LICENSE_LENGTH, verifyLicense } from './license-verifier.js';

// Licenses signed during the test get nbf/iat = the real clock, so verify against the real clock too.
const nowS = Math.floor(Date.now() / 1000);
let key: SigningKey;
let publicKey: CryptoKey;
const resolve = (kid: string) => (kid === key.kid ? publicKey : undefined);

async function detail(jwt: string, options = {}): Promise<string> {
  try {
    await verifyLicense(jwt, resolve, { now: new Date(), ...options });
  } catch (err) {
    if (err instanceof InvalidLicenseError) return err.detail;
    throw err;
  }
  throw new Error('expected the license to be rejected');
}

const enc = (value: unknown) => base64url.encode(JSON.stringify(value));

function raw(header: Record<string, unknown>, claims: Record<string, unknown>, signature = 'AAAA'): string {
  return `${enc(header)}.${enc(claims)}.${signature}`;
}

function goodClaims(overrides: Record<string, unknown> = {}) {
  return { version: 3, license_expires: nowS + 86400, exp: nowS + 2 * 86400, features: { scim: 1 }, ...overrides };
}

async function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, ...header }).sign(key.privateKey);
}

beforeAll(async () => {
  key = await newSigningKey('test-kid');
  const { importJWK } = await import('jose');
  publicKey = (await importJWK(key.publicJwk, 'EdDSA')) as CryptoKey;
});

describe('verifyLicense', () => {
  it('accepts a license signed by a trusted key and returns its claims', async () => {
    const jwt = await signLicense(key, { features: { template_rbac: 1 }, accountId: 'acme', email: 'a@example.com' });
    const claims = await verifyLicense(jwt, resolve, { now: new Date() });
    expect(claims).toMatchObject({
      version: 3,
      features: { template_rbac: 1 },
      account_id: 'acme',
      sub: 'a@example.com',
    });
    expect(licenseUuid(claims)).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeClaimsUnverified(jwt)).toEqual(claims);
  });

  it('rejects a flipped signature byte', async () => {
    const jwt = await signLicense(key);
    const [h, p, s] = jwt.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[5] ^= 0x01;
    expect(await detail(`${h}.${p}.${sig.toString('base64url')}`)).toBe('token signature is invalid');
  });

  it('rejects an edited payload', async () => {
    const [h, , s] = (await signLicense(key)).split('.');
    expect(await detail(`${h}.${enc(goodClaims({ all_features: true }))}.${s}`)).toBe('token signature is invalid');
  });

  it('rejects alg none', async () => {
    expect(await detail(`${enc({ alg: 'none', kid: key.kid })}.${enc(goodClaims())}.`)).toBe(
      'signing method none is invalid',
    );
  });

  it('rejects HS256 signed with the public key as the secret', async () => {
    const header = enc({ alg: 'HS256', kid: key.kid, typ: 'JWT' });
    const payload = enc(goodClaims());
    const secret = JSON.stringify(await exportJWK(publicKey));
    const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect(await detail(`${header}.${payload}.${mac}`)).toBe('signing method HS256 is invalid');
  });

  it('rejects RS256 and ES256 licenses', async () => {
    for (const alg of ['RS256', 'ES256'] as const) {
      const { privateKey } = await generateKeyPair(alg);
      const jwt = await new SignJWT(goodClaims()).setProtectedHeader({ alg, kid: key.kid }).sign(privateKey);
      expect(await detail(jwt)).toBe(`signing method ${alg} is invalid`);
    }
  });

  it('requires a kid, and a trusted one', async () => {
    const noKid = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'EdDSA' }).sign(key.privateKey);
    expect(await detail(noKid)).toBe('JOSE header must contain kid');
    expect(await detail(await signed(goodClaims(), { kid: 'someone-else' }))).toBe('no key with ID someone-else');
    const other = await newSigningKey('test-kid');
    expect(await detail(await signLicense(other))).toBe('token signature is invalid');
  });

  it.each([
    [{ version: 2 }, 'license must be version 3'],
    [{ version: '3' }, 'license must be version 3'],
    [{ license_expires: undefined }, 'license missing license_expires'],
    [{ license_expires: 'tomorrow' }, 'license_expires is not a number'],
    [{ exp: undefined }, 'exp claim missing or not parsable'],
    [{ exp: 'soon' }, 'exp claim missing or not parsable'],
    [{ features: [1, 2] }, 'features must be an object of feature names to integers'],
    [{ features: { scim: 'yes' } }, 'feature "scim" must be an integer'],
    [{ trial: 'yes' }, 'trial must be a boolean'],
    [{ account_id: 42 }, 'account_id must be a string'],
    [{ iat: nowS + 3600 }, 'Token used before issued'],
    [{ license_expires: nowS + 86400.5 }, 'license_expires must be a whole number of seconds'],
    [{ feature_set: 1 }, 'feature_set must be a string'],
    [{ deployment_ids: 'abc' }, 'deployment_ids must be a list of strings'],
    [{ deployment_ids: [1] }, 'deployment_ids must be a list of strings'],
    [{ addons: [{}] }, 'addons must be a list of strings'],
    [{ publish_usage_data: 'yes' }, 'publish_usage_data must be a boolean'],
  ])('rejects claims %j', async (overrides, message) => {
    expect(await detail(await signed(goodClaims(overrides)))).toBe(message);
  });

  it('accepts the 2024+ claims: feature_set, addons, deployment_ids', async () => {
    const claims = goodClaims({
      feature_set: 'premium',
      addons: ['ai_governance'],
      deployment_ids: ['a', 'b'],
      publish_usage_data: true,
    });
    await expect(verifyLicense(await signed(claims), resolve, { now: new Date() })).resolves.toMatchObject(claims);
  });

  it('rejects an expired license with the time since expiry', async () => {
    expect(await detail(await signed(goodClaims({ exp: nowS - 3661 })))).toMatch(/^token is expired by 1h1m\d+s$/);
  });

  it('rejects a not-yet-valid license unless told to keep it', async () => {
    const later = await signed(goodClaims({ nbf: nowS + 3600 }));
    expect(await detail(later)).toBe('token is not valid yet');
    await expect(verifyLicense(later, resolve, { now: new Date(), allowNotYetValid: true })).resolves.toMatchObject({
      version: 3,
    });
  });

  it.each([
    ['one segment', 'abc', 'token contains an invalid number of segments'],
    ['two segments', 'abc.def', 'token contains an invalid number of segments'],
    ['four segments', 'a.b.c.d', 'token contains an invalid number of segments'],
    ['bad base64 header', '!!!.e30.AAAA', 'could not base64 decode header'],
    ['non-JSON header', `${base64url.encode('not json')}.e30.AAAA`, 'could not JSON decode header'],
    ['array header', `${enc([1])}.e30.AAAA`, 'could not JSON decode header'],
  ])('rejects %s', async (_name, jwt, message) => {
    expect(await detail(jwt)).toBe(message);
  });

  it('rejects claims that are not a JSON object', async () => {
    const { CompactSign } = await import('jose');
    const sign = (text: string) =>
      new CompactSign(new TextEncoder().encode(text))
        .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
        .sign(key.privateKey);
    expect(await detail(await sign('"just a string"'))).toBe('claims must be a JSON object');
    expect(await detail(await sign('{not json'))).toBe('could not JSON decode claims');
  });

  it('rejects a 1 MB string without parsing it', async () => {
    expect(await detail('a'.repeat(1024 * 1024))).toBe(`license is too large (more than ${MAX_LICENSE_LENGTH} bytes)`);
  });

  it('rejects segments that are base64 of garbage', async () => {
    expect(await detail(raw({ alg: 'EdDSA', kid: key.kid }, goodClaims(), '***'))).toBe(
      'token is malformed: Failed to base64url decode the signature',
    );
  });
});
