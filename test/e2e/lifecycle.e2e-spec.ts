import type pg from 'pg';
import { LifecycleExecutorService } from '../../src/core/lifecycle/lifecycle-executor.service.js';
import { closeWorld, openWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { build, createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const DAY_MS = 24 * 3_600_000;
const SCHEDULE = 'CRON_TZ=UTC 0 9 * * *';
/** Only the tests' own ticks act: the executor's timer would race them for the workspaces they set up. */
const NO_TIMER = { CODER_AUTOBUILD_POLL_INTERVAL: '24h' };

describe('workspace lifecycle executor (autostart / autostop)', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let template: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: NO_TIMER }));
    template = await echoTemplate(t, owner, owner.orgId);
  });
  afterAll(() => closeWorld(t, db));

  const executor = (app = t) => app.app.get(LifecycleExecutorService);
  const latestBuild = async (session: Session, workspaceId: string) =>
    (await t.http.get(`/api/v2/workspaces/${workspaceId}`).set(auth(session.token)).expect(200)).body
      .latest_build as JsonObject;
  const buildCount = async (workspaceId: string) =>
    Number(
      (await db.query('SELECT count(*) FROM workspace_builds WHERE workspace_id = $1', [workspaceId])).rows[0].count,
    );
  /**
   * A build once its job is done, read again: the build and its job are read by two statements, so
   * the read that first sees the job completed may still show the build before completion.
   */
  const finishedBuild = async (session: Session, buildId: string) => {
    await waitForBuild(t, session, buildId);
    return (await t.http.get(`/api/v2/workspacebuilds/${buildId}`).set(auth(session.token)).expect(200))
      .body as JsonObject;
  };
  const setStatus = (user: Session, status: 'suspend' | 'activate') =>
    t.http.put(`/api/v2/users/${user.userId}/status/${status}`).set(auth(owner.token)).expect(200);

  /**
   * A member's stopped workspace with a daily 09:00 UTC autostart. Its stop build and the owner's
   * row are moved two days back, so an occurrence has passed since both (no waiting for 09:00).
   */
  async function stoppedWorkspace(member: Session, extra: Record<string, unknown> = {}): Promise<JsonObject> {
    const ws = await createWorkspace(t, member, owner.orgId, template.id as string, 'me', {
      autostart_schedule: SCHEDULE,
      ...extra,
    });
    await waitForBuild(t, member, (ws.latest_build as JsonObject).id as string);
    const stop = await build(t, member, ws.id as string, 'stop');
    await waitForBuild(t, member, stop.id as string);
    await db.query(`UPDATE workspace_builds SET created_at = created_at - interval '2 days' WHERE workspace_id = $1`, [
      ws.id,
    ]);
    await db.query(`UPDATE users SET updated_at = updated_at - interval '2 days' WHERE id = $1`, [member.userId]);
    return ws;
  }

  it('autostarts a stopped workspace of an active owner, as the owner, audited with reason autostart', async () => {
    const member = await createUser(t, owner);
    const ws = await stoppedWorkspace(member);
    const stats = await executor().tick();
    expect(stats.transitions.get(ws.id as string)).toBe('start');
    const started = await latestBuild(member, ws.id as string);
    expect(started).toMatchObject({
      build_number: 3,
      transition: 'start',
      reason: 'autostart',
      initiator_id: member.userId,
    });
    const done = await waitForBuild(t, member, started.id as string);
    expect((done.job as JsonObject).status).toBe('succeeded');
    const audit = await db.query(
      `SELECT user_id, action, status_code, host(ip) AS ip, additional_fields FROM audit_logs WHERE resource_id = $1`,
      [started.id],
    );
    expect(audit.rows).toEqual([
      {
        user_id: member.userId,
        action: 'start',
        status_code: 200,
        ip: '127.0.0.1',
        additional_fields: expect.objectContaining({ build_reason: 'autostart', build_number: '3' }),
      },
    ]);
    // Started now: nothing more to do on the next tick.
    expect((await executor().tick()).transitions.has(ws.id as string)).toBe(false);
    expect(await buildCount(ws.id as string)).toBe(3);
  });

  it('does not autostart before the next occurrence after the latest build', async () => {
    const member = await createUser(t, owner);
    const ws = await createWorkspace(t, member, owner.orgId, template.id as string, 'me', {
      autostart_schedule: SCHEDULE,
    });
    await waitForBuild(t, member, (ws.latest_build as JsonObject).id as string);
    const stop = await build(t, member, ws.id as string, 'stop');
    await waitForBuild(t, member, stop.id as string);
    // The stop was built just now: its next 09:00 is still ahead.
    expect((await executor().tick()).transitions.has(ws.id as string)).toBe(false);
    expect((await executor().tick(new Date(Date.now() + DAY_MS + 60_000))).transitions.get(ws.id as string)).toBe(
      'start',
    );
  });

  it('skips a suspended owner', async () => {
    const member = await createUser(t, owner);
    const ws = await stoppedWorkspace(member);
    await setStatus(member, 'suspend');
    const stats = await executor().tick(new Date(Date.now() + 3 * DAY_MS));
    expect(stats.transitions.has(ws.id as string)).toBe(false);
    expect(stats.errors.size).toBe(0);
    expect(await buildCount(ws.id as string)).toBe(2);
  });

  it('skips a dormant owner', async () => {
    const member = await createUser(t, owner);
    const ws = await stoppedWorkspace(member);
    await db.query(`UPDATE users SET status = 'dormant' WHERE id = $1`, [member.userId]);
    expect((await executor().tick(new Date(Date.now() + 3 * DAY_MS))).transitions.has(ws.id as string)).toBe(false);
    expect(await buildCount(ws.id as string)).toBe(2);
  });

  it('does not start on reactivation a start missed while suspended; the next occurrence does', async () => {
    const member = await createUser(t, owner);
    const ws = await stoppedWorkspace(member);
    await setStatus(member, 'suspend');
    expect((await executor().tick()).transitions.has(ws.id as string)).toBe(false);
    await setStatus(member, 'activate');
    expect(await buildCount(ws.id as string)).toBe(2);
    expect((await executor().tick()).transitions.has(ws.id as string)).toBe(false);
    expect(await buildCount(ws.id as string)).toBe(2);
    expect((await executor().tick(new Date(Date.now() + DAY_MS + 60_000))).transitions.get(ws.id as string)).toBe(
      'start',
    );
    expect(await latestBuild(member, ws.id as string)).toMatchObject({ build_number: 3, reason: 'autostart' });
  });

  it("does not autostart when the template disallows it or the day is not in the template's autostart days", async () => {
    const member = await createUser(t, owner);
    const noAutostart = await echoTemplate(t, owner, owner.orgId, undefined, { allow_user_autostart: false });
    const ws = await stoppedWorkspace(member, { template_id: noAutostart.id });
    const noDays = await echoTemplate(t, owner, owner.orgId);
    await db.query('UPDATE templates SET autostart_allowed_days = 0 WHERE id = $1', [noDays.id]);
    const ws2 = await stoppedWorkspace(member, { template_id: noDays.id });
    const stats = await executor().tick(new Date(Date.now() + 3 * DAY_MS));
    expect(stats.transitions.has(ws.id as string)).toBe(false);
    expect(stats.transitions.has(ws2.id as string)).toBe(false);
  });

  it('gives a started workspace its deadline (completion + TTL) and autostops it there, whatever the owner status', async () => {
    const member = await createUser(t, owner);
    const ws = await createWorkspace(t, member, owner.orgId, template.id as string, 'me', { ttl_ms: 3_600_000 });
    const done = await finishedBuild(member, (ws.latest_build as JsonObject).id as string);
    const deadline = new Date(done.deadline as string);
    const completedAt = new Date((done.job as JsonObject).completed_at as string);
    expect(Math.abs(deadline.getTime() - completedAt.getTime() - 3_600_000)).toBeLessThan(2000);
    expect((await executor().tick()).transitions.has(ws.id as string)).toBe(false);

    await db.query(`UPDATE users SET status = 'dormant' WHERE id = $1`, [member.userId]);
    const stats = await executor().tick(new Date(deadline.getTime() + 60_000));
    expect(stats.transitions.get(ws.id as string)).toBe('stop');
    const stopped = await latestBuild(owner, ws.id as string);
    expect(stopped).toMatchObject({
      build_number: 2,
      transition: 'stop',
      reason: 'autostop',
      initiator_id: member.userId,
    });
    const audit = await db.query(`SELECT user_id, action, additional_fields FROM audit_logs WHERE resource_id = $1`, [
      stopped.id,
    ]);
    expect(audit.rows).toEqual([
      {
        user_id: member.userId,
        action: 'stop',
        additional_fields: expect.objectContaining({ build_reason: 'autostop' }),
      },
    ]);
    await waitForBuild(t, owner, stopped.id as string);
    // A stop build has no deadline; nothing further happens.
    expect((await executor().tick(new Date(deadline.getTime() + DAY_MS))).transitions.has(ws.id as string)).toBe(false);
  });

  it("takes the template's default TTL for the deadline when users may not change autostop", async () => {
    const member = await createUser(t, owner);
    const fixed = await echoTemplate(t, owner, owner.orgId, undefined, {
      allow_user_autostop: false,
      default_ttl_ms: 3_600_000,
    });
    const ws = await createWorkspace(t, member, owner.orgId, fixed.id as string, 'me', { ttl_ms: 7_200_000 });
    const done = await finishedBuild(member, (ws.latest_build as JsonObject).id as string);
    const completedAt = new Date((done.job as JsonObject).completed_at as string);
    const deadline = new Date(done.deadline as string);
    expect(Math.abs(deadline.getTime() - completedAt.getTime() - 3_600_000)).toBeLessThan(2000);
  });

  it('logs a workspace it cannot build and goes on with the others', async () => {
    const member = await createUser(t, owner);
    // Two workspaces on two templates; the one first in the executor's order (by id) is broken
    // afterwards, so the good one is always visited after it, whatever ids were drawn.
    const pair = [];
    for (const tpl of [await echoTemplate(t, owner, owner.orgId), await echoTemplate(t, owner, owner.orgId)]) {
      pair.push({ ws: await stoppedWorkspace(member, { template_id: tpl.id }), versionId: tpl.active_version_id });
    }
    pair.sort((a, b) => ((a.ws.id as string) < (b.ws.id as string) ? -1 : 1));
    const [bad, good] = [pair[0].ws, pair[1].ws];
    // Its version's import now counts as failed: the builder refuses it, as for a manual start.
    await db.query(
      'UPDATE provisioner_jobs SET error = $2 WHERE id = (SELECT job_id FROM template_versions WHERE id = $1)',
      [pair[0].versionId, 'boom'],
    );
    const stats = await executor().tick();
    expect(stats.errors.get(bad.id as string)).toEqual(expect.any(String));
    expect(stats.transitions.get(good.id as string)).toBe('start');
    expect(await buildCount(bad.id as string)).toBe(2);
  });

  it('never creates two builds for one workspace when two executors tick at once', async () => {
    const member = await createUser(t, owner);
    const workspaces = [await stoppedWorkspace(member), await stoppedWorkspace(member), await stoppedWorkspace(member)];
    const second = await startTestApp({ databaseUrl: t.databaseUrl, env: NO_TIMER });
    try {
      const [a, b, c] = await Promise.all([executor().tick(), executor(second).tick(), executor(second).tick()]);
      // A tick still running on one replica is joined, not run twice.
      expect(c).toBe(b);
      const results = [a, b];
      for (const ws of workspaces) {
        const id = ws.id as string;
        expect(results.filter((r) => r.transitions.has(id)).length).toBeLessThanOrEqual(1);
        expect(await buildCount(id)).toBe(3);
      }
      // (The broken workspace of the test before fails on every tick; these never do.)
      for (const r of results) for (const ws of workspaces) expect(r.errors.has(ws.id as string)).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('ticks on its own every CODER_AUTOBUILD_POLL_INTERVAL', async () => {
    const fast = await openWorld({ env: { CODER_AUTOBUILD_POLL_INTERVAL: '200ms' } });
    try {
      const tpl = await echoTemplate(fast.t, fast.owner, fast.owner.orgId);
      const ws = await createWorkspace(fast.t, fast.owner, fast.owner.orgId, tpl.id as string, 'me', {
        autostart_schedule: SCHEDULE,
      });
      await waitForBuild(fast.t, fast.owner, (ws.latest_build as JsonObject).id as string);
      const stop = await build(fast.t, fast.owner, ws.id as string, 'stop');
      await waitForBuild(fast.t, fast.owner, stop.id as string);
      await fast.db.query(
        `UPDATE workspace_builds SET created_at = created_at - interval '2 days' WHERE workspace_id = $1`,
        [ws.id],
      );
      await fast.db.query(`UPDATE users SET updated_at = updated_at - interval '2 days' WHERE id = $1`, [
        fast.owner.userId,
      ]);
      const until = Date.now() + 15_000;
      let reason: unknown;
      while (reason !== 'autostart' && Date.now() < until) {
        const rows = await fast.db.query(
          'SELECT reason FROM workspace_builds WHERE workspace_id = $1 AND build_number = 3',
          [ws.id],
        );
        reason = rows.rows[0]?.reason;
        if (reason !== 'autostart') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(reason).toBe('autostart');
    } finally {
      await closeWorld(fast.t, fast.db);
    }
  });

  describe("a failed start past the template's failure TTL (advanced_template_scheduling)", () => {
    let failing: JsonObject;
    let member: Session;

    beforeAll(async () => {
      failing = await echoTemplate(t, owner, owner.orgId, undefined, { failure_ttl_ms: 3_600_000 });
      member = await createUser(t, owner);
    });

    /** A member's workspace whose start failed `minutesAgo` minutes ago. */
    async function failedStart(minutesAgo: number): Promise<JsonObject> {
      const ws = await createWorkspace(t, member, owner.orgId, failing.id as string, 'me');
      await waitForBuild(t, member, (ws.latest_build as JsonObject).id as string);
      await db.query(
        `UPDATE provisioner_jobs SET error = 'boom', completed_at = now() - $2 * interval '1 minute'
          WHERE id = (SELECT job_id FROM workspace_builds WHERE id = $1)`,
        [(ws.latest_build as JsonObject).id, minutesAgo],
      );
      return ws;
    }

    it('is stopped, as the owner with reason autostop, only with the entitlement and once the TTL has passed', async () => {
      const old = await failedStart(61);
      const recent = await failedStart(30);
      expect((await executor().tick()).transitions.has(old.id as string)).toBe(false);
      await addLicense(t, owner, ['advanced_template_scheduling']);
      const stats = await executor().tick();
      expect(stats.transitions.get(old.id as string)).toBe('stop');
      expect(stats.transitions.has(recent.id as string)).toBe(false);
      expect(await latestBuild(member, old.id as string)).toMatchObject({
        build_number: 2,
        transition: 'stop',
        reason: 'autostop',
        initiator_id: member.userId,
      });
      // The stop build itself is not failed: nothing more happens to the workspace.
      await waitForBuild(t, member, (await latestBuild(member, old.id as string)).id as string);
      expect((await executor().tick()).transitions.has(old.id as string)).toBe(false);
      expect(await buildCount(recent.id as string)).toBe(1);
    });
  });
});
