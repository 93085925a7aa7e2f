import { parseRfc3339 } from './coder-validators.js';

describe('parseRfc3339 (Go time.Time JSON)', () => {
  it('reads RFC 3339 times with a zone, fractions included', () => {
    expect(parseRfc3339('2026-12-07T18:00:00Z')?.toISOString()).toBe('2026-12-07T18:00:00.000Z');
    expect(parseRfc3339('2026-12-07t18:00:00z')?.toISOString()).toBe('2026-12-07T18:00:00.000Z');
    expect(parseRfc3339('2026-12-07T19:30:00+01:30')?.toISOString()).toBe('2026-12-07T18:00:00.000Z');
    expect(parseRfc3339('2026-12-07T18:00:00.123456789Z')?.toISOString()).toBe('2026-12-07T18:00:00.123Z');
    expect(parseRfc3339('2028-02-29T00:00:00-05:00')?.toISOString()).toBe('2028-02-29T05:00:00.000Z');
  });

  it('refuses what Go refuses: no zone, no time, impossible dates, other types', () => {
    for (const value of [
      '2026-12-07',
      '2026-12-07T18:00:00',
      '2026-12-07 18:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-12-07T24:00:00Z',
      '2026-12-07T18:60:00Z',
      '2026-12-07T18:00:00+24:00',
      'tomorrow',
      '',
      1_900_000_000,
      null,
      undefined,
    ]) {
      expect(parseRfc3339(value)).toBeUndefined();
    }
  });
});
