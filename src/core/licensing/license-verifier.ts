import { compactVerify, errors, type CryptoKey } from 'jose';
import { decodeSegment, InvalidLicenseError, type LicenseClaims } from './license-claims.js';

/** Licenses are a few hundred bytes; anything much larger is not one. */
export const MAX_LICENSE_LENGTH = 32 * 1024;

/** The license names a signing key that is not trusted (not in the keys file, as last read). */
export class UnknownLicenseKeyError extends InvalidLicenseError {
  constructor(readonly kid: string) {
    super(`no key with ID ${kid}`);
  }
}

/** Looks up a trusted public key by `kid`. */
export type KeyResolver = (kid: string) => CryptoKey | undefined;

export interface VerifyOptions {
  now: Date;
  /** Accept a license whose `nbf` is in the future (stored now, entitles nothing until then). */
  allowNotYetValid?: boolean;
  /** Accept a license whose `exp` has passed (used only to describe stored licenses). */
  allowExpired?: boolean;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function formatAgo(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}h${m}m${s % 60}s`;
}

/**
 * Verifies a license JWT the way Coder does: EdDSA (Ed25519) only, `kid` required and trusted,
 * signature, `exp`/`nbf`/`iat`, `version == 3`, `license_expires` present. Every failure is an
 * InvalidLicenseError whose message is the `detail` shown to the caller.
 */
export async function verifyLicense(
  jwt: string,
  resolveKey: KeyResolver,
  options: VerifyOptions,
): Promise<LicenseClaims> {
  if (jwt.length > MAX_LICENSE_LENGTH)
    throw new InvalidLicenseError(`license is too large (more than ${MAX_LICENSE_LENGTH} bytes)`);
  const parts = jwt.trim().split('.');
  if (parts.length !== 3) throw new InvalidLicenseError('token contains an invalid number of segments');
  const header = decodeSegment(parts[0], 'header');
  if (!header || typeof header !== 'object' || Array.isArray(header))
    throw new InvalidLicenseError('could not JSON decode header');
  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (alg !== 'EdDSA' && alg !== 'Ed25519') throw new InvalidLicenseError(`signing method ${String(alg)} is invalid`);
  if (typeof kid !== 'string' || kid === '') throw new InvalidLicenseError('JOSE header must contain kid');
  const key = resolveKey(kid);
  if (!key) throw new UnknownLicenseKeyError(kid);

  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(parts.join('.'), key, { algorithms: ['EdDSA', 'Ed25519'] }));
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed)
      throw new InvalidLicenseError('token signature is invalid');
    if (err instanceof errors.JOSEError) throw new InvalidLicenseError(`token is malformed: ${err.message}`);
    throw err;
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new InvalidLicenseError('could not JSON decode claims');
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims))
    throw new InvalidLicenseError('claims must be a JSON object');
  return checkClaims(claims as Record<string, unknown>, options);
}

function checkClaims(c: Record<string, unknown>, options: VerifyOptions): LicenseClaims {
  const nowS = options.now.getTime() / 1000;
  if (!isNumericDate(c.exp)) throw new InvalidLicenseError('exp claim missing or not parsable');
  if (!options.allowExpired && c.exp <= nowS)
    throw new InvalidLicenseError(`token is expired by ${formatAgo((nowS - c.exp) * 1000)}`);
  if (c.nbf !== undefined && !isNumericDate(c.nbf)) throw new InvalidLicenseError('nbf claim is not a number');
  if (!options.allowNotYetValid && isNumericDate(c.nbf) && c.nbf > nowS)
    throw new InvalidLicenseError('token is not valid yet');
  if (c.iat !== undefined && !isNumericDate(c.iat)) throw new InvalidLicenseError('iat claim is not a number');
  if (isNumericDate(c.iat) && c.iat > nowS + 60) throw new InvalidLicenseError('Token used before issued');
  if (c.version !== 3) throw new InvalidLicenseError('license must be version 3');
  if (c.license_expires === undefined || c.license_expires === null)
    throw new InvalidLicenseError('license missing license_expires');
  if (!isNumericDate(c.license_expires)) throw new InvalidLicenseError('license_expires is not a number');
  // codersdk's License.ExpiresAt (the Terraform provider) needs a JSON integer: refuse fractions.
  if (!Number.isInteger(c.license_expires))
    throw new InvalidLicenseError('license_expires must be a whole number of seconds');
  for (const flag of ['trial', 'all_features', 'require_telemetry', 'publish_usage_data'] as const) {
    if (c[flag] !== undefined && typeof c[flag] !== 'boolean')
      throw new InvalidLicenseError(`${flag} must be a boolean`);
  }
  for (const text of ['jti', 'sub', 'iss', 'account_type', 'account_id', 'feature_set'] as const) {
    if (c[text] !== undefined && typeof c[text] !== 'string') throw new InvalidLicenseError(`${text} must be a string`);
  }
  for (const list of ['addons', 'deployment_ids'] as const) {
    const value = c[list];
    if (value !== undefined && (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))) {
      throw new InvalidLicenseError(`${list} must be a list of strings`);
    }
  }
  if (c.features !== undefined) {
    const f = c.features;
    if (!f || typeof f !== 'object' || Array.isArray(f))
      throw new InvalidLicenseError('features must be an object of feature names to integers');
    for (const [name, value] of Object.entries(f)) {
      if (!Number.isInteger(value)) throw new InvalidLicenseError(`feature ${JSON.stringify(name)} must be an integer`);
    }
  }
  return c as LicenseClaims;
}

/** The license UUID: `jti` when it is a UUID (lower-cased), else undefined (the caller makes one up). */
export function licenseUuid(claims: LicenseClaims): string | undefined {
  const jti = claims.jti;
  return typeof jti === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(jti)
    ? jti.toLowerCase()
    : undefined;
}
