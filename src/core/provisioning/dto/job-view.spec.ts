import type { JobViewRow } from '../job-views.query.js';
import { pendingReason } from './job-view.js';

const row = (over: Partial<JobViewRow>): JobViewRow =>
  ({
    provisioner: 'echo',
    tags: { pool: 'gpu', scope: 'organization' },
    tagged_count: 1,
    known_count: 1,
    live_count: 1,
    idle_count: 1,
    queue_position: 2,
    queue_size: 3,
    offline: null,
    ...over,
  }) as JobViewRow;

describe('why a pending job waits', () => {
  it('names the most fundamental cause first', () => {
    expect(pendingReason(row({ tagged_count: 0, known_count: 0, live_count: 0, idle_count: 0 }))?.code).toBe(
      'no_daemon_with_tags',
    );
    expect(pendingReason(row({ known_count: 0, live_count: 0, idle_count: 0 }))).toMatchObject({
      code: 'provisioner_not_served',
      provisioner: 'echo',
    });
    expect(pendingReason(row({ live_count: 0, idle_count: 0 }))?.code).toBe('daemons_offline');
    expect(pendingReason(row({ idle_count: 0 }))).toEqual({
      code: 'daemons_busy',
      message: 'The one connected provisioner daemon able to run this job is busy; it is number 2 of 3 in their queue.',
      queue_position: 2,
      queue_size: 3,
    });
    expect(pendingReason(row({}))).toBeUndefined();
  });

  it('lists each offline daemon once, latest first, at most ten', () => {
    const seen = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 60 - i)).toISOString();
    const offline = [
      { name: 'a', last_seen_at: seen(0) },
      { name: 'a', last_seen_at: seen(1) },
      ...Array.from({ length: 12 }, (_, i) => ({ name: `d${i}`, last_seen_at: seen(i + 2) })),
    ];
    const reason = pendingReason(row({ live_count: 0, idle_count: 0, offline }));
    expect(reason?.daemons).toHaveLength(10);
    expect(reason?.daemons?.[0]).toEqual({ name: 'a', last_seen_at: seen(0) });
    expect(reason?.daemons?.[1].name).toBe('d0');
  });
});
