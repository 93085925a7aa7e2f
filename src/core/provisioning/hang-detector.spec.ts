import { reaperTexts } from './hang-detector.service.js';

describe("the job reaper's texts (Coder's coderd/jobreaper)", () => {
  it('says the thresholds in whole minutes, as Coder prints them', () => {
    expect(reaperTexts(30 * 60_000, 5 * 60_000)).toEqual({
      pendingError: 'Coder: Build has been detected as pending for 30 minutes and has been terminated by the reaper.',
      pendingLog: 'Coder: Build has been detected as pending for 30 minutes and will be terminated.',
      hungError: 'Coder: Build has been detected as hung for 5 minutes and has been terminated by the reaper.',
      hungLog: 'Coder: Build has been detected as hung for 5 minutes and will be terminated.',
    });
  });

  it('rounds a threshold that is not a whole number of minutes', () => {
    expect(reaperTexts(90 * 60_000 + 40_000, 2_000).pendingError).toContain('pending for 91 minutes');
    expect(reaperTexts(60_000, 2_000).hungLog).toContain('hung for 0 minutes');
  });
});
