import { ApiError } from '../../common/errors.js';
import { autostartScheduleProblem, goDuration, validAutostartSchedule, workspaceTtl } from './schedule.js';

const HOUR_NS = 3_600_000_000_000;

function ttlDetail(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err.body.validations?.[0]?.detail;
    throw err;
  }
  return undefined;
}

describe('workspace schedules', () => {
  it('accepts weekly schedules with and without CRON_TZ', () => {
    expect(autostartScheduleProblem('30 9 * * 1-5')).toBeUndefined();
    expect(autostartScheduleProblem('CRON_TZ=Europe/Paris 0 8 * * MON-FRI')).toBeUndefined();
    expect(validAutostartSchedule('  CRON_TZ=UTC 0 8 * * *  ')).toBe('CRON_TZ=UTC 0 8 * * *');
    expect(validAutostartSchedule(null)).toBeNull();
    expect(validAutostartSchedule('')).toBeNull();
  });

  it.each([
    [
      'every day',
      'validate weekly schedule: expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
    ],
    ['0 9 1 * *', 'validate weekly schedule: expected month and dom to be *'],
    ['0 9 * 1 *', 'validate weekly schedule: expected month and dom to be *'],
    [
      'CRON_TZ=Mars/Olympus 0 9 * * *',
      'parse schedule: provided bad location Mars/Olympus: unknown time zone Mars/Olympus',
    ],
    ['61 9 * * *', expect.stringMatching(/^parse schedule: .*minute/)],
  ])('refuses %p', (schedule, detail) => {
    expect(autostartScheduleProblem(schedule)).toEqual(detail);
    expect(() => validAutostartSchedule(schedule)).toThrow(ApiError);
  });

  it('formats durations as Go does', () => {
    expect(goDuration(24 * HOUR_NS)).toBe('24h0m0s');
    expect(goDuration(90 * 60_000_000_000)).toBe('1h30m0s');
    expect(goDuration(61_500_000_000)).toBe('1m1.5s');
    expect(goDuration(500_000_000)).toBe('500ms');
    expect(goDuration(0)).toBe('0s');
  });

  it("applies Coder's TTL rules", () => {
    expect(workspaceTtl(undefined, 0, 0)).toBeNull();
    expect(workspaceTtl(0, 2 * HOUR_NS, 0)).toBe(2 * HOUR_NS);
    expect(workspaceTtl(null, 0, 3 * HOUR_NS)).toBe(3 * HOUR_NS);
    expect(workspaceTtl(null, 5 * HOUR_NS, 3 * HOUR_NS)).toBe(3 * HOUR_NS);
    expect(workspaceTtl(90_500, 0, 0)).toBe(60_000 * 1_000_000);
    expect(ttlDetail(() => workspaceTtl(59_999, 0, 0))).toBe('time until shutdown must be at least one minute');
    expect(ttlDetail(() => workspaceTtl(-5, 0, 0))).toBe('time until shutdown must be at least one minute');
    expect(ttlDetail(() => workspaceTtl(31 * 24 * 3_600_000, 0, 0))).toBe(
      'time until shutdown must be less than 30 days',
    );
    expect(ttlDetail(() => workspaceTtl(2 * 3_600_000, 0, HOUR_NS))).toBe(
      'time until shutdown must be less than or equal to the template\'s maximum TTL "1h0m0s"',
    );
  });
});
