import { Cron } from 'croner';
import {
  addDays,
  type CalendarDate,
  type DailySchedule,
  dateIn,
  daysBetween,
  midnightIn,
  mondayFirstWeekday,
  nextOccurrence,
} from '../../common/daily-schedule.js';
import type { Transition } from './entities/workspace-build.entity.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const WEEK_MS = 7 * 24 * 60 * MINUTE_MS;
const NS_PER_MS = 1_000_000;
/** `Intl` short weekday → Coder's bitmap bit (Monday = bit 0). */
const WEEKDAY_BIT: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** What the executor knows of one workspace: its settings, latest build and job, owner and template. */
export interface LifecycleCandidate {
  workspaceId: string;
  autostartSchedule: string | null;
  transition: Transition;
  buildCreatedAt: Date;
  deadline: Date | null;
  jobCompleted: boolean;
  jobFailed: boolean;
  /** When the latest build's job completed (null while it runs). */
  jobCompletedAt: Date | null;
  ownerStatus: string;
  /**
   * When the owner's row last changed (`users.updated_at`, written by every status change). An
   * occurrence missed while the owner was suspended or dormant is not caught up on reactivation.
   */
  ownerUpdatedAt: Date;
  allowUserAutostart: boolean;
  /** The template's autostart_requirement days (Monday = bit 0). */
  autostartAllowedDays: number;
  /**
   * The template's failure TTL in nanoseconds when the deployment applies it (Coder's enterprise
   * template schedule store: advanced_template_scheduling), otherwise 0.
   */
  failureTtlNs: number;
}

export interface LifecycleAction {
  transition: 'start' | 'stop';
  reason: 'autostart' | 'autostop';
}

/** Coder's executor acts on whole minutes (`currentTick := t.Truncate(time.Minute)`). */
export function truncateToMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** A weekly schedule (`[CRON_TZ=<zone> ]m h * * dow`) as a paused cron in its zone, or undefined if invalid. */
function weekly(schedule: string): { cron: Cron; zone: string } | undefined {
  let fields = schedule.trim().split(/\s+/).filter(Boolean);
  let zone = 'UTC';
  if (fields[0]?.startsWith('CRON_TZ=')) {
    zone = fields[0].slice('CRON_TZ='.length);
    fields = fields.slice(1);
  }
  if (fields.length !== 5 || fields[2] !== '*' || fields[3] !== '*') return undefined;
  try {
    return { cron: new Cron(fields.join(' '), { paused: true, timezone: zone }), zone };
  } catch {
    return undefined;
  }
}

function weekdayBit(at: Date, zone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short' }).format(at);
  return WEEKDAY_BIT[name] ?? -1;
}

/**
 * Coder's schedule.NextAutostart: the schedule's next occurrence strictly after `at` (whole
 * minute), and whether the template's autostart days allow that weekday (in the schedule's zone).
 */
export function nextAutostart(
  at: Date,
  schedule: string,
  allowedDays: number,
): { at: Date; allowed: boolean } | undefined {
  const parsed = weekly(schedule);
  const next = parsed?.cron.nextRun(at);
  if (!parsed || !next) return undefined;
  const truncated = truncateToMinute(next);
  return { at: truncated, allowed: (allowedDays & (1 << weekdayBit(truncated, parsed.zone))) !== 0 };
}

/** Coder's schedule.NextAllowedAutostart: the first allowed occurrence within a week after `at`. */
export function nextAllowedAutostart(at: Date, schedule: string, allowedDays: number): Date | undefined {
  let cursor = at;
  while (cursor.getTime() - at.getTime() < WEEK_MS) {
    const next = nextAutostart(cursor, schedule, allowedDays);
    if (!next) return undefined;
    if (next.allowed) return next.at;
    // Truncation may step back to the same minute; move past it so the loop always advances.
    cursor = new Date(Math.max(next.at.getTime(), cursor.getTime()) + MINUTE_MS - 1);
  }
  return undefined;
}

