import pg from 'pg';
import { parseTimestamptz, POOL_TYPES, TIMESTAMPTZ_OID } from './timestamptz.js';

const stock = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | number | null;

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `epochMs` as PostgreSQL writes it with the session's UTC offset `offsetSeconds` and `fraction` digits (µs). */
function pgText(epochMs: number, micros: number, offsetSeconds: number, style: 'h' | 'hm' | 'hms'): string {
  const local = new Date(epochMs + offsetSeconds * 1000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fraction = micros === 0 ? '' : `.${pad(micros, 6)}`.replace(/0+$/, '');
  const abs = Math.abs(offsetSeconds);
  let zone = `${offsetSeconds < 0 ? '-' : '+'}${pad(Math.floor(abs / 3600))}`;
  if (style !== 'h') zone += `:${pad(Math.floor((abs % 3600) / 60))}`;
  if (style === 'hms') zone += `:${pad(abs % 60)}`;
  return `${date} ${time}${fraction}${zone}`;
}

describe('parseTimestamptz', () => {
  it('reads PostgreSQL text in any offset to the same instant, to the millisecond', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 5000; i++) {
      const seconds = Math.floor(random() * 8_000_000_000) - 1_000_000_000; // 1938 .. 2223
      const micros = i % 4 === 0 ? 0 : Math.floor(random() * 1_000_000);
      const offsets = [0, 3600, -5 * 3600, 5 * 3600 + 1800, -(9 * 3600 + 30 * 60), 14 * 3600, 3600 + 17 * 60 + 23];
      const offset = offsets[i % offsets.length];
      const style = offset % 60 !== 0 ? 'hms' : offset % 3600 !== 0 ? 'hm' : (['h', 'hm', 'hms'] as const)[i % 3];
      const text = pgText(seconds * 1000, micros, offset, style);
      const parsed = parseTimestamptz(text) as Date;
      expect([text, parsed.getTime()]).toEqual([text, seconds * 1000 + Math.floor(micros / 1000)]);
      // pg's own parser agrees, but for its float rounding of the fraction (one millisecond below at most).
      const theirs = (stock(text) as Date).getTime();
      expect(parsed.getTime() - theirs).toBeGreaterThanOrEqual(0);
      expect(parsed.getTime() - theirs).toBeLessThanOrEqual(1);
    }
  });

  it.each([
    '2026-12-07 06:00:00+00',
    '2026-12-07 06:00:00.5+00',
    '2026-12-07 06:00:00.12+05:30',
    '2026-12-07 06:00:00.123456-08',
    '1999-12-31 23:59:59.999+00',
  ])('matches pg on %s', (text) => {
    expect((parseTimestamptz(text) as Date).toISOString()).toBe((stock(text) as Date).toISOString());
  });

  it.each([
    'infinity',
    '-infinity',
    '0050-03-01 12:00:00+00',
    '12345-01-01 00:00:00+00',
    '2000-01-01 00:00:00+00 BC',
    '2026-12-07',
    '2026-12-07 06:00:00',
    '2026-12-07 06:00:00.+00',
    '2026-12-07 06:00:00+0',
    '2026-12-07 06:00:00+00:3',
    '2026-12-07 06:00:00+00x00',
    '2026-1x-07 06:00:00+00',
  ])('leaves %s to pg', (text) => {
    const ours = parseTimestamptz(text);
    const theirs = stock(text);
    if (ours instanceof Date && theirs instanceof Date) expect(ours.getTime()).toEqual(theirs.getTime());
    else expect(ours).toEqual(theirs);
  });

  it('is the pool’s parser for timestamptz in text only', () => {
    expect(POOL_TYPES.getTypeParser(TIMESTAMPTZ_OID, 'text')).toBe(parseTimestamptz);
    expect(POOL_TYPES.getTypeParser(TIMESTAMPTZ_OID)).toBe(parseTimestamptz);
    expect(POOL_TYPES.getTypeParser(TIMESTAMPTZ_OID, 'binary')).toBe(pg.types.getTypeParser(TIMESTAMPTZ_OID, 'binary'));
    expect(POOL_TYPES.getTypeParser(23, 'text')).toBe(pg.types.getTypeParser(23, 'text'));
  });
});
