import type pg from 'pg';
import { ProvisionerdService } from '../../src/core/provisioning/provisionerd.service.js';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { createImportJob, getJob, jobLogs, waitForCompletion } from '../helpers/jobs.js';
import { addLicense } from '../helpers/licenses.js';
import {
  build,
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  uploadEchoTemplate,
  waitForBuild,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const PSK = 'cancel-reap-test-psk-0123456789ab';
const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };
const CANCELED = { message: 'Job has been marked as canceled...' };
const COMPLETED = { message: 'Job has already completed!' };
const ALREADY_CANCELED = { message: 'Job has already been marked as canceled!' };
const NOT_ALLOWED = { message: 'User is not allowed to cancel workspace builds. Owner role is required.' };
const NOT_EXPECTED = { message: 'Job is not in the expected state.' };

/**
 * A template whose (tagged) import is marked succeeded in the database: its builds carry the tag
 * and wait for a daemon that has it, which only the test connects.
 */
async function taggedTemplate(
  t: TestApp,
  db: pg.Client,
  owner: Owner,
  pool: string,
  extra: Record<string, unknown> = {},
): Promise<JsonObject> {
  const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
    tags: { pool },
  });
  await db.query(
    'UPDATE provisioner_jobs SET started_at = now(), completed_at = now(), error = NULL, error_code = NULL WHERE id = $1',
    [version.job.id],
  );
  return createTemplate(t, owner, owner.orgId, version.id, extra);
}

