import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const KEY_ID_LENGTH = 10;
export const KEY_SECRET_LENGTH = 22;

/** A uniformly random alphanumeric string (crypto RNG, no modulo bias). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export interface GeneratedToken {
  id: string;
  secret: string;
  hashedSecret: Buffer;
  /** `<id>-<secret>`: shown to the caller once, never stored. */
  token: string;
}

/** Coder's session token: `<10 alnum>-<22 alnum>`; only sha256(secret) is stored. */
export function generateSessionToken(): GeneratedToken {
  const id = randomAlphanumeric(KEY_ID_LENGTH);
  const secret = randomAlphanumeric(KEY_SECRET_LENGTH);
  return { id, secret, hashedSecret: hashSecret(secret), token: `${id}-${secret}` };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function secretMatches(secret: string, hashed: Buffer): boolean {
  const candidate = hashSecret(secret);
  return hashed.length === candidate.length && timingSafeEqual(candidate, hashed);
}

export type ParsedToken = { ok: true; id: string; secret: string } | { ok: false; detail: string };

/** Splits a presented token with Coder's exact format errors. */
export function parseSessionToken(raw: string): ParsedToken {
  const parts = raw.split('-');
  if (parts.length !== 2) {
    return {
      ok: false,
      detail: `Invalid API key format: incorrect amount of API key parts, expected 2 got ${parts.length}`,
    };
  }
  const [id, secret] = parts;
  if (id.length !== KEY_ID_LENGTH) {
    return {
      ok: false,
      detail: `Invalid API key format: invalid API key ID length, expected ${KEY_ID_LENGTH} got ${id.length}`,
    };
  }
  if (secret.length !== KEY_SECRET_LENGTH) {
    return {
      ok: false,
      detail: `Invalid API key format: invalid API key secret length, expected ${KEY_SECRET_LENGTH} got ${secret.length}`,
    };
  }
  return { ok: true, id, secret };
}
