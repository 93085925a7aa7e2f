import type pg from 'pg';
import { ServeGateway } from '../../src/enterprise/provisioner-daemons/serve.gateway.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { createImportJob, getJob, jobLogs, waitForCompletion } from '../helpers/jobs.js';
import { addLicense } from '../helpers/licenses.js';
import type { Owner } from '../helpers/world.js';

const PSK = 'serve-protocol-test-psk-0123456789';
const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };
const TEMPLATE = {
  resources: [{ name: 'dev', type: 'container', daily_cost: 5 }],
  stop_resources: [{ name: 'disk', type: 'volume', daily_cost: 1 }],
  logs: ['pulling image'],
};

/** The JSON protocol over `/serve` (docs/provisioner-protocol.md), with raw WebSocket clients. */
describe('provisioner daemon protocol', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let seq = 0;
  const daemons: TestDaemon[] = [];

  /** A daemon in the default organization with its own tag, so each test's jobs go to its daemons only. */
  async function daemon(pool: string, options: { autoPong?: boolean; name?: string } = {}): Promise<TestDaemon> {
    const name = options.name ?? `d${++seq}`;
    const d = await connectDaemon(
      t.baseUrl,
      servePath(owner.orgId, `provisioner=echo&tag=pool=${pool}&name=${name}`),
      psk,
      options,
    );
    daemons.push(d);
    return d;
  }
  const job = (pool: string, template: object = TEMPLATE) =>
    createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      template,
      tags: { scope: 'organization', pool },
    });

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
    }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
  });
  afterAll(async () => {
    for (const d of daemons) d.ws.terminate();
    await closeWorld(t, db);
  });

  it('runs a job: acquire, stream logs, complete; the job succeeds with its logs and resources', async () => {
    const d = await daemon('happy');
    expect(await d.request({ type: 'acquire_job' })).toMatchObject({ type: 'job', job: null });
    const { jobId, versionId, fileId } = await job('happy');
    const acquired = await d.request({ type: 'acquire_job', wait: true });
    expect(acquired).toEqual({
      type: 'job',
      request_id: expect.any(String),
      job: {
        job_id: jobId,
        type: 'template_version_import',
        provisioner: 'echo',
        created_at: expect.any(String),
        organization_id: owner.orgId,
        file: {
          id: fileId,
          hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          mimetype: 'application/json',
          data_base64: expect.any(String),
        },
        template_import: { template_version_id: versionId },
      },
    });
    const data = (acquired as { job: { file: { data_base64: string } } }).job.file.data_base64;
    expect(JSON.parse(Buffer.from(data, 'base64').toString())).toEqual(TEMPLATE);
    const running = await getJob(t, jobId);
    expect(running).toMatchObject({ worker_id: (await d.hello).daemon.id, completed_at: null });
    expect(running.started_at).not.toBeNull();

    expect(
      await d.request({
        type: 'update_job',
        job_id: jobId,
        logs: [
          { level: 'info', stage: 'Plan', output: 'planning' },
          { level: 'warn', output: 'careful' },
        ],
      }),
    ).toMatchObject({ type: 'ack' });
    expect(
      await d.request({
        type: 'complete_job',
        job_id: jobId,
        resources: TEMPLATE.resources,
        stop_resources: TEMPLATE.stop_resources,
      }),
    ).toMatchObject({ type: 'ack' });
    const done = await getJob(t, jobId);
    expect(done).toMatchObject({ error: null, error_code: null });
    expect(done.completed_at).not.toBeNull();
    expect(await jobLogs(t, jobId)).toEqual([
      { level: 'info', stage: 'Plan', output: 'planning', source: 'provisioner' },
      { level: 'warn', stage: '', output: 'careful', source: 'provisioner' },
    ]);
    const { rows } = await db.query(
      'SELECT name, type, transition, daily_cost FROM workspace_resources WHERE job_id = $1 ORDER BY transition',
      [jobId],
    );
    expect(rows).toEqual([
      { name: 'dev', type: 'container', transition: 'start', daily_cost: 5 },
      { name: 'disk', type: 'volume', transition: 'stop', daily_cost: 1 },
    ]);
    // A finished job is no longer the daemon's to change.
    expect(await d.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject({
      type: 'error',
      code: 'job_not_running',
    });
  });

  it('a waiting acquire is woken by a new job; only one acquire may wait at a time', async () => {
    const d = await daemon('wake');
    const waiting = d.request({ type: 'acquire_job', wait: true });
    expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({
      type: 'error',
      code: 'acquire_in_progress',
    });
    // Pings are answered while the acquire waits.
    expect(await d.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
    const { jobId } = await job('wake');
    expect(await waiting).toMatchObject({ type: 'job', job: { job_id: jobId } });
    expect(
      await d.request({ type: 'fail_job', job_id: jobId, error: 'terraform exploded', error_code: 'BOOM' }),
    ).toMatchObject({ type: 'ack' });
    expect(await getJob(t, jobId)).toMatchObject({ error: 'terraform exploded', error_code: 'BOOM' });
    expect((await jobLogs(t, jobId)).at(-1)).toMatchObject({
      level: 'error',
      output: 'terraform exploded',
      source: 'provisioner_daemon',
    });
  });

  it('ping answers pong and records the heartbeat', async () => {
    const d = await daemon('ping');
    const id = (await d.hello).daemon.id;
    await db.query(`UPDATE provisioner_daemons SET last_seen_at = now() - interval '10 minutes' WHERE id = $1`, [id]);
    const pong = await d.request({ type: 'ping' });
    expect(pong).toEqual({ type: 'pong', request_id: expect.any(String) });
    const { rows } = await db.query(
      `SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM provisioner_daemons WHERE id = $1`,
      [id],
    );
    expect(rows[0].fresh).toBe(true);
  });

  it('answers malformed requests with error frames and keeps the socket open', async () => {
    const d = await daemon('errors');
    d.send('{not json');
    expect(await d.next((m) => m.type === 'error')).toEqual({
      type: 'error',
      code: 'invalid_json',
      message: 'the message is not valid JSON',
    });
    expect(await d.request({ type: 'teleport' })).toMatchObject({
      type: 'error',
      code: 'unknown_type',
      message: 'unknown message type "teleport"',
    });
    expect(await d.request({ type: 'update_job', job_id: 'not-a-uuid', logs: [] })).toMatchObject({
      type: 'error',
      code: 'invalid_message',
      message: 'job_id must be a UUID',
    });
    expect(
      await d.request({
        type: 'update_job',
        job_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        logs: [{ level: 'loud', output: 'x' }],
      }),
    ).toMatchObject({ code: 'invalid_message' });
    const tooMany = Array.from({ length: 1001 }, () => ({ level: 'info', output: 'x' }));
    expect(
      await d.request({ type: 'update_job', job_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6', logs: tooMany }),
    ).toMatchObject({ code: 'too_large' });
    expect(
      await d.request({
        type: 'fail_job',
        job_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        error: 'e'.repeat(64 * 1024 + 1),
      }),
    ).toMatchObject({ code: 'too_large' });
    d.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    expect(await d.next((m) => m.type === 'error' && m.code === 'binary_not_supported')).toBeDefined();
    d.send({ type: 'acquire_job' });
    expect(await d.next((m) => m.type === 'error' && !('request_id' in m))).toMatchObject({
      message: 'request_id is required',
    });
    // Eight bad messages so far: the daemon still works.
    expect(await d.request({ type: 'ping' })).toMatchObject({ type: 'pong' });
  });

  it('refuses to touch a job the daemon does not own', async () => {
    const owner1 = await daemon('owned');
    const other = await daemon('owned');
    const { jobId } = await job('owned');
    expect(await owner1.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
    const notYours = { type: 'error', code: 'not_your_job', message: "you don't own this job" };
    expect(await other.request({ type: 'update_job', job_id: jobId, logs: [] })).toMatchObject(notYours);
    expect(await other.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject(notYours);
    expect(await other.request({ type: 'fail_job', job_id: jobId, error: 'mine now' })).toMatchObject(notYours);
    expect(
      await other.request({ type: 'update_job', job_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6', logs: [] }),
    ).toMatchObject(notYours);
    // Import jobs have no quota to commit.
    expect(await owner1.request({ type: 'commit_quota', job_id: jobId, daily_cost: 3 })).toMatchObject({
      type: 'error',
      code: 'not_a_build',
    });
    expect(await owner1.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject({ type: 'ack' });
    expect((await getJob(t, jobId)).error).toBeNull();
  });

  it('closes with 4400 after 10 invalid messages', async () => {
    const d = await daemon('bad');
    for (let i = 0; i < 10; i++) d.send(`garbage ${i}`);
    expect(await d.closed).toEqual({ code: 4400, reason: '10 invalid messages' });
  });

  it('closes with 4429 when a daemon sends more than 100 messages in a second', async () => {
    const d = await daemon('flood');
    for (let i = 0; i < 150; i++) d.send({ type: 'ping' });
    expect(await d.closed).toEqual({ code: 4429, reason: 'more than 100 messages in one second' });
  });

  it('fails the job of a daemon that disconnects mid-job, and never hands it out again', async () => {
    const d = await daemon('vanish', { name: 'vanishing' });
    const { jobId } = await job('vanish');
    expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
    await d.request({ type: 'update_job', job_id: jobId, logs: [{ level: 'info', output: 'half way' }] });
    d.ws.terminate();
    const failed = await waitForCompletion(t, jobId);
    expect(failed).toMatchObject({
      error: 'Provisioner daemon "vanishing" disconnected while running this job.',
      error_code: 'DAEMON_DISCONNECTED',
    });
    const next = await daemon('vanish');
    expect(await next.request({ type: 'acquire_job' })).toMatchObject({ type: 'job', job: null });
    expect((await getJob(t, jobId)).worker_id).toBe((await d.hello).daemon.id);
  });

  it('cuts off a daemon that stops answering pings, failing its job', async () => {
    const gateway = t.app.get(ServeGateway);
    const saved = gateway.timing;
    gateway.timing = { pingIntervalMs: 100, pongTimeoutMs: 400 };
    try {
      const d = await daemon('silent', { autoPong: false, name: 'silent' });
      const { jobId } = await job('silent');
      expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
      expect((await d.closed).code).toBe(1006);
      expect(await waitForCompletion(t, jobId)).toMatchObject({
        error: 'Provisioner daemon "silent" disconnected while running this job.',
      });
    } finally {
      gateway.timing = saved;
    }
  });
});