describe('canceling workspace builds and template version imports', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let outsider: Session;
  let strict: JsonObject;
  let lenient: JsonObject;
  let gpu: TestDaemon;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMON_PSK: PSK } }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
    member = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
    strict = await taggedTemplate(t, db, owner, 'gpu');
    lenient = await taggedTemplate(t, db, owner, 'gpu', { allow_user_cancel_workspace_jobs: true });
    gpu = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=pool=gpu'), psk);
  });
  afterAll(async () => {
    await gpu?.close();
    await closeWorld(t, db);
  });

  const cancel = (who: Session, buildId: string, query = '') =>
    t.http.patch(`/api/v2/workspacebuilds/${buildId}/cancel${query}`).set(auth(who.token));
  const getBuild = async (who: Session, buildId: string) =>
    (await t.http.get(`/api/v2/workspacebuilds/${buildId}`).set(auth(who.token)).expect(200)).body as JsonObject;
  /** A workspace of `who` whose first build waits in the queue (no daemon has taken it). */
  const pendingWorkspace = async (who: Session, template: JsonObject) => {
    const ws = await createWorkspace(t, who, owner.orgId, template.id as string);
    expect(ws.latest_build.status).toBe('pending');
    return ws;
  };
  /** A workspace of `who` whose first build the test daemon is running. */
  const runningWorkspace = async (who: Session, template: JsonObject) => {
    const ws = await pendingWorkspace(who, template);
    const acquired = await gpu.request({ type: 'acquire_job', wait: true });
    expect(acquired).toMatchObject({ type: 'job', job: { workspace_build: { workspace_id: ws.id } } });
    return { ws, jobId: (acquired as { job: { job_id: string } }).job.job_id };
  };

  it('expect_status=pending lets the workspace owner cancel a pending build at once, whatever the template says', async () => {
    const ws = await pendingWorkspace(member, strict);
    const buildId = ws.latest_build.id as string;
    expect((await cancel(member, buildId).expect(403)).body).toEqual(NOT_ALLOWED);
    expect((await cancel(member, buildId, '?expect_status=running').expect(403)).body).toEqual(NOT_ALLOWED);
    expect((await cancel(member, buildId, '?expect_status=pending').expect(200)).body).toEqual(CANCELED);

    const canceled = await getBuild(member, buildId);
    expect(canceled).toMatchObject({ status: 'canceled', job: { status: 'canceled' } });
    expect(canceled.job.canceled_at).toEqual(expect.any(String));
    expect(canceled.job.completed_at).toEqual(expect.any(String));
    const workspace = await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(member.token)).expect(200);
    expect(workspace.body.latest_build.status).toBe('canceled');
    // Coder checks completion first: a pending job canceled is also completed.
    expect((await cancel(member, buildId, '?expect_status=pending').expect(400)).body).toEqual(COMPLETED);
    // Nothing of it is left for a daemon; the workspace can be built again.
    expect(await gpu.request({ type: 'acquire_job' })).toMatchObject({ type: 'job', job: null });
    const stop = await build(t, member, ws.id as string, 'stop');
    // Leave nothing queued for the tests after this one.
    await cancel(member, stop.id as string, '?expect_status=pending').expect(200);
  });

  it("a running build is canceling until its daemon ends it; the daemon learns it from update_job's answer", async () => {
    const { ws, jobId } = await runningWorkspace(member, strict);
    const buildId = ws.latest_build.id as string;
    expect(await gpu.request({ type: 'update_job', job_id: jobId, logs: [] })).toEqual({
      type: 'ack',
      request_id: expect.any(String),
    });
    expect((await cancel(member, buildId, '?expect_status=running').expect(403)).body).toEqual(NOT_ALLOWED);
    expect((await cancel(owner, buildId, '?expect_status=pending').expect(412)).body).toEqual(NOT_EXPECTED);
    expect((await cancel(owner, buildId, '?expect_status=running').expect(200)).body).toEqual(CANCELED);

    const canceling = await getBuild(member, buildId);
    expect(canceling).toMatchObject({ status: 'canceling', job: { status: 'canceling' } });
    expect(canceling.job.canceled_at).toEqual(expect.any(String));
    expect(canceling.job).not.toHaveProperty('completed_at');
    expect((await cancel(owner, buildId).expect(400)).body).toEqual(ALREADY_CANCELED);
    expect(
      await gpu.request({ type: 'update_job', job_id: jobId, logs: [{ level: 'info', output: 'stopping' }] }),
    ).toMatchObject({ type: 'ack', canceled: true });
    expect(await gpu.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject({ type: 'ack' });
    expect(await getBuild(member, buildId)).toMatchObject({ status: 'canceled', job: { status: 'canceled' } });
    expect((await cancel(owner, buildId).expect(400)).body).toEqual(COMPLETED);
  });

  it('a template that allows user cancels lets the workspace owner cancel a running build', async () => {
    const { ws, jobId } = await runningWorkspace(member, lenient);
    expect((await cancel(member, ws.latest_build.id as string).expect(200)).body).toEqual(CANCELED);
    expect(await gpu.request({ type: 'fail_job', job_id: jobId, error: 'canceled' })).toMatchObject({ type: 'ack' });
    expect(await getBuild(member, ws.latest_build.id as string)).toMatchObject({ status: 'failed' });
  });

  it('whoever may read but not build the workspace gets 403; whoever may not read it 404', async () => {
    const ws = await pendingWorkspace(member, lenient);
    const buildId = ws.latest_build.id as string;
    expect((await cancel(templateAdmin, buildId, '?expect_status=pending').expect(403)).body).toEqual(NOT_ALLOWED);
    await cancel(outsider, buildId, '?expect_status=pending').expect(404);
    await t.http.patch(`/api/v2/workspacebuilds/${buildId}/cancel`).expect(401);
    await cancel(member, 'not-a-uuid').expect(400);
    expect((await getBuild(member, buildId)).status).toBe('pending');
    // Without expect_status, the template's setting decides for the owner of the workspace.
    expect((await cancel(member, buildId).expect(200)).body).toEqual(CANCELED);
  });

  it("refuses an expect_status other than running or pending with Coder's 400", async () => {
    const ws = await pendingWorkspace(member, lenient);
    const res = await cancel(member, ws.latest_build.id as string, '?expect_status=canceled').expect(400);
    expect(res.body).toEqual({ message: `Invalid expect_status "canceled". Only 'running' or 'pending' are allowed.` });
    expect((await getBuild(member, ws.latest_build.id as string)).status).toBe('pending');
    await cancel(member, ws.latest_build.id as string, '?expect_status=pending').expect(200);
  });

  it('PATCH /templateversions/{id}/cancel: pending → canceled, running → canceling (Coder §4.1)', async () => {
    const cancelVersion = (id: string) => t.http.patch(`/api/v2/templateversions/${id}/cancel`).set(auth(owner.token));
    const fileId = await uploadEchoTemplate(t, owner);
    const pending = await createTemplateVersion(t, owner, owner.orgId, fileId, { tags: { pool: 'cpu' } });
    expect((await cancelVersion(pending.id).expect(200)).body).toEqual(CANCELED);
    const canceled = await t.http.get(`/api/v2/templateversions/${pending.id}`).set(auth(owner.token)).expect(200);
    expect(canceled.body.job).toMatchObject({ status: 'canceled', canceled_at: expect.any(String) });
    expect((await cancelVersion(pending.id).expect(400)).body).toEqual(COMPLETED);

    const running = await createTemplateVersion(t, owner, owner.orgId, fileId, { tags: { pool: 'gpu' } });
    expect(await gpu.request({ type: 'acquire_job', wait: true })).toMatchObject({
      job: { template_import: { template_version_id: running.id } },
    });
    expect((await cancelVersion(running.id).expect(200)).body).toEqual(CANCELED);
    const canceling = await t.http.get(`/api/v2/templateversions/${running.id}`).set(auth(owner.token)).expect(200);
    expect(canceling.body.job).toMatchObject({ status: 'canceling' });
    expect((await cancelVersion(running.id).expect(400)).body).toEqual(ALREADY_CANCELED);
    expect(await gpu.request({ type: 'update_job', job_id: running.job.id, logs: [] })).toMatchObject({
      canceled: true,
    });
    await gpu.request({ type: 'fail_job', job_id: running.job.id, error: 'canceled' });
  });

  it('deleting a template cancels its pending imports: no daemon can take them afterwards', async () => {
    const template = await taggedTemplate(t, db, owner, 'gpu');
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      template_id: template.id,
      tags: { pool: 'gpu' },
    });
    expect((await getJob(t, version.job.id)).completed_at).toBeNull();
    await t.http.delete(`/api/v2/templates/${template.id}`).set(auth(owner.token)).expect(200);
    const job = await db.query('SELECT canceled_at, completed_at, started_at FROM provisioner_jobs WHERE id = $1', [
      version.job.id,
    ]);
    expect(job.rows[0]).toMatchObject({
      canceled_at: expect.any(Date),
      completed_at: expect.any(Date),
      started_at: null,
    });
    expect(await gpu.request({ type: 'acquire_job' })).toMatchObject({ type: 'job', job: null });
  });

  it('a workspace deleted while another of its jobs is pending leaves no job in the queue', async () => {
    const ws = await pendingWorkspace(member, strict);
    const first = ws.latest_build.job.id as string;
    // Builds are serialised, so this state needs the database: the first job is set aside while the
    // delete build is created, then put back in the queue behind it.
    await db.query('UPDATE provisioner_jobs SET started_at = now(), completed_at = now() WHERE id = $1', [first]);
    const deletion = await build(t, member, ws.id as string, 'delete');
    await db.query(
      `UPDATE provisioner_jobs SET started_at = NULL, completed_at = NULL, created_at = now() + interval '1 hour'
        WHERE id = $1`,
      [first],
    );
    const acquired = await gpu.request({ type: 'acquire_job', wait: true });
    expect(acquired).toMatchObject({ job: { job_id: deletion.job.id, workspace_build: { transition: 'delete' } } });
    expect(await gpu.request({ type: 'complete_job', job_id: deletion.job.id, resources: [] })).toMatchObject({
      type: 'ack',
    });
    expect((await waitForBuild(t, member, deletion.id as string)).status).toBe('deleted');
    const job = await db.query('SELECT canceled_at, completed_at FROM provisioner_jobs WHERE id = $1', [first]);
    expect(job.rows[0]).toMatchObject({ canceled_at: expect.any(Date), completed_at: expect.any(Date) });
    expect(await gpu.request({ type: 'acquire_job' })).toMatchObject({ type: 'job', job: null });
  });
});