/** True when a non-zero deadline has been reached (Coder: `!currentTick.Before(deadline)`). */
export function deadlinePassed(deadline: Date | null, tick: Date): boolean {
  return deadline !== null && deadline.getTime() > 0 && tick.getTime() >= deadline.getTime();
}

/**
 * Coder's isEligibleForAutostop: the latest build is a finished, not failed `start` whose
 * deadline has passed. The owner's status does not matter.
 */
export function isEligibleForAutostop(c: LifecycleCandidate, tick: Date): boolean {
  if (!c.jobCompleted || c.jobFailed) return false;
  return c.transition === 'start' && deadlinePassed(c.deadline, tick);
}

/**
 * Coder's isEligibleForAutostart: an active owner (not suspended, not dormant), a finished, not
 * failed `stop`, the template allowing user autostart, and the first allowed occurrence of the
 * schedule after the latest build's creation reached. Unlike Coder, the occurrence must also come
 * after the owner's last change (their reactivation): reactivating a user never starts at once a
 * workspace whose start was skipped while they were suspended; the next occurrence does.
 */
export function isEligibleForAutostart(c: LifecycleCandidate, tick: Date): boolean {
  if (c.ownerStatus !== 'active') return false;
  if (!c.jobCompleted || c.jobFailed) return false;
  if (c.transition !== 'stop') return false;
  if (!c.allowUserAutostart || !c.autostartSchedule) return false;
  const since = new Date(Math.max(c.buildCreatedAt.getTime(), c.ownerUpdatedAt.getTime()));
  const next = nextAllowedAutostart(since, c.autostartSchedule, c.autostartAllowedDays);
  return next !== undefined && tick.getTime() >= next.getTime();
}

/**
 * Coder's isEligibleForFailedStop: the latest build is a `start` whose job failed more than the
 * template's failure TTL ago (a TTL of 0 = never).
 */
export function isEligibleForFailedStop(c: LifecycleCandidate, tick: Date): boolean {
  if (c.failureTtlNs <= 0 || c.transition !== 'start' || !c.jobCompleted || !c.jobFailed || !c.jobCompletedAt) {
    return false;
  }
  return tick.getTime() - c.jobCompletedAt.getTime() > c.failureTtlNs / NS_PER_MS;
}

/**
 * Coder's getNextTransition, limited to autostop, autostart and the stop of a failed start (in
 * that order; the last one also has reason `autostop`), or undefined.
 */
export function nextTransition(c: LifecycleCandidate, tick: Date): LifecycleAction | undefined {
  if (isEligibleForAutostop(c, tick)) return { transition: 'stop', reason: 'autostop' };
  if (isEligibleForAutostart(c, tick)) return { transition: 'start', reason: 'autostart' };
  if (isEligibleForFailedStop(c, tick)) return { transition: 'stop', reason: 'autostop' };
  return undefined;
}

/**
 * Coder's workspaceTTL: the workspace's own TTL, unless the template does not let users change
 * autostop, in which case the template's default applies (0 = none).
 */
export function effectiveTtl(workspaceTtlNs: number | null, allowUserAutostop: boolean, templateDefaultNs: number) {
  if (!allowUserAutostop) return templateDefaultNs > 0 ? templateDefaultNs : 0;
  return workspaceTtlNs ?? 0;
}

/**
 * Coder's schedule.CalculateAutostop deadline for a `start` build completed at `completedAt`:
 * completion + TTL, or, when the next allowed autostart comes first, that autostart + TTL.
 * Null (no automatic stop) without a TTL.
 */
export function autostopDeadline(
  completedAt: Date,
  ttlNs: number | null,
  schedule: string | null,
  allowedDays: number,
): Date | null {
  if (!ttlNs || ttlNs <= 0) return null;
  const ttlMs = Math.floor(ttlNs / NS_PER_MS);
  let deadline = new Date(completedAt.getTime() + ttlMs);
  if (schedule) {
    const next = nextAutostart(completedAt, schedule, allowedDays);
    if (next?.allowed && deadline.getTime() > next.at.getTime()) deadline = new Date(next.at.getTime() + ttlMs);
  }
  return deadline;
}

