import { QueryFailedError } from 'typeorm';
import { errorSerializer, redactUrl } from './logging.js';

describe('redactUrl', () => {
  it.each([
    ['/api/v2/users/me?coder_session_token=abc-def', '/api/v2/users/me?coder_session_token=[REDACTED]'],
    ['/x?coder%5Fsession%5Ftoken=abc', '/x?coder%5Fsession%5Ftoken=[REDACTED]'],
    ['/x?coder%5fsession%5ftoken=abc', '/x?coder%5fsession%5ftoken=[REDACTED]'],
    ['/x?coder_session_token[]=abc', '/x?coder_session_token[]=[REDACTED]'],
    ['/x?coder_session_token%5B0%5D=abc', '/x?coder_session_token%5B0%5D=[REDACTED]'],
    ['/x?CODER_SESSION_TOKEN=abc', '/x?CODER_SESSION_TOKEN=[REDACTED]'],
    ['/x?a=1&access_token=abc&b=2', '/x?a=1&access_token=[REDACTED]&b=2'],
    ['/x?%zz=1&token=abc', '/x?%zz=1&token=[REDACTED]'],
    ['/x?q=owner:me&limit=5', '/x?q=owner:me&limit=5'],
    ['/x', '/x'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('errorSerializer', () => {
  it("drops a failed query's bound parameters and the driver's detail, keeps the SQL and the message", () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: '23505',
      detail: 'Key (hashed_secret)=(\\xdeadbeef) already exists.',
    });
    const err = new QueryFailedError('INSERT INTO api_keys (hashed_secret) VALUES ($1)', ['secret-value'], driverError);
    const out = errorSerializer(err) as Record<string, unknown>;
    const text = JSON.stringify(out);
    expect(text).not.toContain('secret-value');
    expect(text).not.toContain('deadbeef');
    expect(out.query).toBe('INSERT INTO api_keys (hashed_secret) VALUES ($1)');
    expect(out.message).toContain('duplicate key');
    expect(out.code).toBe('23505');
  });

  it('passes other values through', () => {
    expect(errorSerializer('text')).toBe('text');
  });
});
