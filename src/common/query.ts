import { badRequest, isUuid, MESSAGES, type ValidationEntry } from './errors.js';

/** Collects query-parameter problems and throws them together, in Coder's wording. */
export class QueryParser {
  readonly validations: ValidationEntry[] = [];

  constructor(private readonly query: Record<string, unknown>) {}

  string(name: string): string | undefined {
    const raw = this.query[name];
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') {
      this.validations.push({ field: name, detail: `Query param "${name}" must be provided at most once` });
      return undefined;
    }
    return raw;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d+$/.test(raw)) {
      this.validations.push({
        field: name,
        detail: `Query param "${name}" must be a valid integer (${JSON.stringify(raw)})`,
      });
      return fallback;
    }
    const n = Number(raw);
    if (n < min || n > max) {
      this.validations.push({ field: name, detail: `Query param "${name}" must be between ${min} and ${max}` });
      return fallback;
    }
    return n;
  }

  uuid(name: string): string | undefined {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return undefined;
    if (!isUuid(raw)) {
      this.validations.push({ field: name, detail: `Query param "${name}" must be a valid uuid` });
      return undefined;
    }
    return raw.toLowerCase();
  }

  boolean(name: string): boolean {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return false;
    if (/^(1|t|true)$/i.test(raw)) return true;
    if (/^(0|f|false)$/i.test(raw)) return false;
    this.validations.push({ field: name, detail: `Query param "${name}" must be a valid boolean` });
    return false;
  }

  /** Throws 400 `Query parameters have invalid values.` if anything was wrong. */
  done(): void {
    if (this.validations.length > 0) throw badRequest(MESSAGES.invalidQuery, undefined, this.validations);
  }
}

export const MAX_PAGE_SIZE = 1000;

export interface Pagination {
  limit: number;
  offset: number;
  afterId?: string;
}

/** `limit` (0 or absent = the maximum page, 1000), `offset`, `after_id`. */
export function parsePagination(parser: QueryParser): Pagination {
  const limit = parser.integer('limit', 0, 0, MAX_PAGE_SIZE);
  return {
    limit: limit === 0 ? MAX_PAGE_SIZE : limit,
    offset: parser.integer('offset', 0, 0, 1_000_000_000),
    afterId: parser.uuid('after_id'),
  };
}

/**
 * Splits a Coder search query (`q`) into terms: whitespace separated, double quotes group,
 * `key:value` pairs; everything lower-cased as Coder does. With `keepQuotes` the quotes stay in
 * the terms, so a later split on `:` can leave quoted colons alone (Coder's two passes).
 */
export function splitSearchQuery(q: string, keepQuotes = false): string[] {
  return splitOutsideQuotes(q.toLowerCase(), /\s/, keepQuotes);
}

/**
 * Coder's searchquery.searchTerms: each term of `q` (splitSearchQuery) is `key:value` (split on the
 * colon outside quotes, quotes then dropped) or a bare word, which `bare` turns into pairs (or a
 * problem to report). A term that starts or ends with `:` or has two colons is a problem of `q`.
 * Answers every pair in order, and the problems.
 */
export function searchTerms(
  q: string,
  bare: (term: string) => [string, string][] | string,
): { pairs: [string, string][]; problems: ValidationEntry[] } {
  const pairs: [string, string][] = [];
  const problems: ValidationEntry[] = [];
  for (const element of splitSearchQuery(q, true)) {
    if (element.startsWith(':') || element.endsWith(':')) {
      problems.push({ field: 'q', detail: `Query element "${element}" cannot start or end with ':'` });
      continue;
    }
    const parts = splitOutsideQuotes(element, /:/).map((part) => part.replace(/^"+|"+$/g, ''));
    if (parts.length > 2) {
      problems.push({ field: 'q', detail: `Query element "${element}" can only contain 1 ':'` });
      continue;
    }
    if (parts.length === 2) {
      pairs.push([parts[0], parts[1]]);
      continue;
    }
    const found = bare(element.replace(/"/g, ''));
    if (typeof found === 'string') problems.push({ field: 'q', detail: found });
    else pairs.push(...found);
  }
  return { pairs, problems };
}

/** Splits on `delimiter` outside double quotes; empty parts are dropped (Go's strings.FieldsFunc). */
export function splitOutsideQuotes(text: string, delimiter: RegExp, keepQuotes = false): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      if (keepQuotes) current += ch;
    } else if (delimiter.test(ch) && !quoted) {
      if (current) parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) parts.push(current);
  return parts;
}