/** A template's autostop requirement: weekday bitmap (Monday = bit 0) and every how many weeks. */
export interface AutostopRequirement {
  daysOfWeek: number;
  weeks: number;
}

/** Coder's autostopRequirementLeeway: a stop window this close to the build's completion is skipped. */
const REQUIREMENT_LEEWAY_MS = 2 * HOUR_MS;
/** Coder's autostopRequirementBuffer: windows are looked for from 15 minutes before midnight. */
const REQUIREMENT_BUFFER_MS = 15 * MINUTE_MS;
/** Week 0 of the "every N weeks" requirement: Monday 2 January 2023, in the schedule's zone. */
const REQUIREMENT_EPOCH: CalendarDate = { year: 2023, month: 1, day: 2 };

/**
 * Coder's schedule.CalculateAutostop max deadline for a `start` build completed at `completedAt`:
 * the start of the owner's quiet hours on the first day, at least two hours away, that the
 * template's autostop requirement allows (in an applicable week, counted from REQUIREMENT_EPOCH,
 * when it asks for every N weeks), read in the quiet hours' zone. Null when the requirement has no
 * day, or when the clock is before the epoch (Coder fails the calculation then).
 */
export function autostopMaxDeadline(
  completedAt: Date,
  quietHours: DailySchedule,
  requirement: AutostopRequirement,
): Date | null {
  if ((requirement.daysOfWeek & 0x7f) === 0) return null;
  const zone = quietHours.timezone;
  const completed = completedAt.getTime();
  let day = dateIn(zone, completed + REQUIREMENT_LEEWAY_MS);
  if (requirement.weeks > 1) {
    const days = daysBetween(REQUIREMENT_EPOCH, day);
    if (days < 0) return null;
    const week = Math.floor(days / 7);
    const remainder = week % requirement.weeks;
    if (remainder !== 0) day = addDays(REQUIREMENT_EPOCH, (week + requirement.weeks - remainder) * 7);
  }
  const first = nextOccurrence(quietHours, new Date(midnightIn(zone, day) - REQUIREMENT_BUFFER_MS));
  if (first.getTime() < completed + REQUIREMENT_LEEWAY_MS) day = addDays(day, 1);
  for (let i = 0; i < 7 && (requirement.daysOfWeek & (1 << mondayFirstWeekday(day))) === 0; i++) {
    day = addDays(day, 1);
  }
  const start = midnightIn(zone, day);
  const from = start < completed + HOUR_MS ? completed + HOUR_MS : start - REQUIREMENT_BUFFER_MS;
  return nextOccurrence(quietHours, new Date(from));
}

/**
 * Coder's schedule.CalculateAutostop: the build's deadline (autostopDeadline) and max deadline
 * (autostopMaxDeadline, when the deployment applies the template's autostop requirement: it then
 * passes the owner's quiet hours). A max deadline earlier than the deadline, or with no deadline,
 * becomes the deadline.
 */
export function autostopTimes(
  completedAt: Date,
  ttlNs: number | null,
  schedule: string | null,
  allowedDays: number,
  requirement?: { quietHours: DailySchedule } & AutostopRequirement,
): { deadline: Date | null; maxDeadline: Date | null } {
  const deadline = autostopDeadline(completedAt, ttlNs, schedule, allowedDays);
  const maxDeadline = requirement ? autostopMaxDeadline(completedAt, requirement.quietHours, requirement) : null;
  if (maxDeadline && (!deadline || maxDeadline.getTime() < deadline.getTime()))
    return { deadline: maxDeadline, maxDeadline };
  return { deadline, maxDeadline };
}
