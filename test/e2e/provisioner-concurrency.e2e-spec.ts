import type pg from 'pg';
import { ProvisionerdService } from '../../src/core/provisioning/provisionerd.service.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { createImportJob } from '../helpers/jobs.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, type Owner } from '../helpers/world.js';

const PSK = 'concurrency-test-psk-0123456789';
/** Stay under the protocol's 100 messages a second per socket, as a real daemon does. */
const PACE_MS = 12;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('many daemons, many jobs', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
    }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
  });
  afterAll(() => closeWorld(t, db));

  async function queue(count: number, pool: string, provisioner: 'echo' | 'terraform' = 'echo'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        (
          await createImportJob(t, {
            organizationId: owner.orgId,
            initiatorId: owner.userId,
            template: { resources: [], logs: [`job ${i}`] },
            tags: { scope: 'organization', pool },
            provisioner,
          })
        ).jobId,
      );
    }
    return ids;
  }

  /** Takes jobs until none is left for it, running each (log, complete) at a daemon's pace. */
  async function drain(d: TestDaemon): Promise<string[]> {
    const taken: string[] = [];
    for (;;) {
      const reply = (await d.request({ type: 'acquire_job' })) as { type: string; job: { job_id: string } | null };
      expect(reply.type).toBe('job');
      if (!reply.job) return taken;
      taken.push(reply.job.job_id);
      await pause(PACE_MS);
      expect(
        await d.request({ type: 'update_job', job_id: reply.job.job_id, logs: [{ level: 'info', output: 'working' }] }),
      ).toMatchObject({ type: 'ack' });
      await pause(PACE_MS);
      expect(await d.request({ type: 'complete_job', job_id: reply.job.job_id, resources: [] })).toMatchObject({
        type: 'ack',
      });
      await pause(PACE_MS);
    }
  }

  async function outcome(ids: string[]) {
    const { rows } = await db.query(
      `SELECT worker_id, count(*)::int AS n, count(*) FILTER (WHERE completed_at IS NOT NULL AND error IS NULL)::int AS ok
         FROM provisioner_jobs WHERE id = ANY($1::uuid[]) GROUP BY worker_id`,
      [ids],
    );
    return rows as { worker_id: string | null; n: number; ok: number }[];
  }

  it('5 WebSocket daemons drain 200 jobs: each acquired exactly once, all succeed', async () => {
    const ids = await queue(200, 'ws');
    const daemons: TestDaemon[] = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        connectDaemon(t.baseUrl, servePath(owner.orgId, `provisioner=echo&tag=pool=ws&name=worker-${i}`), {
          'Coder-Provisioner-Daemon-PSK': PSK,
        }),
      ),
    );
    const taken = await Promise.all(daemons.map(drain));
    const all = taken.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(new Set(ids));
    const byWorker = await outcome(ids);
    const daemonIds = await Promise.all(daemons.map(async (d) => (await d.hello).daemon.id));
    expect(byWorker.reduce((sum, r) => sum + r.ok, 0)).toBe(200);
    for (const row of byWorker) {
      const index = daemonIds.indexOf(row.worker_id as string);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(row.n).toBe(taken[index].length);
    }
    const logs = await db.query('SELECT count(*)::int AS n FROM provisioner_job_logs WHERE job_id = ANY($1::uuid[])', [
      ids,
    ]);
    expect(logs.rows[0].n).toBe(200);
    await Promise.all(daemons.map((d) => d.close()));
  });

  it('20 daemons, 500 jobs with mixed tags: every job that can run runs exactly once, every other one says why', async () => {
    // Pools a and b: 7 connected daemons each. Pool c: 3 connected echo daemons, jobs for terraform.
    // Pool d: 3 daemons that connected once and left. Pool none: no daemon ever.
    const a = await queue(180, 'a');
    const b = await queue(180, 'b');
    const c = await queue(40, 'c', 'terraform');
    const d = await queue(50, 'd');
    const none = await queue(50, 'none');
    const connect = (pool: string, i: number) =>
      connectDaemon(t.baseUrl, servePath(owner.orgId, `provisioner=echo&tag=pool=${pool}&name=${pool}-${i}`), {
        'Coder-Provisioner-Daemon-PSK': PSK,
      });
    const gone = await Promise.all([0, 1, 2].map((i) => connect('d', i)));
    await Promise.all(gone.map(async (g) => (await g.hello, await g.close())));
    const workers = await Promise.all([
      ...Array.from({ length: 7 }, (_, i) => connect('a', i)),
      ...Array.from({ length: 7 }, (_, i) => connect('b', i)),
      ...Array.from({ length: 3 }, (_, i) => connect('c', i)),
    ]);
    const taken = (await Promise.all(workers.map(drain))).flat();

    // Each runnable job was taken once and succeeded; nothing else was taken (c's daemons took none).
    expect(taken).toHaveLength(360);
    expect(new Set(taken)).toEqual(new Set([...a, ...b]));
    expect((await outcome([...a, ...b])).reduce((sum, r) => sum + r.ok, 0)).toBe(360);
    for (const row of await outcome([...c, ...d, ...none])) expect(row).toEqual({ worker_id: null, n: 140, ok: 0 });

    // The server records the departed daemons' disconnects on its side of the close.
    for (let i = 0; ; i++) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM provisioner_daemons WHERE name LIKE 'd-%' AND disconnected_at IS NOT NULL`,
      );
      if (rows[0].n === 3) break;
      if (i > 200) throw new Error('the departed daemons were not marked disconnected');
      await pause(25);
    }
    const res = await t.http
      .get(`/api/v2/organizations/${owner.orgId}/provisionerjobs?status=pending&limit=0`)
      .set(auth(owner.token))
      .expect(200);
    const pending = res.body as { id: string; pending_reason?: { code: string; daemons?: { name: string }[] } }[];
    expect(new Set(pending.map((j) => j.id))).toEqual(new Set([...c, ...d, ...none]));
    const reasonOf = new Map(pending.map((j) => [j.id, j.pending_reason]));
    for (const id of c) expect(reasonOf.get(id)).toMatchObject({ code: 'provisioner_not_served' });
    for (const id of none) expect(reasonOf.get(id)).toMatchObject({ code: 'no_daemon_with_tags' });
    for (const id of d) {
      const reason = reasonOf.get(id);
      expect(reason).toMatchObject({ code: 'daemons_offline' });
      expect(new Set(reason?.daemons?.map((x) => x.name))).toEqual(new Set(['d-0', 'd-1', 'd-2']));
    }
    await Promise.all(workers.map((w) => w.close()));
  });

  it('10 in-process daemons racing for 200 jobs never take the same job twice', async () => {
    const ids = await queue(200, 'direct');
    const provisionerd = t.app.get(ProvisionerdService);
    const daemons = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        provisionerd.registerDaemon({
          name: `direct-${i}`,
          provisioners: ['echo'],
          tags: { scope: 'organization', pool: 'direct' },
          organizationId: owner.orgId,
          builtin: false,
        }),
      ),
    );
    const taken = await Promise.all(
      daemons.map(async (daemon) => {
        const mine: string[] = [];
        for (let job = await provisionerd.acquireJob(daemon); job; job = await provisionerd.acquireJob(daemon)) {
          mine.push(job.job_id);
          await provisionerd.completeJob(daemon, job.job_id, []);
        }
        return mine;
      }),
    );
    expect(taken.flat()).toHaveLength(200);
    expect(new Set(taken.flat())).toEqual(new Set(ids));
    expect((await outcome(ids)).reduce((sum, r) => sum + r.ok, 0)).toBe(200);
  });
});
