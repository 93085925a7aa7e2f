import { hashPassword, passwordEntropy, passwordWeakness, verifyPassword } from './password.js';

describe('password rules (Coder: go-password-validator at 52 bits, at most 64 characters)', () => {
  it.each(['SomeStrongPassword!', 'correct horse battery staple', 'Tr0ub4dor&3xyzw!'])('accepts %j', (pw) => {
    expect(passwordWeakness(pw)).toBeUndefined();
  });

  it("rejects short or repetitive passwords with the library's hints", () => {
    expect(passwordWeakness('password')).toBe(
      'insecure password, try including special characters, using uppercase letters, using numbers or using a longer password',
    );
    expect(passwordWeakness('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toMatch(/^insecure password/);
    expect(passwordWeakness('Ab1!')).toBe('insecure password, try using a longer password');
  });

  it('rejects passwords longer than 64 characters', () => {
    expect(passwordWeakness(`${'Ab1!'.repeat(16)}x`)).toBe('password must be no more than 64 characters');
  });

  it('computes entropy like go-password-validator', () => {
    // base 26 (lowercase) and length 8 (each char counted at most twice) → 8·log2(26).
    expect(passwordEntropy('abcdefgh')).toBeCloseTo(8 * Math.log2(26));
    expect(passwordEntropy('aaaa')).toBeCloseTo(2 * Math.log2(26));
  });
});

describe('password hashing (scrypt)', () => {
  it('verifies the right password only and never stores it in clear', async () => {
    const hash = await hashPassword('SomeStrongPassword!');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('SomeStrongPassword!');
    await expect(verifyPassword('SomeStrongPassword!', hash)).resolves.toBe(true);
    await expect(verifyPassword('SomeStrongPassword?', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
  });

  it('rejects missing and malformed hashes', async () => {
    await expect(verifyPassword('x', null)).resolves.toBe(false);
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$999999999$8$1$AA$AA')).resolves.toBe(false);
  });
});
