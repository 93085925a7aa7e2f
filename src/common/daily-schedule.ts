import { isTimeZone } from './time-zones.js';

/**
 * Coder's daily quiet-hours schedules (coderd/schedule/cron.go `Daily`, user.go): five cron fields
 * with an optional `CRON_TZ=<IANA zone>` prefix, day-of-month, month and day-of-week all `*`, and a
 * single minute and hour. Stored canonically as `CRON_TZ=<zone> <min> <hour> * * *`.
 */
export interface DailySchedule {
  raw: string;
  timezone: string;
  hour: number;
  minute: number;
}

export class ScheduleError extends Error {}

export function parseDailySchedule(input: string): DailySchedule {
  const raw = input.trim();
  const parse = (message: string) => new ScheduleError(`parse daily schedule "${input}": ${message}`);
  let fields = raw.split(/\s+/).filter(Boolean);
  let timezone = 'UTC';
  if (fields[0]?.startsWith('CRON_TZ=')) {
    timezone = fields[0].slice('CRON_TZ='.length);
    fields = fields.slice(1);
    if (timezone === '' || !isTimeZone(timezone))
      throw parse(`provided bad location ${timezone}: unknown time zone ${timezone}`);
  }
  if (fields.length !== 5)
    throw parse('expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix');
  const [minuteField, hourField, dom, month, dow] = fields;
  if (dom !== '*' || month !== '*' || dow !== '*') throw parse('expected day-of-month, month and day-of-week to be *');
  const single = (field: string, max: number, what: string): number => {
    if (/^\d{1,2}$/.test(field)) {
      const n = Number(field);
      if (n <= max) return n;
      throw parse(`${what} out of range (0-${max}): ${field}`);
    }
    if (/^[\d*,\-/]+$/.test(field)) {
      throw new ScheduleError(`daily schedule "${input}" has more than one time: cron(${minuteField} ${hourField})`);
    }
    throw parse(`failed to parse ${what} "${field}"`);
  };
  const minute = single(minuteField, 59, 'minute');
  const hour = single(hourField, 23, 'hour');
  return { raw: `CRON_TZ=${timezone} ${minute} ${hour} * * *`, timezone, hour, minute };
}

/**
 * The quiet hours that apply to a user (Coder's enterprise UserQuietHoursScheduleStore): their
 * stored schedule when users may set one and they did, otherwise the deployment default.
 */
export function effectiveQuietHours(
  stored: string,
  userCanSet: boolean,
  defaultSchedule: string,
): { schedule: DailySchedule; userSet: boolean } {
  const userSet = userCanSet && stored.trim() !== '';
  return { schedule: parseDailySchedule(userSet ? stored : defaultSchedule), userSet };
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(zone: string, instant: number): LocalParts {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute };
}

/** Offset of `zone` from UTC at `instant`, in minutes (whole minutes are enough for every IANA zone since 1970). */
export function zoneOffsetMinutes(zone: string, instant: number): number {
  const p = localParts(zone, instant);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  return Math.round((asUtc - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/**
 * The instant a wall-clock time occurs in `zone`: the earlier one when it occurs twice (autumn),
 * undefined when it does not occur at all (the spring-forward gap). robfig/cron, which Coder uses,
 * skips a daily job whose time falls in the gap; so do we.
 */
function instantOf(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number | undefined {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const candidates = new Set<number>();
  for (const probe of [wall - 14 * 3_600_000, wall, wall + 14 * 3_600_000]) {
    candidates.add(wall - zoneOffsetMinutes(zone, probe) * 60_000);
  }
  const matches = [...candidates].filter((t) => {
    const p = localParts(zone, t);
    return p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute;
  });
  return matches.length > 0 ? Math.min(...matches) : undefined;
}

/** A calendar date: year, month (1–12), day. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** The calendar date of `instant` in `zone`. */
export function dateIn(zone: string, instant: number): CalendarDate {
  const { year, month, day } = localParts(zone, instant);
  return { year, month, day };
}

/** `date` moved by `days`, normalised as Go's time.Date normalises (October 32 is November 1). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Whole days from `from` to `to` (negative when `to` comes first). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000,
  );
}

/** The day of the week of `date`, Monday = 0 … Sunday = 6 (the bit order of Coder's weekday bitmaps). */
export function mondayFirstWeekday(date: CalendarDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

/**
 * 0:00 of `date` in `zone`. Where a daylight-saving change skips midnight, the wall time is read
 * with the offset in force before the change (as Go's time.Date does), which lands just after it.
 */
export function midnightIn(zone: string, date: CalendarDate): number {
  const exact = instantOf(zone, date.year, date.month, date.day, 0, 0);
  if (exact !== undefined) return exact;
  const wall = Date.UTC(date.year, date.month - 1, date.day);
  return wall - zoneOffsetMinutes(zone, wall - 14 * 3_600_000) * 60_000;
}

/** The next start of the daily window strictly after `now`. */
export function nextOccurrence(schedule: DailySchedule, now: Date): Date {
  const today = localParts(schedule.timezone, now.getTime());
  for (let offset = 0; offset < 4; offset++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const t = instantOf(
      schedule.timezone,
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      schedule.hour,
      schedule.minute,
    );
    if (t !== undefined && t > now.getTime()) return new Date(t);
  }
  throw new Error(`no occurrence of ${schedule.raw} in the next days`);
}

/** RFC 3339 with the zone's offset at that instant (as Go prints a time in its location). */
export function formatInZone(instant: Date, zone: string): string {
  const offset = zoneOffsetMinutes(zone, instant.getTime());
  const local = new Date(instant.getTime() + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${offset === 0 && zone === 'UTC' ? 'Z' : `${sign}${hh}:${mm}`}`;
}

export function timeOfDay(schedule: DailySchedule): string {
  return `${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')}`;
}
