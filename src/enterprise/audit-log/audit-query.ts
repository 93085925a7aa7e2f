import { isUuid, type ValidationEntry } from '../../common/errors.js';
import type { AuditFilter } from '../../core/audit/audit.repository.js';
import {
  AUDIT_ACTIONS,
  AUDIT_RESOURCE_TYPES,
  type AuditAction,
  type AuditResourceType,
} from '../../core/audit/audit.service.js';
import { invalidAuditQuery } from './audit-log.errors.js';

export const BUILD_REASONS = ['initiator', 'autostart', 'autostop'] as const;
export type BuildReason = (typeof BUILD_REASONS)[number];

/**
 * What `GET /audit?q=` selects: an AuditFilter whose enumerations hold only known values;
 * `username:me` becomes the caller's `userId`, `date_to` the end of that day (UTC).
 */
export interface AuditSearch extends AuditFilter {
  /** `organization:` as given (an id or a name); the caller resolves it to `organizationId`. */
  organization?: string;
  resourceType?: AuditResourceType;
  action?: AuditAction;
  buildReason?: BuildReason;
}

/** Known keys, in the order Coder's parser reads them (so validations come out in that order). */
const KEYS = [
  'request_id',
  'resource_id',
  'resource_target',
  'username',
  'email',
  'date_from',
  'date_to',
  'organization',
  'resource_type',
  'action',
  'build_reason',
] as const;
type Key = (typeof KEYS)[number];

const DATE_LAYOUT = '2006-01-02';

/**
 * Parses `q` as Coder's v2 `searchquery.AuditLogs` does: lower-cased, space separated (double
 * quotes group), bare words are the resource type, `key:value` otherwise. Strict: unknown keys
 * and invalid enum values are 400s (Coder mid-2023 silently ignored them, which made a typo
 * return the whole log).
 */
export function parseAuditSearch(q: string | undefined, callerId: string): AuditSearch {
  if (!q) return {};
  const values = searchTerms(q.toLowerCase());
  const problems: ValidationEntry[] = [];
  const filter: AuditSearch = {};
  for (const key of KEYS) {
    const value = values.get(key);
    if (value) applyKey(filter, key, value, callerId, problems);
  }
  for (const key of values.keys()) {
    if (!(KEYS as readonly string[]).includes(key)) {
      problems.push({ field: key, detail: `Query param ${quote(key)} is not a valid query param` });
    }
  }
  if (problems.length === 0 && filter.dateTo && filter.dateFrom && filter.dateTo < filter.dateFrom) {
    problems.push({
      field: 'q',
      detail: `DateTo value ${quote(goTimeString(filter.dateTo))} cannot be before than DateFrom`,
    });
  }
  if (problems.length > 0) throw invalidAuditQuery(problems);
  return filter;
}

function applyKey(filter: AuditSearch, key: Key, value: string, callerId: string, problems: ValidationEntry[]): void {
  switch (key) {
    case 'request_id':
    case 'resource_id':
      if (!isUuid(value)) problems.push({ field: key, detail: `Query param ${quote(key)} must be a valid uuid` });
      else if (key === 'request_id') filter.requestId = value;
      else filter.resourceId = value;
      return;
    case 'organization':
      filter.organization = value;
      return;
    case 'resource_target':
      filter.resourceTarget = value;
      return;
    case 'username':
      if (value === 'me') filter.userId = callerId;
      else filter.username = value;
      return;
    case 'email':
      filter.email = value;
      return;
    case 'date_from':
    case 'date_to': {
      const parsed = parseGoDate(value);
      if (typeof parsed === 'string') {
        problems.push({
          field: key,
          detail: `Query param ${quote(key)} must be a valid date format (${DATE_LAYOUT}): ${parsed}`,
        });
      } else if (key === 'date_from') {
        filter.dateFrom = parsed;
      } else {
        filter.dateTo = new Date(parsed.getTime() + 24 * 3600_000 - 1);
      }
      return;
    }
    case 'resource_type':
      filter.resourceType = oneOf(AUDIT_RESOURCE_TYPES, key, value, problems);
      return;
    case 'action':
      filter.action = oneOf(AUDIT_ACTIONS, key, value, problems);
      return;
    case 'build_reason':
      filter.buildReason = oneOf(BUILD_REASONS, key, value, problems);
  }
}

function oneOf<T extends string>(
  allowed: readonly T[],
  key: string,
  value: string,
  problems: ValidationEntry[],
): T | undefined {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push({
    field: key,
    detail: `Query param ${quote(key)} has invalid value: ${quote(value)} is not a valid value`,
  });
  return undefined;
}

/** Coder's searchTerms: the first structural problem ends parsing. Empty values mean "not set". */
function searchTerms(query: string): Map<string, string> {
  const values = new Map<string, string[]>();
  const add = (key: string, value: string) => values.set(key, [...(values.get(key) ?? []), value]);
  for (const element of splitOutsideQuotes(query, ' ', true)) {
    if (element.startsWith(':') || element.endsWith(':')) {
      throw invalid(`Query element ${quote(element)} cannot start or end with ':'`);
    }
    const parts = splitOutsideQuotes(element, ':', false);
    if (parts.length === 1) add('resource_type', parts[0]);
    else if (parts.length === 2) add(parts[0], parts[1]);
    else throw invalid(`Query element ${quote(element)} can only contain 1 ':'`);
  }
  const single = new Map<string, string>();
  for (const [key, list] of values) {
    if (list.length > 1)
      throw invalid(`Query parameter ${quote(key)} provided more than once, found ${list.length} times`);
    single.set(key, list[0]);
  }
  return single;
}

function invalid(detail: string) {
  return invalidAuditQuery([{ field: 'q', detail }]);
}

/** Go's strings.FieldsFunc split on `delimiter` outside double quotes (empty fields dropped). */
function splitOutsideQuotes(text: string, delimiter: string, keepQuotes: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === delimiter) {
      if (current) parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) parts.push(current);
  return keepQuotes ? parts : parts.map((part) => part.replace(/^"+|"+$/g, ''));
}

/**
 * Go's `time.Parse("2006-01-02", value)` in UTC, or its error text (Coder puts that text in the
 * validation detail).
 */
export function parseGoDate(value: string): Date | string {
  const cannot = (rest: string, elem: string) =>
    `parsing time ${quote(value)} as ${quote(DATE_LAYOUT)}: cannot parse ${quote(rest)} as ${quote(elem)}`;
  let rest = value;
  if (!/^\d{4}/.test(rest)) return cannot(rest, '2006');
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  const numbers: number[] = [];
  for (const elem of ['01', '02']) {
    if (!rest.startsWith('-')) return cannot(rest, '-');
    rest = rest.slice(1);
    if (!/^\d\d/.test(rest)) return cannot(rest, elem);
    numbers.push(Number(rest.slice(0, 2)));
    rest = rest.slice(2);
    if (elem === '01' && (numbers[0] < 1 || numbers[0] > 12)) return `parsing time ${quote(value)}: month out of range`;
  }
  if (rest.length > 0) return `parsing time ${quote(value)}: extra text: ${quote(rest)}`;
  const [month, day] = numbers;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (day < 1 || date.getUTCDate() !== day) return `parsing time ${quote(value)}: day out of range`;
  return date;
}

/** Go's `time.Time.String()` for Coder's (second-precision) end of a `date_to` day, in UTC. */
function goTimeString(date: Date): string {
  return `${date.toISOString().slice(0, 10)} 23:59:59 +0000 UTC`;
}

/** Go's `%q` for the plain text that reaches it here. */
function quote(text: string): string {
  return JSON.stringify(text);
}
