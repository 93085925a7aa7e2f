import { badRequest, isUuid, type ValidationEntry } from '../../common/errors.js';
import { parseDuration } from '../../config/duration.js';
import {
  DAEMON_STATUSES,
  type DaemonListFilter,
  type DaemonStatus,
} from '../../core/provisioning/provisioner-daemons.repository.js';

/** Coder's httpapi wording for this route (not our shared `Query parameters have invalid values.`). */
export const INVALID_DAEMON_QUERY = 'Invalid query parameters.';
const DEFAULT_LIMIT = 50;
const MAX_INT32 = 2_147_483_647;

/**
 * The query of `GET /organizations/{organization}/provisionerdaemons`, parsed as Coder's
 * QueryParamParser does (an empty value counts as absent; lists are CSV and/or repeated), with
 * one deliberate difference: an unknown `status` is a 400 here (Coder fails the enum cast: 500).
 * Unknown parameters are ignored, as on every other list route of ours (Coder answers 400).
 */
export function parseDaemonListQuery(query: Record<string, unknown>): DaemonListFilter {
  const problems: ValidationEntry[] = [];
  const values = (name: string): string[] => {
    const raw = query[name];
    if (raw === undefined) return [];
    return (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'string' ? v : String(v)));
  };
  /** The single value of a parameter; undefined when absent or empty. */
  const single = (name: string): string | undefined => {
    const set = values(name);
    if (set.length === 0 || set[0] === '') return undefined;
    if (set.length > 1) {
      problems.push({
        field: name,
        detail: `Query param "${name}" provided more than once, found ${set.length} times. Only provide 1 instance of this query param.`,
      });
      return undefined;
    }
    return set[0];
  };
  /** Every term of a list parameter; undefined when absent or empty. */
  const list = (name: string): string[] | undefined => {
    const set = values(name);
    if (set.length === 0 || set[0] === '') return undefined;
    return set.flatMap((v) => v.split(','));
  };

  let limit: number | null = DEFAULT_LIMIT;
  const rawLimit = single('limit');
  if (rawLimit !== undefined) {
    const n = /^[+-]?\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_INT32) {
      const why = Number.isSafeInteger(n) && n < 0 ? 'value is negative' : `invalid syntax: "${rawLimit}"`;
      problems.push({ field: 'limit', detail: `Query param "limit" must be a valid 32-bit positive integer: ${why}` });
    } else {
      limit = n === 0 ? null : n;
    }
  }

  let ids: string[] | null = null;
  const rawIds = list('ids');
  if (rawIds !== undefined) {
    const bad = rawIds.filter((v) => !isUuid(v.trim()));
    if (bad.length > 0) {
      const why = bad.map((v) => `invalid UUID ${JSON.stringify(v)}`).join('; ');
      problems.push({ field: 'ids', detail: `Query param "ids" has invalid values: ${why}` });
    } else {
      ids = rawIds.map((v) => v.trim().toLowerCase());
    }
  }

  let tags: Record<string, string> | null = null;
  const rawTags = single('tags');
  if (rawTags !== undefined) {
    const why = tagsProblem(rawTags);
    if (typeof why === 'string') {
      problems.push({ field: 'tags', detail: `Query param "tags" must be a valid JSON object: ${why}` });
    } else {
      tags = why;
    }
  }

  let offline: boolean | null = null;
  const rawOffline = single('offline');
  if (rawOffline !== undefined) {
    if (/^(1|t|true)$/i.test(rawOffline)) offline = true;
    else if (/^(0|f|false)$/i.test(rawOffline)) offline = false;
    else
      problems.push({
        field: 'offline',
        detail: `Query param "offline" must be a valid boolean: invalid syntax: "${rawOffline}"`,
      });
  }

  let statuses: DaemonStatus[] | null = null;
  const rawStatuses = list('status');
  if (rawStatuses !== undefined) {
    const bad = rawStatuses.filter((s) => !(DAEMON_STATUSES as readonly string[]).includes(s));
    if (bad.length > 0) {
      const why = bad.map((s) => `${JSON.stringify(s)} is not a valid value`).join('; ');
      problems.push({
        field: 'status',
        detail: `Query param "status" has invalid values: ${why} (one of ${DAEMON_STATUSES.join(', ')})`,
      });
    } else {
      statuses = rawStatuses as DaemonStatus[];
    }
  }

  let maxAgeMs: number | null = null;
  const rawMaxAge = single('max_age');
  if (rawMaxAge !== undefined) {
    try {
      const ms = parseDuration(rawMaxAge);
      // Coder ignores a zero or negative age.
      maxAgeMs = ms > 0 ? Math.ceil(ms) : null;
    } catch (err) {
      problems.push({
        field: 'max_age',
        detail: `Query param "max_age" must be a valid duration (e.g., '24h', '30m', '1h30m'): ${(err as Error).message}`,
      });
    }
  }

  if (problems.length > 0) throw badRequest(INVALID_DAEMON_QUERY, undefined, problems);
  return { limit, ids, tags, offline, statuses, maxAgeMs };
}

/** The tags filter, or why it is not a JSON object of strings. */
function tagsProblem(raw: string): Record<string, string> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return (err as Error).message;
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return `cannot decode ${JSON.stringify(raw)} as an object`;
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') return `the value of ${JSON.stringify(key)} is not a string`;
    if (key.includes('\0') || value.includes('\0')) return 'tags cannot contain the null byte (0x00)';
  }
  return parsed as Record<string, string>;
}
