import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A workspace proxy token: `<proxy uuid>:<64 hex>`; only the secret's SHA-256 is stored (Coder's format). */
export interface IssuedProxyToken {
  token: string;
  hashedSecret: Buffer;
}

export const PROXY_TOKEN_SECRET_LENGTH = 64;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SHA-256 of the secret's ASCII text (what Coder stores in `token_hashed_secret`). */
export function hashProxySecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function issueProxyToken(proxyId: string): IssuedProxyToken {
  const secret = randomBytes(PROXY_TOKEN_SECRET_LENGTH / 2).toString('hex');
  return { token: `${proxyId}:${secret}`, hashedSecret: hashProxySecret(secret) };
}

/** Splits a presented token; null when it is not `<uuid>:<64 characters>` (Coder's checks). */
export function parseProxyToken(raw: string): { proxyId: string; secret: string } | null {
  const parts = raw.split(':');
  if (parts.length !== 2) return null;
  const [proxyId, secret] = parts;
  if (!UUID_RE.test(proxyId) || secret.length !== PROXY_TOKEN_SECRET_LENGTH) return null;
  return { proxyId: proxyId.toLowerCase(), secret };
}

/** Constant-time comparison of the presented secret's hash with the stored one. */
export function proxySecretMatches(storedHash: Buffer, secret: string): boolean {
  const presented = hashProxySecret(secret);
  return storedHash.length === presented.length && timingSafeEqual(storedHash, presented);
}

/** The header external proxies authenticate with (Coder's `Coder-External-Proxy-Token`). */
export const PROXY_TOKEN_HEADER = 'Coder-External-Proxy-Token';
