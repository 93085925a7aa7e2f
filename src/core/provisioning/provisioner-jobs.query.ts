import { badRequest, isUuid, type ValidationEntry } from '../../common/errors.js';
import type { JobViewFilter } from './job-views.query.js';

/** Coder's job statuses (`unknown` included: Coder's enum has it, though no job ever shows it). */
export const JOB_STATUSES = ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed', 'unknown'] as const;

const DEFAULT_LIMIT = 50;
const MAX_INT32 = 2 ** 31 - 1;

export type JobListQuery = Pick<JobViewFilter, 'ids' | 'statuses' | 'tags' | 'initiatorId' | 'limit'>;

/** Values of a list parameter, CSV and/or repeated (Coder's ParseCustomList); empty items dropped. */
function listOf(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** A single-valued parameter: its value, '' when absent, or a validation when repeated. */
function single(query: Record<string, unknown>, name: string, out: ValidationEntry[]): string {
  const raw = query[name];
  if (raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  const n = Array.isArray(raw) ? raw.length : 2;
  out.push({
    field: name,
    detail: `Query param "${name}" provided more than once, found ${n} times. Only provide 1 instance of this query param.`,
  });
  return '';
}

function parseTags(raw: string, out: ValidationEntry[]): Record<string, string> | undefined {
  if (raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    out.push({ field: 'tags', detail: `Query param "tags" must be a valid JSON object: ${(err as Error).message}` });
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    out.push({ field: 'tags', detail: 'Query param "tags" must be a valid JSON object: not an object' });
    return undefined;
  }
  const tags = value as Record<string, unknown>;
  const bad = Object.keys(tags).find((k) => typeof tags[k] !== 'string');
  if (bad !== undefined) {
    out.push({ field: 'tags', detail: `Query param "tags" must be a valid JSON object: tag "${bad}" is not a string` });
    return undefined;
  }
  return tags as Record<string, string>;
}

/**
 * `GET /organizations/{organization}/provisionerjobs` query, with Coder's messages: `limit`
 * (default 50, 0 = all), `ids`, `status` (CSV or repeated; unknown values are a 400 here, where
 * Coder fails the enum cast with a 500), `tags` (a JSON object the job's tags must contain),
 * `initiator`. Any problem: 400 `Invalid query parameters.` with one validation per parameter.
 */
export function parseJobListQuery(query: Record<string, unknown>): JobListQuery {
  const problems: ValidationEntry[] = [];
  const out: JobListQuery = {};

  const limit = single(query, 'limit', problems);
  if (limit !== '') {
    if (!/^\d+$/.test(limit) || Number(limit) > MAX_INT32) {
      problems.push({
        field: 'limit',
        detail: `Query param "limit" must be a valid 32-bit positive integer: ${JSON.stringify(limit)}`,
      });
    } else if (Number(limit) > 0) {
      out.limit = Number(limit);
    }
  } else {
    out.limit = DEFAULT_LIMIT;
  }

  const ids = listOf(query.ids);
  const badIds = ids.filter((id) => !isUuid(id));
  if (badIds.length > 0) {
    problems.push({ field: 'ids', detail: `Query param "ids" has invalid values: ${badIds.join(', ')}` });
  } else if (ids.length > 0) {
    out.ids = ids.map((id) => id.toLowerCase());
  }

  const statuses = listOf(query.status);
  const badStatuses = statuses.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
  if (badStatuses.length > 0) {
    problems.push({
      field: 'status',
      detail: `Query param "status" has invalid values: ${badStatuses.join(', ')} (valid: ${JOB_STATUSES.join(', ')})`,
    });
  } else if (statuses.length > 0) {
    out.statuses = statuses;
  }

  const tags = parseTags(single(query, 'tags', problems), problems);
  if (tags) out.tags = tags;

  const initiator = single(query, 'initiator', problems);
  if (initiator !== '') {
    if (isUuid(initiator)) out.initiatorId = initiator.toLowerCase();
    else problems.push({ field: 'initiator', detail: 'Query param "initiator" must be a valid uuid' });
  }

  if (problems.length > 0) throw badRequest('Invalid query parameters.', undefined, problems);
  return out;
}
