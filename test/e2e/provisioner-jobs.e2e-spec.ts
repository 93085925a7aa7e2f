import type pg from 'pg';
import { DataSource } from 'typeorm';
import { ProvisionerdService } from '../../src/core/provisioning/provisionerd.service.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath } from '../helpers/daemon-client.js';
import { createImportJob, getJob, waitForCompletion } from '../helpers/jobs.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createOrg, createUser, type Owner } from '../helpers/world.js';

const PSK = 'jobs-routing-test-psk-0123456789';
const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };

describe('which daemon runs which job', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '3' },
    }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
  });
  afterAll(() => closeWorld(t, db));

  const builtinIds = async () =>
    (await db.query('SELECT id FROM provisioner_daemons WHERE builtin')).rows.map((r) => r.id as string);

  it('a tagged job waits for a daemon with the tag; the built-in daemons never take it', async () => {
    const tagged = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', foo: 'bar' },
    });
    const plain = await createImportJob(t, { organizationId: owner.orgId, initiatorId: owner.userId });
    // The built-in daemons are at work: they run the untagged job, created after the tagged one.
    const ran = await waitForCompletion(t, plain.jobId);
    expect(ran.error).toBeNull();
    expect(await builtinIds()).toContain(ran.worker_id);
    expect(await getJob(t, tagged.jobId)).toMatchObject({ started_at: null, worker_id: null });

    const view = async () =>
      (
        await t.http
          .get(`/api/v2/organizations/${owner.orgId}/provisionerjobs/${tagged.jobId}`)
          .set(auth(owner.token))
          .expect(200)
      ).body;
    // The API tells the same story: the built-in daemons lack the tag.
    expect(await view()).toMatchObject({
      status: 'pending',
      queue_position: 1,
      matched_provisioners: { count: 0, available: 0 },
      pending_reason: { code: 'no_daemon_with_tags', tags: { scope: 'organization', foo: 'bar' } },
    });

    const d = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=foo=bar'), psk);
    const daemonId = (await d.hello).daemon.id;
    // Connected and idle: it is about to take the job, so nothing to explain; it heads its queue.
    const ready = await view();
    expect(ready).toMatchObject({ queue_position: 1, queue_size: 1, available_workers: [daemonId] });
    expect(ready.pending_reason).toBeUndefined();
    expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: tagged.jobId } });
    expect((await getJob(t, tagged.jobId)).worker_id).toBe((await d.hello).daemon.id);
    await d.request({ type: 'complete_job', job_id: tagged.jobId, resources: [] });
    expect((await waitForCompletion(t, tagged.jobId)).error).toBeNull();
    await d.close();
  });

  it("a user-scoped job runs only on its owner's user daemon", async () => {
    const member = await createUser(t, owner);
    const job = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: member.userId,
      tags: { scope: 'user', owner: member.userId },
    });
    const orgDaemon = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo'), psk);
    expect(await orgDaemon.request({ type: 'acquire_job' })).toMatchObject({ job: null });
    const mine = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=scope=user'), {
      'Coder-Session-Token': member.token,
    });
    expect(await mine.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: job.jobId } });
    await mine.request({ type: 'complete_job', job_id: job.jobId, resources: [] });
    await Promise.all([orgDaemon.close(), mine.close()]);
  });

  it('an external daemon serves only its own organization', async () => {
    const other = await createOrg(t, owner);
    const job = await createImportJob(t, {
      organizationId: other,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool: 'iso' },
    });
    const here = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=pool=iso'), psk);
    expect(await here.request({ type: 'acquire_job' })).toMatchObject({ job: null });
    const there = await connectDaemon(t.baseUrl, servePath(other, 'provisioner=echo&tag=pool=iso'), psk);
    expect(await there.request({ type: 'acquire_job', wait: true })).toMatchObject({
      job: { job_id: job.jobId, organization_id: other },
    });
    await there.request({ type: 'complete_job', job_id: job.jobId, resources: [] });
    await Promise.all([here.close(), there.close()]);
  });
});

