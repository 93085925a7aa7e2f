import { parseDailySchedule } from '../../common/daily-schedule.js';
import {
  autostopDeadline,
  autostopMaxDeadline,
  autostopTimes,
  deadlinePassed,
  effectiveTtl,
  isEligibleForAutostart,
  isEligibleForAutostop,
  isEligibleForFailedStop,
  nextAllowedAutostart,
  nextAutostart,
  nextTransition,
  truncateToMinute,
  type LifecycleCandidate,
} from './lifecycle-rules.js';

const ALL_DAYS = 0b1111111;
const WEEKDAYS_ONLY = 0b0011111;
const HOUR_NS = 3_600_000_000_000;
const at = (iso: string) => new Date(iso);

function candidate(overrides: Partial<LifecycleCandidate> = {}): LifecycleCandidate {
  return {
    workspaceId: 'ws',
    autostartSchedule: 'CRON_TZ=UTC 0 9 * * *',
    transition: 'stop',
    buildCreatedAt: at('2026-12-07T08:00:00Z'), // a Monday
    deadline: null,
    jobCompleted: true,
    jobFailed: false,
    jobCompletedAt: at('2026-12-07T08:01:00Z'),
    ownerStatus: 'active',
    ownerUpdatedAt: at('2026-01-01T00:00:00Z'),
    allowUserAutostart: true,
    autostartAllowedDays: ALL_DAYS,
    failureTtlNs: 0,
    ...overrides,
  };
}

