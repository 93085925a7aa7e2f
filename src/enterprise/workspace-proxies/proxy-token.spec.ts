import { createHash } from 'node:crypto';
import { hashProxySecret, issueProxyToken, parseProxyToken, proxySecretMatches } from './proxy-token.js';

const ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

describe('workspace proxy tokens (Coder: <uuid>:<64 hex>, sha256 of the secret stored)', () => {
  it('issues <id>:<64 lower-case hex> and the SHA-256 of the secret text', () => {
    const { token, hashedSecret } = issueProxyToken(ID);
    expect(token).toMatch(new RegExp(`^${ID}:[0-9a-f]{64}$`));
    const secret = token.split(':')[1];
    expect(hashedSecret.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(hashedSecret.length).toBe(32);
  });

  it('issues a different secret every time', () => {
    expect(issueProxyToken(ID).token).not.toBe(issueProxyToken(ID).token);
  });

  it('parses a well-formed token (the id lower-cased)', () => {
    const secret = 'a'.repeat(64);
    expect(parseProxyToken(`${ID.toUpperCase()}:${secret}`)).toEqual({ proxyId: ID, secret });
  });

  it.each([
    ['no colon', `${ID}${'a'.repeat(64)}`],
    ['two colons', `${ID}:${'a'.repeat(32)}:${'a'.repeat(31)}`],
    ['not a uuid', `not-a-uuid:${'a'.repeat(64)}`],
    ['short secret', `${ID}:${'a'.repeat(63)}`],
    ['long secret', `${ID}:${'a'.repeat(65)}`],
    ['empty', ''],
  ])('refuses a token with %s', (_, raw) => {
    expect(parseProxyToken(raw)).toBeNull();
  });

  it('compares secrets by hash', () => {
    const { token, hashedSecret } = issueProxyToken(ID);
    const secret = token.split(':')[1];
    expect(proxySecretMatches(hashedSecret, secret)).toBe(true);
    expect(
      proxySecretMatches(
        hashedSecret,
        secret.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    ).toBe(false);
    expect(proxySecretMatches(Buffer.alloc(0), secret)).toBe(false);
    expect(hashProxySecret(secret).equals(hashedSecret)).toBe(true);
  });
});
