import pg from 'pg';

/** PostgreSQL's type oid of `timestamp with time zone`. */
export const TIMESTAMPTZ_OID = 1184;

/** pg's own parser (postgres-date): the fallback for every text the fast path does not take. */
const stockParser = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | number | null;

/** The number written by the ASCII digits text[from, to), or NaN if any is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * A `timestamptz` as PostgreSQL writes it in text (DateStyle ISO, whatever the session's TimeZone):
 * `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`, read by position. pg's parser (postgres-date) runs
 * three regular expressions and a split per value, ~1.3 µs each: at 150,000 values per groups list
 * of 1,000 groups, or 3 per user in every user list, it was the largest single cost in their CPU
 * profiles. Anything else (years before 100 or after 9999, BC, infinity, another DateStyle) goes
 * to pg's parser, so the answers are the same Dates. Milliseconds are the first three fraction
 * digits (a Date holds no more), where pg's multiplies a float and can land one below.
 */
export function parseTimestamptz(text: string): Date | number | null {
  const n = text.length;
  if (
    n < 22 ||
    text.charCodeAt(4) !== 45 /* - */ ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 /*   */ ||
    text.charCodeAt(13) !== 58 /* : */ ||
    text.charCodeAt(16) !== 58
  ) {
    return stockParser(text);
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  const hour = digitsAt(text, 11, 13);
  const minute = digitsAt(text, 14, 16);
  const second = digitsAt(text, 17, 19);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    const start = ++i;
    let scale = 100;
    for (let d = text.charCodeAt(i) - 48; i < n && d >= 0 && d <= 9; d = text.charCodeAt(++i) - 48) {
      ms += d * scale; // the first three digits: 100, 10, 1; the rest add 0
      scale = scale >= 10 ? scale / 10 : 0;
    }
    if (i === start) return stockParser(text);
  }
  const sign = text.charCodeAt(i);
  if (sign !== 43 /* + */ && sign !== 45 /* - */) return stockParser(text);
  // ±HH, ±HH:MM or ±HH:MM:SS, and nothing after it.
  const rest = n - i - 1;
  if (rest !== 2 && rest !== 5 && rest !== 8) return stockParser(text);
  let offset = digitsAt(text, i + 1, i + 3) * 3600;
  if (rest >= 5) offset += text.charCodeAt(i + 3) === 58 ? digitsAt(text, i + 4, i + 6) * 60 : NaN;
  if (rest === 8) offset += text.charCodeAt(i + 6) === 58 ? digitsAt(text, i + 7, i + 9) : NaN;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year < 100 || Number.isNaN(utc) || Number.isNaN(offset)) return stockParser(text);
  return new Date(utc - (sign === 45 ? -offset : offset) * 1000);
}

/** The type parsers of our pool: pg's, with `timestamptz` read by parseTimestamptz. */
export const POOL_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): unknown {
    if (oid === TIMESTAMPTZ_OID && format !== 'binary') return parseTimestamptz;
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
};