describe('lifecycle rules', () => {
  it('truncates the tick to the minute', () => {
    expect(truncateToMinute(at('2026-12-07T09:00:59.999Z'))).toEqual(at('2026-12-07T09:00:00Z'));
  });

  it('finds the next occurrence strictly after a time, in the schedule zone', () => {
    expect(nextAutostart(at('2026-12-07T08:00:00Z'), '0 9 * * *', ALL_DAYS)).toEqual({
      at: at('2026-12-07T09:00:00Z'),
      allowed: true,
    });
    expect(nextAutostart(at('2026-12-07T09:00:00Z'), '0 9 * * *', ALL_DAYS)?.at).toEqual(at('2026-12-08T09:00:00Z'));
    // 09:00 in Berlin (UTC+1 in December) is 08:00 UTC.
    expect(nextAutostart(at('2026-12-07T07:00:00Z'), 'CRON_TZ=Europe/Berlin 0 9 * * *', ALL_DAYS)?.at).toEqual(
      at('2026-12-07T08:00:00Z'),
    );
    expect(nextAutostart(at('2026-12-07T07:00:00Z'), 'not a schedule', ALL_DAYS)).toBeUndefined();
  });

  it("judges the allowed day in the schedule's zone, and skips days the template does not allow", () => {
    // Saturday 23:30 UTC is already Sunday in Tokyo.
    const sat = nextAutostart(at('2026-12-12T23:00:00Z'), 'CRON_TZ=Asia/Tokyo 30 8 * * *', 1 << 6);
    expect(sat).toEqual({ at: at('2026-12-12T23:30:00Z'), allowed: true });
    // Friday 08:00 → next allowed weekday occurrence is Monday (the weekend is skipped).
    expect(nextAllowedAutostart(at('2026-12-11T10:00:00Z'), '0 9 * * *', WEEKDAYS_ONLY)).toEqual(
      at('2026-12-14T09:00:00Z'),
    );
    expect(nextAllowedAutostart(at('2026-12-11T10:00:00Z'), '0 9 * * 6,0', WEEKDAYS_ONLY)).toBeUndefined();
  });

  it('sees a deadline as passed from its minute on, never for none or the zero time', () => {
    expect(deadlinePassed(at('2026-12-07T09:00:00Z'), at('2026-12-07T09:00:00Z'))).toBe(true);
    expect(deadlinePassed(at('2026-12-07T09:00:00Z'), at('2026-12-07T08:59:00Z'))).toBe(false);
    expect(deadlinePassed(null, at('2026-12-07T09:00:00Z'))).toBe(false);
    expect(deadlinePassed(new Date(0), at('2026-12-07T09:00:00Z'))).toBe(false);
  });

  it('autostarts a stopped workspace of an active owner once the next occurrence after its build has come', () => {
    expect(isEligibleForAutostart(candidate(), at('2026-12-07T08:59:00Z'))).toBe(false);
    expect(nextTransition(candidate(), at('2026-12-07T09:00:00Z'))).toEqual({
      transition: 'start',
      reason: 'autostart',
    });
    expect(isEligibleForAutostart(candidate(), at('2026-12-09T12:00:00Z'))).toBe(true);
  });

  it('does not autostart for a suspended or dormant owner, a disallowing template, a failed or running job', () => {
    const tick = at('2026-12-07T09:00:00Z');
    expect(isEligibleForAutostart(candidate({ ownerStatus: 'suspended' }), tick)).toBe(false);
    expect(isEligibleForAutostart(candidate({ ownerStatus: 'dormant' }), tick)).toBe(false);
    expect(isEligibleForAutostart(candidate({ allowUserAutostart: false }), tick)).toBe(false);
    expect(isEligibleForAutostart(candidate({ autostartSchedule: null }), tick)).toBe(false);
    expect(isEligibleForAutostart(candidate({ jobFailed: true }), tick)).toBe(false);
    expect(isEligibleForAutostart(candidate({ jobCompleted: false }), tick)).toBe(false);
    expect(isEligibleForAutostart(candidate({ transition: 'start' }), tick)).toBe(false);
    // Monday is not allowed: the next allowed occurrence is Tuesday.
    expect(isEligibleForAutostart(candidate({ autostartAllowedDays: WEEKDAYS_ONLY & ~1 }), tick)).toBe(false);
  });

  it('a build or a reactivation after the occurrence waits for the next one', () => {
    const later = candidate({ buildCreatedAt: at('2026-12-07T09:30:00Z') });
    expect(isEligibleForAutostart(later, at('2026-12-07T10:00:00Z'))).toBe(false);
    expect(isEligibleForAutostart(later, at('2026-12-08T09:00:00Z'))).toBe(true);
    const reactivated = candidate({ ownerUpdatedAt: at('2026-12-07T09:30:00Z') });
    expect(isEligibleForAutostart(reactivated, at('2026-12-07T10:00:00Z'))).toBe(false);
    expect(isEligibleForAutostart(reactivated, at('2026-12-08T09:00:00Z'))).toBe(true);
  });

  it('autostops a started workspace at its deadline whatever the owner status, not a failed one', () => {
    const running = candidate({ transition: 'start', deadline: at('2026-12-07T10:00:00Z') });
    expect(isEligibleForAutostop(running, at('2026-12-07T09:59:00Z'))).toBe(false);
    expect(nextTransition(running, at('2026-12-07T10:00:00Z'))).toEqual({ transition: 'stop', reason: 'autostop' });
    expect(isEligibleForAutostop({ ...running, ownerStatus: 'suspended' }, at('2026-12-07T10:00:00Z'))).toBe(true);
    expect(isEligibleForAutostop({ ...running, jobFailed: true }, at('2026-12-07T10:00:00Z'))).toBe(false);
    expect(isEligibleForAutostop({ ...running, deadline: null }, at('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it('computes the deadline of a start build as Coder: completion + TTL, or the next autostart + TTL', () => {
    const done = at('2026-12-07T08:00:00Z');
    expect(autostopDeadline(done, null, null, ALL_DAYS)).toBeNull();
    expect(autostopDeadline(done, 0, null, ALL_DAYS)).toBeNull();
    expect(autostopDeadline(done, 8 * HOUR_NS, null, ALL_DAYS)).toEqual(at('2026-12-07T16:00:00Z'));
    // Next autostart at 09:00 comes before 16:00: the deadline runs from it.
    expect(autostopDeadline(done, 8 * HOUR_NS, '0 9 * * *', ALL_DAYS)).toEqual(at('2026-12-07T17:00:00Z'));
    expect(autostopDeadline(done, HOUR_NS / 2, '0 9 * * *', ALL_DAYS)).toEqual(at('2026-12-07T08:30:00Z'));
    // A day the template does not allow does not count.
    expect(autostopDeadline(done, 8 * HOUR_NS, '0 9 * * *', ALL_DAYS & ~1)).toEqual(at('2026-12-07T16:00:00Z'));
  });

  it("stops a failed start once the template's failure TTL has passed (strictly), never without one", () => {
    const failed = candidate({
      transition: 'start',
      jobFailed: true,
      jobCompletedAt: at('2026-12-07T08:00:00Z'),
      failureTtlNs: HOUR_NS,
    });
    expect(isEligibleForFailedStop(failed, at('2026-12-07T09:00:00Z'))).toBe(false);
    expect(nextTransition(failed, at('2026-12-07T09:01:00Z'))).toEqual({ transition: 'stop', reason: 'autostop' });
    expect(isEligibleForFailedStop({ ...failed, failureTtlNs: 0 }, at('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isEligibleForFailedStop({ ...failed, jobFailed: false }, at('2027-01-01T00:00:00Z'))).toBe(false);
    expect(isEligibleForFailedStop({ ...failed, transition: 'stop' }, at('2027-01-01T00:00:00Z'))).toBe(false);
  });

  it("uses the template's default TTL when users may not change autostop", () => {
    expect(effectiveTtl(2 * HOUR_NS, true, HOUR_NS)).toBe(2 * HOUR_NS);
    expect(effectiveTtl(null, true, HOUR_NS)).toBe(0);
    expect(effectiveTtl(2 * HOUR_NS, false, HOUR_NS)).toBe(HOUR_NS);
    expect(effectiveTtl(2 * HOUR_NS, false, 0)).toBe(0);
  });

  describe("max deadline (the autostop requirement in the owner's quiet hours), with the cases of Coder's TestCalculateAutoStop", () => {
    const SATURDAY = 0b0100000;
    const SUNDAY = 0b1000000;
    const sydney = parseDailySchedule('CRON_TZ=Australia/Sydney 0 0 * * *');
    const max = (done: string, days: number, weeks: number, quietHours = sydney) =>
      autostopMaxDeadline(at(done), quietHours, { daysOfWeek: days, weeks })?.toISOString() ?? null;

    it.each([
      // [name, completed, days, weeks, expected max deadline]
      ['weekly on Saturday (weeks 0)', '2023-02-08T00:00:00Z', SATURDAY, 0, '2023-02-10T13:00:00.000Z'],
      ['skips a window within the leeway', '2023-02-10T12:01:00Z', SATURDAY, 1, '2023-02-17T13:00:00.000Z'],
      ['daily, completed at 22:00 in Sydney', '2023-02-10T11:00:00Z', ALL_DAYS, 0, '2023-02-10T13:00:00.000Z'],
      ['fortnightly, off week', '2023-02-08T00:00:00Z', SATURDAY, 2, '2023-02-17T13:00:00.000Z'],
      ['fortnightly, applicable week', '2023-02-15T00:00:00Z', SATURDAY, 2, '2023-02-17T13:00:00.000Z'],
      ['triweekly, off week', '2023-02-08T00:00:00Z', SATURDAY, 3, '2023-02-17T13:00:00.000Z'],
      ['triweekly, applicable week', '2023-02-15T00:00:00Z', SATURDAY, 3, '2023-02-17T13:00:00.000Z'],
      ['during daylight saving', '2023-10-03T13:00:00Z', SATURDAY, 1, '2023-10-06T13:00:00.000Z'],
      ['daylight saving starts mid-week', '2023-09-30T14:00:00Z', SATURDAY, 1, '2023-10-06T13:00:00.000Z'],
      ['daylight saving ends mid-week', '2024-04-06T13:00:00Z', SATURDAY, 1, '2024-04-12T14:00:00.000Z'],
    ])('%s', (_name, done, days, weeks, expected) => {
      expect(max(done, days, weeks)).toBe(expected);
    });

    it('skips quiet hours that fall in the spring-forward gap, and finds them on the day clocks go back', () => {
      const gap = parseDailySchedule('CRON_TZ=Australia/Sydney 30 2 * * *');
      expect(max('2023-09-29T14:00:00Z', SUNDAY, 1, gap)).toBe('2023-10-01T15:30:00.000Z');
      // Clocks go back at 03:00 (AEDT) to 02:00 (AEST): 03:30 that Sunday is 03:30 AEST.
      const autumn = parseDailySchedule('CRON_TZ=Australia/Sydney 30 3 * * *');
      expect(max('2024-04-05T13:00:00Z', SUNDAY, 1, autumn)).toBe('2024-04-06T17:30:00.000Z');
      // 02:30 happens twice that night: the first one (AEDT).
      const twice = parseDailySchedule('CRON_TZ=Australia/Sydney 30 2 * * *');
      expect(max('2024-04-05T13:00:00Z', SUNDAY, 1, twice)).toBe('2024-04-06T15:30:00.000Z');
    });

    it('sets none without a requirement day, or before the epoch of "every N weeks"', () => {
      expect(max('2023-02-08T00:00:00Z', 0, 1)).toBeNull();
      expect(max('2023-01-01T10:59:59Z', SATURDAY, 2)).toBeNull();
    });

    it('caps the deadline: the earlier of the two, and the max deadline when there is no TTL', () => {
      const requirement = { quietHours: sydney, daysOfWeek: SATURDAY, weeks: 1 };
      const done = at('2023-02-10T11:00:00Z'); // Friday 22:00 in Sydney
      expect(autostopTimes(done, 3 * HOUR_NS, null, ALL_DAYS, requirement)).toEqual({
        deadline: at('2023-02-10T13:00:00Z'),
        maxDeadline: at('2023-02-10T13:00:00Z'),
      });
      expect(autostopTimes(done, 0, null, ALL_DAYS, requirement).deadline).toEqual(at('2023-02-10T13:00:00Z'));
      expect(autostopTimes(done, HOUR_NS, null, ALL_DAYS, requirement)).toEqual({
        deadline: at('2023-02-10T12:00:00Z'),
        maxDeadline: at('2023-02-10T13:00:00Z'),
      });
      expect(autostopTimes(done, HOUR_NS, null, ALL_DAYS)).toEqual({
        deadline: at('2023-02-10T12:00:00Z'),
        maxDeadline: null,
      });
    });
  });
});