describe('completion racing a failure', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMONS: '0' } }));
  });
  afterAll(() => closeWorld(t, db));

  it('a job failed (hang detector) while its daemon completes it stays failed', async () => {
    const provisionerd = t.app.get(ProvisionerdService);
    const daemon = await provisionerd.registerDaemon({
      name: 'racer',
      provisioners: ['echo'],
      tags: { scope: 'organization' },
      organizationId: owner.orgId,
      builtin: false,
    });
    const { jobId } = await createImportJob(t, { organizationId: owner.orgId, initiatorId: owner.userId });
    expect((await provisionerd.acquireJob(daemon))?.job_id).toBe(jobId);
    // Hold the job row, as the hang detector does while it fails the job.
    await db.query('BEGIN');
    await db.query('SELECT 1 FROM provisioner_jobs WHERE id = $1 FOR UPDATE', [jobId]);
    const completing = provisionerd.completeJob(daemon, jobId, [{ name: 'vm', type: 'instance', daily_cost: 1 }]);
    const outcome = completing.then(
      () => 'completed',
      (err: { code?: string }) => err.code,
    );
    const blocked = async () =>
      (
        await t.app
          .get(DataSource)
          .query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)
      ).length > 0;
    for (let i = 0; i < 200 && !(await blocked()); i++) await new Promise((r) => setTimeout(r, 25));
    await db.query(`UPDATE provisioner_jobs SET completed_at = now(), error = 'hung' WHERE id = $1`, [jobId]);
    await db.query('COMMIT');
    expect(await outcome).toBe('job_not_running');
    expect(await getJob(t, jobId)).toMatchObject({ error: 'hung' });
    expect((await db.query('SELECT 1 FROM workspace_resources WHERE job_id = $1', [jobId])).rowCount).toBe(0);
  });
});

describe('server shutdown', () => {
  it('closes daemon sockets with 1001 and fails the jobs they were running', async () => {
    const { t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
    });
    try {
      await addLicense(t, owner, ['external_provisioner_daemons']);
      const d = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&name=stopping'), psk);
      const idle = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&name=idle'), psk);
      const { jobId } = await createImportJob(t, { organizationId: owner.orgId, initiatorId: owner.userId });
      expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
      const waiting = idle.request({ type: 'acquire_job', wait: true });
      await t.close();
      expect(await d.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      expect((await idle.closed).code).toBe(1001);
      await expect(Promise.race([waiting, new Promise((r) => setTimeout(() => r('no answer'), 200))])).resolves.toBe(
        'no answer',
      );
      const { rows } = await db.query('SELECT error FROM provisioner_jobs WHERE id = $1', [jobId]);
      expect(rows[0].error).toBe('The server stopped while provisioner daemon "stopping" was running this job.');
      const daemons = await db.query(
        'SELECT count(*)::int AS n FROM provisioner_daemons WHERE disconnected_at IS NULL',
      );
      expect(daemons.rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  });
});

describe('hang detector', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  // Coder's reaper text: whole minutes (`%.0f`), so a 2 s timeout reads 0.
  const HUNG = 'Coder: Build has been detected as hung for 0 minutes and has been terminated by the reaper.';

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: {
        CODER_PROVISIONER_DAEMON_PSK: PSK,
        CODER_PROVISIONER_DAEMONS: '0',
        CODER_JOB_HANG_TIMEOUT: '2s',
        CODER_JOB_HANG_DETECTOR_INTERVAL: '200ms',
      },
    }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
  });
  afterAll(() => closeWorld(t, db));

  it('fails the job of an in-process daemon that acquires it and goes silent', async () => {
    const provisionerd = t.app.get(ProvisionerdService);
    const daemon = await provisionerd.registerDaemon({
      name: 'mute',
      provisioners: ['echo'],
      tags: { scope: 'organization', pool: 'mute' },
      organizationId: owner.orgId,
      builtin: false,
    });
    const { jobId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool: 'mute' },
    });
    expect((await provisionerd.acquireJob(daemon))?.job_id).toBe(jobId);
    expect(await waitForCompletion(t, jobId, 20_000)).toMatchObject({ error: HUNG, error_code: 'HUNG' });
  });

  it('fails the job of a connected daemon that neither reports nor answers pings', async () => {
    const d = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=pool=quiet'), psk, {
      autoPong: false,
    });
    const { jobId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool: 'quiet' },
    });
    expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
    expect(await waitForCompletion(t, jobId, 20_000)).toMatchObject({ error: HUNG });
    expect(await d.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject({
      type: 'error',
      code: 'job_not_running',
    });
    await d.close();
  });

  it('keeps the job of a daemon that keeps pinging alive past the hang timeout', async () => {
    const d = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=pool=chatty'), psk);
    const { jobId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool: 'chatty' },
    });
    expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
    const until = Date.now() + 3500;
    while (Date.now() < until) {
      await d.request({ type: 'ping' });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await d.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject({ type: 'ack' });
    expect((await getJob(t, jobId)).error).toBeNull();
    await d.close();
  });
});
