import type pg from 'pg';
import WebSocket from 'ws';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { addLicense } from '../helpers/licenses.js';
import {
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  uploadEchoTemplate,
  waitForBuild,
  waitForVersion,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';
import { frameText } from '../helpers/ws-text.js';
import type { Json } from '../helpers/json.js';

const PSK = 'logs-follow-test-psk-0123456789';

interface Followed {
  logs: { id: number; output: string; log_level: string; log_source: string; stage: string; created_at: string }[];
  closed: Promise<{ code: number; reason: string }>;
  ws: WebSocket;
}

/** Opens a follow stream as codersdk does (header token), or resolves with the HTTP refusal. */
function follow(
  t: TestApp,
  path: string,
  headers: Record<string, string>,
): Promise<Followed | { status: number; body: Json; headers: Record<string, unknown> }> {
  const ws = new WebSocket(t.baseUrl.replace(/^http/, 'ws') + path, { headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), headers: res.headers }));
    });
    ws.once('open', () => {
      const logs: Followed['logs'] = [];
      ws.on('message', (data) => logs.push(JSON.parse(frameText(data))));
      const closed = new Promise<{ code: number; reason: string }>((ok) =>
        ws.once('close', (code, reason) => ok({ code, reason: reason.toString() })),
      );
      resolve({ logs, closed, ws });
    });
    ws.once('error', reject);
  });
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `…/logs?follow` over a WebSocket: what codersdk and the Terraform provider wait on while a job runs. */
describe('following job logs over a WebSocket', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let daemon: TestDaemon;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMON_PSK: PSK } }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
    member = await createUser(t, owner);
    daemon = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&tag=pool=follow&name=follower'), {
      'Coder-Provisioner-Daemon-PSK': PSK,
    });
  });
  afterAll(async () => {
    daemon?.ws.terminate();
    await closeWorld(t, db);
  });

  /** A version whose import only our test daemon (tag pool=follow) will run. */
  async function pendingVersion(): Promise<{ id: string; jobId: string }> {
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      tags: { pool: 'follow' },
    });
    return { id: version.id, jobId: version.job.id };
  }

  it('streams the logs so far, each new one as it is written, and closes normally when the job completes', async () => {
    const version = await pendingVersion();
    const acquired = (await daemon.request({ type: 'acquire_job', wait: true })) as { job: { job_id: string } };
    expect(acquired.job.job_id).toBe(version.jobId);
    await daemon.request({
      type: 'update_job',
      job_id: version.jobId,
      logs: [{ level: 'info', stage: 'Setting up', output: 'first' }],
    });

    const stream = await follow(t, `/api/v2/templateversions/${version.id}/logs?follow`, auth(owner.token));
    if (!('ws' in stream)) throw new Error(`refused: ${stream.status} ${JSON.stringify(stream.body)}`);
    await until(() => stream.logs.length === 1);
    expect(stream.logs[0]).toEqual({
      id: expect.any(Number),
      created_at: expect.any(String),
      log_source: 'provisioner',
      log_level: 'info',
      stage: 'Setting up',
      output: 'first',
    });
    await daemon.request({
      type: 'update_job',
      job_id: version.jobId,
      logs: [
        { level: 'warn', output: 'second' },
        { level: 'info', output: 'third' },
      ],
    });
    // Woken by the announcement, well before the one-second fallback poll would find them.
    const started = Date.now();
    await until(() => stream.logs.length === 3);
    expect(Date.now() - started).toBeLessThan(900);
    expect(stream.logs.map((l) => l.output)).toEqual(['first', 'second', 'third']);
    await daemon.request({ type: 'complete_job', job_id: version.jobId, resources: [] });
    expect(await stream.closed).toEqual({ code: 1000, reason: 'done' });
    expect(stream.logs.map((l) => l.output)).toEqual(['first', 'second', 'third']);
  });

  it('for a completed job sends what comes after `after` and closes at once; a failed job ends with its error line', async () => {
    const version = await pendingVersion();
    await daemon.request({ type: 'acquire_job', wait: true });
    await daemon.request({
      type: 'update_job',
      job_id: version.jobId,
      logs: [
        { level: 'info', output: 'a' },
        { level: 'info', output: 'b' },
      ],
    });
    await daemon.request({ type: 'fail_job', job_id: version.jobId, error: 'it broke' });
    const all = await follow(t, `/api/v2/templateversions/${version.id}/logs?follow`, auth(owner.token));
    if (!('ws' in all)) throw new Error('refused');
    expect(await all.closed).toEqual({ code: 1000, reason: 'done' });
    expect(all.logs.map((l) => [l.output, l.log_source])).toEqual([
      ['a', 'provisioner'],
      ['b', 'provisioner'],
      ['it broke', 'provisioner_daemon'],
    ]);
    const rest = await follow(
      t,
      `/api/v2/templateversions/${version.id}/logs?follow&after=${all.logs[0].id}`,
      auth(owner.token),
    );
    if (!('ws' in rest)) throw new Error('refused');
    await rest.closed;
    expect(rest.logs.map((l) => l.output)).toEqual(['b', 'it broke']);
  });

  it('follows a workspace build as its owner, through the built-in daemons', async () => {
    const version = await createTemplateVersion(
      t,
      owner,
      owner.orgId,
      await uploadEchoTemplate(t, owner, { resources: [], logs: ['building the workspace'] }),
    );
    await waitForVersion(t, owner, version.id);
    const template = await createTemplate(t, owner, owner.orgId, version.id);
    const workspace = await createWorkspace(t, member, owner.orgId, template.id);
    const stream = await follow(
      t,
      `/api/v2/workspacebuilds/${workspace.latest_build.id}/logs?follow`,
      auth(member.token),
    );
    if (!('ws' in stream)) throw new Error(`refused: ${stream.status} ${JSON.stringify(stream.body)}`);
    expect((await stream.closed).code).toBe(1000);
    expect(stream.logs.map((l) => l.output)).toContain('building the workspace');
    await waitForBuild(t, member, workspace.latest_build.id);
  });

  it('refuses before upgrading: 401 without a session, 404 for what the caller cannot read, 400 for bad queries', async () => {
    const version = await pendingVersion();
    const path = `/api/v2/templateversions/${version.id}/logs?follow`;
    expect(await follow(t, path, {})).toMatchObject({
      status: 401,
      body: { message: expect.stringMatching(/^You are signed out/) },
    });
    const outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
    expect(await follow(t, path, auth(outsider.token))).toMatchObject({
      status: 404,
      body: { message: 'Resource not found or you do not have access to this resource' },
    });
    expect(await follow(t, `${path}&before=5`, auth(owner.token))).toMatchObject({
      status: 400,
      body: { message: 'Query param "before" cannot be used with "follow".' },
    });
    expect(await follow(t, `${path}&after=x`, auth(owner.token))).toMatchObject({
      status: 400,
      body: { message: 'Query param "after" must be an integer.' },
    });
    expect(await follow(t, `/api/v2/templateversions/${version.id}/logs`, auth(owner.token))).toMatchObject({
      status: 400,
    });
    expect(await follow(t, `${path}`, { ...auth(owner.token), Origin: 'https://evil.example.com' })).toMatchObject({
      status: 403,
    });
    expect(await follow(t, '/api/v2/templateversions/not-a-uuid/logs?follow', auth(owner.token))).toMatchObject({
      status: 400,
    });
    expect(await follow(t, '/api/v2/nothing-here?follow', auth(owner.token))).toMatchObject({
      status: 404,
      body: { message: 'Route not found.' },
    });
    // A plain request asking to follow gets Coder's failed-handshake answer; without follow it reads the logs.
    const plain = await t.http.get(path).set(auth(owner.token)).expect(400);
    expect(plain.body.message).toBe('Failed to accept websocket.');
    await t.http.get(`/api/v2/templateversions/${version.id}/logs`).set(auth(owner.token)).expect(200);
  });

  it('limits the streams one user may hold open (429 before the upgrade)', async () => {
    const version = await pendingVersion();
    const path = `/api/v2/templateversions/${version.id}/logs?follow`;
    const open: Followed[] = [];
    for (let i = 0; i < 20; i++) {
      const stream = await follow(t, path, auth(owner.token));
      if (!('ws' in stream)) throw new Error(`refused early: ${stream.status}`);
      open.push(stream);
    }
    const refused = await follow(t, path, auth(owner.token));
    expect(refused).toMatchObject({ status: 429, body: { message: 'Too many log streams are open.' } });
    for (const stream of open) stream.ws.close();
    await Promise.all(open.map((s) => s.closed));
    // Once the server has seen the closes, the user may open streams again.
    let again = await follow(t, path, auth(owner.token));
    for (let i = 0; !('ws' in again) && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await follow(t, path, auth(owner.token));
    }
    if (!('ws' in again)) throw new Error(`refused after closing: ${again.status}`);
    again.ws.close();
  });
});
