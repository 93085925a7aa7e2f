import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface LicenseOptions {
  features?: Record<string, number>;
  allFeatures?: boolean;
  trial?: boolean;
  /** Paid term from now; `exp` = term + grace. */
  days?: number;
  graceDays?: number;
  accountId?: string;
  accountType?: string;
  email?: string;
  requireTelemetry?: boolean;
  /** Grant a whole feature set (`enterprise` or `premium`), as Coder's 2024+ licenses do. */
  featureSet?: string;
  /** Lock the license to these deployment ids (as `/buildinfo` shows them). */
  deploymentIds?: string[];
  /** Not valid before this time (default: now). */
  notBefore?: Date;
  now?: Date;
}

const DAY_S = 86_400;

export async function newSigningKey(
  kid = `local-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`,
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** Signs a version-3 Coder license (EdDSA, with `kid`). */
export async function signLicense(key: SigningKey, options: LicenseOptions = {}): Promise<string> {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const licenseExpires = now + Math.round((options.days ?? 365) * DAY_S);
  const exp = licenseExpires + Math.round((options.graceDays ?? 7) * DAY_S);
  const claims: Record<string, unknown> = {
    version: 3,
    license_expires: licenseExpires,
    features: options.features ?? {},
    all_features: options.allFeatures ?? false,
    trial: options.trial ?? false,
    require_telemetry: options.requireTelemetry ?? false,
  };
  if (options.accountId) claims.account_id = options.accountId;
  if (options.accountType) claims.account_type = options.accountType;
  if (options.featureSet) claims.feature_set = options.featureSet;
  if (options.deploymentIds?.length) claims.deployment_ids = options.deploymentIds;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setJti(randomUUID())
    .setIssuer('coder-enterprise-server license:issue')
    .setIssuedAt(now)
    .setNotBefore(options.notBefore ? Math.floor(options.notBefore.getTime() / 1000) : now)
    .setExpirationTime(exp);
  if (options.email) jwt.setSubject(options.email);
  return jwt.sign(key.privateKey);
}

/** Loads the private signing key kept in the data directory, creating it (mode 0600) on first use. */
export async function loadOrCreateSigningKey(path: string): Promise<{ key: SigningKey; created: boolean }> {
  if (existsSync(path)) {
    const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK & { kid: string };
    const privateKey = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
    const { d: _private, ...publicJwk } = jwk;
    return { key: { kid: jwk.kid, privateKey, publicJwk: { ...publicJwk, alg: 'EdDSA', use: 'sig' } }, created: false };
  }
  const key = await newSigningKey();
  const privateJwk = { ...(await exportJWK(key.privateKey)), kid: key.kid, alg: 'EdDSA' };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { key, created: true };
}

/** Adds a public key to a JWKS file (created if missing), atomically; returns false if already there. */
export function addPublicKeyToJwks(path: string, publicJwk: JWK): boolean {
  const doc = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { keys: JWK[] }) : { keys: [] };
  if (!Array.isArray(doc.keys)) throw new Error(`${path} is not a JWKS document`);
  if (doc.keys.some((k) => k.kid === publicJwk.kid)) return false;
  doc.keys.push(publicJwk);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, path);
  return true;
}
