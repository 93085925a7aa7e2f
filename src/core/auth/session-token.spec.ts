import { createHash } from 'node:crypto';
import { formatGoTime } from './go-time.js';
import { generateSessionToken, parseSessionToken, secretMatches } from './session-token.js';

describe('session tokens', () => {
  it('are <10 alnum>-<22 alnum> and store only sha256(secret)', () => {
    const t = generateSessionToken();
    expect(t.token).toMatch(/^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/);
    expect(t.hashedSecret.equals(createHash('sha256').update(t.secret).digest())).toBe(true);
    expect(secretMatches(t.secret, t.hashedSecret)).toBe(true);
    expect(secretMatches(`${t.secret.slice(0, -1)}x`, t.hashedSecret)).toBe(t.secret.endsWith('x'));
  });

  it('are unique', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateSessionToken().token));
    expect(seen.size).toBe(1000);
  });

  it.each([
    ['abc', 'Invalid API key format: incorrect amount of API key parts, expected 2 got 1'],
    ['a-b-c', 'Invalid API key format: incorrect amount of API key parts, expected 2 got 3'],
    ['short-aaaaaaaaaaaaaaaaaaaaaa', 'Invalid API key format: invalid API key ID length, expected 10 got 5'],
    ['aaaaaaaaaa-short', 'Invalid API key format: invalid API key secret length, expected 22 got 5'],
  ])("rejects %j with Coder's detail", (raw, detail) => {
    expect(parseSessionToken(raw)).toEqual({ ok: false, detail });
  });

  it('formats expiry times like Go', () => {
    expect(formatGoTime(new Date('2026-01-02T03:04:05.120Z'))).toBe('2026-01-02 03:04:05.12 +0000 UTC');
    expect(formatGoTime(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02 03:04:05 +0000 UTC');
  });
});
