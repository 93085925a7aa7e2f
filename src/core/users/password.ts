import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

// scrypt at N=2^15, r=8, p=1 (32 MiB, tens of milliseconds): slow for guessing, run off the event loop.
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEM = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: MAX_MEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time check of a password against a stored `scrypt$...` hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (![n, r, p].every(Number.isInteger) || expected.length === 0 || n > 1 << 17 || r > 16 || p > 4) return false;
  const key = await scrypt(password, salt, expected.length, { N: n, r, p, maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(key, expected) && stored !== null;
}

/**
 * Hash of a random password, compared against when the user does not exist or has no password,
 * so a login attempt costs the same whether or not the email is known (no enumeration by timing).
 */
const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${randomBytes(16).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`;

// Coder validates passwords with wagslane/go-password-validator at 52 bits and caps them at 64
// characters; the entropy computation below follows that library so the same passwords pass.
const MIN_ENTROPY_BITS = 52;
export const MAX_PASSWORD_LENGTH = 64;

const REPLACE_CHARS = '!@$&*';
const SEP_CHARS = '_-., ';
const OTHER_SPECIAL_CHARS = '"#%\'()+/:;<=>?[\\]^{|}~';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SPECIAL = REPLACE_CHARS + SEP_CHARS + OTHER_SPECIAL_CHARS;

function entropyBase(password: string): number {
  const seen = new Set(password);
  let base = 0;
  const groups = [REPLACE_CHARS, SEP_CHARS, OTHER_SPECIAL_CHARS, LOWER, UPPER, DIGITS];
  const present = new Set<string>();
  for (const c of seen) {
    const group = groups.find((g) => g.includes(c));
    if (group) present.add(group);
    else base++;
  }
  for (const group of present) base += group.length;
  return base;
}

function entropyLength(password: string): number {
  const counts = new Map<string, number>();
  for (const c of password) counts.set(c, Math.min((counts.get(c) ?? 0) + 1, 2));
  let length = 0;
  for (const n of counts.values()) length += n;
  return length;
}

export function passwordEntropy(password: string): number {
  const base = entropyBase(password);
  return base === 0 ? 0 : entropyLength(password) * Math.log2(base);
}

/** Coder's userpassword.Validate: undefined when acceptable, else the reason shown to the user. */
export function passwordWeakness(password: string): string | undefined {
  if (passwordEntropy(password) < MIN_ENTROPY_BITS) {
    const chars = [...password];
    const hints: string[] = [];
    if (!chars.some((c) => SPECIAL.includes(c))) hints.push('including special characters');
    if (!chars.some((c) => LOWER.includes(c))) hints.push('using lowercase letters');
    if (!chars.some((c) => UPPER.includes(c))) hints.push('using uppercase letters');
    if (!chars.some((c) => DIGITS.includes(c))) hints.push('using numbers');
    return hints.length > 0
      ? `insecure password, try ${hints.join(', ')} or using a longer password`
      : 'insecure password, try using a longer password';
  }
  if ([...password].length > MAX_PASSWORD_LENGTH) {
    return `password must be no more than ${MAX_PASSWORD_LENGTH} characters`;
  }
  return undefined;
}