describe('the job reaper: pending and hung jobs', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  const PENDING = 'Coder: Build has been detected as pending for 0 minutes and has been terminated by the reaper.';
  const HUNG = 'Coder: Build has been detected as hung for 0 minutes and has been terminated by the reaper.';
  const banner = (line: string, stage: string) =>
    ['', '====================', line, '====================', ''].map((output) => ({
      level: 'error',
      stage,
      output,
      source: 'provisioner_daemon',
    }));

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: {
        CODER_PROVISIONER_DAEMON_PSK: PSK,
        CODER_JOB_PENDING_TIMEOUT: '1s',
        CODER_JOB_HANG_TIMEOUT: '2s',
        CODER_JOB_HANG_DETECTOR_INTERVAL: '200ms',
      },
    }));
  });
  afterAll(() => closeWorld(t, db));

  it("fails a job no daemon took within CODER_JOB_PENDING_TIMEOUT, with Coder's error and log lines", async () => {
    const { jobId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool: 'nowhere' },
    });
    const reaped = await waitForCompletion(t, jobId, 20_000);
    expect(reaped).toMatchObject({ error: PENDING, error_code: null, worker_id: null });
    // As Coder: started too, so the job can never be acquired.
    expect(reaped.started_at).toEqual(expect.any(Date));
    expect(await jobLogs(t, jobId)).toEqual(
      banner('Coder: Build has been detected as pending for 0 minutes and will be terminated.', 'Unknown'),
    );
  });

  it('a workspace build reaped while pending ends failed', async () => {
    const template = await taggedTemplate(t, db, owner, 'nowhere');
    const ws = await createWorkspace(t, owner, owner.orgId, template.id as string);
    const done = await waitForBuild(t, owner, ws.latest_build.id as string);
    expect(done).toMatchObject({ status: 'failed', job: { status: 'failed', error: PENDING } });
  });

  it('fails a job whose daemon went silent with the hung text, its lines in the last stage', async () => {
    const provisionerd = t.app.get(ProvisionerdService);
    const daemon = await provisionerd.registerDaemon({
      name: 'silent',
      provisioners: ['echo'],
      tags: { scope: 'organization', pool: 'silent' },
      organizationId: owner.orgId,
      builtin: false,
    });
    const { jobId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool: 'silent' },
    });
    expect((await provisionerd.acquireJob(daemon))?.job_id).toBe(jobId);
    await provisionerd.updateJob(daemon, jobId, [{ level: 'info', stage: 'Planning', output: 'planning' }]);
    // Acquired at once: never reaped as pending, even past the 1 s pending timeout.
    expect(await waitForCompletion(t, jobId, 20_000)).toMatchObject({ error: HUNG, error_code: 'HUNG' });
    expect((await jobLogs(t, jobId)).slice(1)).toEqual(
      banner('Coder: Build has been detected as hung for 0 minutes and will be terminated.', 'Planning'),
    );
  });
});
