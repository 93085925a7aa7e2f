import { Cron } from 'croner';
import { ApiError, badRequest } from '../../common/errors.js';
import { isTimeZone } from '../../common/time-zones.js';

const MS_PER_MINUTE = 60_000;
const NS_PER_MS = 1_000_000;
/** Coder's ttlMax (late 2023): a workspace may run at most 30 days before its automatic stop. */
const TTL_MAX_MS = 30 * 24 * 60 * MS_PER_MINUTE;

/** Why a weekly autostart schedule is invalid (Coder's `schedule.Weekly` wording), or undefined. */
export function autostartScheduleProblem(raw: string): string | undefined {
  let fields = raw.trim().split(/\s+/).filter(Boolean);
  let zone = 'UTC';
  if (fields[0]?.startsWith('CRON_TZ=')) {
    zone = fields[0].slice('CRON_TZ='.length);
    fields = fields.slice(1);
  }
  if (fields.length !== 5)
    return 'validate weekly schedule: expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix';
  if (fields[2] !== '*' || fields[3] !== '*') return 'validate weekly schedule: expected month and dom to be *';
  if (zone === '' || !isTimeZone(zone))
    return `parse schedule: provided bad location ${zone}: unknown time zone ${zone}`;
  try {
    new Cron(fields.join(' '), { paused: true, timezone: zone });
  } catch (err) {
    return `parse schedule: ${(err as Error).message}`;
  }
  return undefined;
}

/**
 * null/empty → no autostart; anything else must be a weekly schedule, else a 400 with `message`
 * (Coder's create route says `Invalid Autostart Schedule.`, its update route `Invalid autostart schedule.`).
 */
export function validAutostartSchedule(
  value: string | null | undefined,
  message = 'Invalid Autostart Schedule.',
): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const problem = autostartScheduleProblem(value);
  if (problem) throw badRequest(message, undefined, [{ field: 'schedule', detail: problem }]);
  return value.trim();
}

/** Go's `time.Duration.String()` for a duration in nanoseconds (whole milliseconds here). */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1_000_000_000) {
    const ms = rest / NS_PER_MS;
    return `${sign}${ms}ms`;
  }
  const hours = Math.floor(rest / 3_600_000_000_000);
  rest -= hours * 3_600_000_000_000;
  const minutes = Math.floor(rest / 60_000_000_000);
  rest -= minutes * 60_000_000_000;
  const seconds = `${Number((rest / 1_000_000_000).toFixed(9))}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function ttlProblem(message: string, detail: string): ApiError {
  return badRequest(message, undefined, [{ field: 'ttl_ms', detail }]);
}

/**
 * Coder's validWorkspaceTTLMillis: the workspace's time to shutdown in nanoseconds, or null for
 * none. Absent or 0 takes the template's default (capped by the template's maximum); the update
 * route passes no default, so there it turns the automatic stop off unless the template has a
 * maximum. A refusal is a 400 with `message` (Coder's create and update routes word it differently).
 */
export function workspaceTtl(
  ttlMs: number | null | undefined,
  templateDefaultNs: number,
  templateMaxNs: number,
  message = 'Invalid Workspace Time to Shutdown.',
): number | null {
  if (ttlMs === null || ttlMs === undefined || ttlMs === 0) {
    let ttl = templateDefaultNs;
    if (templateMaxNs > 0 && (ttl === 0 || ttl > templateMaxNs)) ttl = templateMaxNs;
    return ttl === 0 ? null : ttl;
  }
  const ms = Math.trunc(ttlMs / MS_PER_MINUTE) * MS_PER_MINUTE;
  if (ms < MS_PER_MINUTE) throw ttlProblem(message, 'time until shutdown must be at least one minute');
  if (ms > TTL_MAX_MS) throw ttlProblem(message, 'time until shutdown must be less than 30 days');
  if (templateMaxNs > 0 && ms * NS_PER_MS > templateMaxNs) {
    throw ttlProblem(
      message,
      `time until shutdown must be less than or equal to the template's maximum TTL ${JSON.stringify(goDuration(templateMaxNs))}`,
    );
  }
  return ms * NS_PER_MS;
}
