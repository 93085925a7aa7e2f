import { formatInZone, nextOccurrence, parseDailySchedule, ScheduleError, timeOfDay } from './daily-schedule.js';

function error(input: string): string {
  try {
    parseDailySchedule(input);
  } catch (err) {
    if (err instanceof ScheduleError) return err.message;
    throw err;
  }
  throw new Error('expected a ScheduleError');
}

describe('daily schedules', () => {
  it('parses and canonicalises', () => {
    expect(parseDailySchedule('CRON_TZ=America/Chicago  30  2 * * *')).toEqual({
      raw: 'CRON_TZ=America/Chicago 30 2 * * *',
      timezone: 'America/Chicago',
      hour: 2,
      minute: 30,
    });
    expect(parseDailySchedule('0 0 * * *').raw).toBe('CRON_TZ=UTC 0 0 * * *');
    expect(parseDailySchedule('05 09 * * *').raw).toBe('CRON_TZ=UTC 5 9 * * *');
    expect(timeOfDay(parseDailySchedule('5 9 * * *'))).toBe('09:05');
  });

  it.each([
    [
      'garbage',
      'parse daily schedule "garbage": expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
    ],
    [
      'CRON_TZ=America/Chicago 0 0 * * 1',
      'parse daily schedule "CRON_TZ=America/Chicago 0 0 * * 1": expected day-of-month, month and day-of-week to be *',
    ],
    [
      'CRON_TZ=Deans/House 0 0 * * *',
      'parse daily schedule "CRON_TZ=Deans/House 0 0 * * *": provided bad location Deans/House: unknown time zone Deans/House',
    ],
    ['0 0,12 * * *', 'daily schedule "0 0,12 * * *" has more than one time: cron(0 0,12)'],
    ['0-30 0 * * *', 'daily schedule "0-30 0 * * *" has more than one time: cron(0-30 0)'],
    ['*/5 0 * * *', 'daily schedule "*/5 0 * * *" has more than one time: cron(*/5 0)'],
    [
      '0 0 0 * * *',
      'parse daily schedule "0 0 0 * * *": expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
    ],
    ['60 0 * * *', 'parse daily schedule "60 0 * * *": minute out of range (0-59): 60'],
    ['0 24 * * *', 'parse daily schedule "0 24 * * *": hour out of range (0-23): 24'],
    [
      '@daily',
      'parse daily schedule "@daily": expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
    ],
    ['CRON_TZ= 0 0 * * *', 'parse daily schedule "CRON_TZ= 0 0 * * *": provided bad location : unknown time zone '],
  ])('rejects %j', (input, message) => {
    expect(error(input)).toBe(message);
  });

  it("finds the next start in the schedule's zone", () => {
    const s = parseDailySchedule('CRON_TZ=Europe/Berlin 0 2 * * *');
    expect(nextOccurrence(s, new Date('2026-06-10T00:30:00Z')).toISOString()).toBe('2026-06-11T00:00:00.000Z');
    expect(nextOccurrence(s, new Date('2026-06-09T23:59:00Z')).toISOString()).toBe('2026-06-10T00:00:00.000Z');
    expect(formatInZone(new Date('2026-06-11T00:00:00Z'), 'Europe/Berlin')).toBe('2026-06-11T02:00:00+02:00');
    expect(formatInZone(new Date('2026-06-11T00:00:00Z'), 'UTC')).toBe('2026-06-11T00:00:00Z');
    expect(formatInZone(new Date('2026-01-11T05:00:00Z'), 'America/New_York')).toBe('2026-01-11T00:00:00-05:00');
  });

  it('spring forward: a time in the gap is skipped that day (as robfig/cron, which Coder uses)', () => {
    // 2026-03-08: New York jumps from 02:00 to 03:00 EST→EDT.
    const s = parseDailySchedule('CRON_TZ=America/New_York 30 2 * * *');
    const next = nextOccurrence(s, new Date('2026-03-08T05:00:00Z'));
    expect(formatInZone(next, 'America/New_York')).toBe('2026-03-09T02:30:00-04:00');
    const midnight = parseDailySchedule('CRON_TZ=America/New_York 0 0 * * *');
    expect(formatInZone(nextOccurrence(midnight, new Date('2026-03-08T04:00:00Z')), 'America/New_York')).toBe(
      '2026-03-08T00:00:00-05:00',
    );
    expect(formatInZone(nextOccurrence(midnight, new Date('2026-03-08T06:00:00Z')), 'America/New_York')).toBe(
      '2026-03-09T00:00:00-04:00',
    );
  });

  it('fall back: a time that occurs twice runs at the first occurrence', () => {
    // 2026-11-01: New York repeats 01:00–02:00 (EDT then EST).
    const s = parseDailySchedule('CRON_TZ=America/New_York 30 1 * * *');
    const first = nextOccurrence(s, new Date('2026-11-01T04:00:00Z'));
    expect(first.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(formatInZone(first, 'America/New_York')).toBe('2026-11-01T01:30:00-04:00');
    // After the first 01:30 the next start is the next day's, not the repeated 01:30 EST.
    expect(formatInZone(nextOccurrence(s, new Date('2026-11-01T05:31:00Z')), 'America/New_York')).toBe(
      '2026-11-02T01:30:00-05:00',
    );
  });

  it('handles zones with half-hour offsets', () => {
    const s = parseDailySchedule('CRON_TZ=Asia/Kolkata 0 9 * * *');
    expect(formatInZone(nextOccurrence(s, new Date('2026-06-10T00:00:00Z')), 'Asia/Kolkata')).toBe(
      '2026-06-10T09:00:00+05:30',
    );
  });
});
