import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import { build, createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const HOUR = 3_600_000;
const TTL_FAILED = 'Error updating workspace time until shutdown.';

/**
 * A workspace's schedule after its creation, as the dashboard's schedule page and `coder schedule`
 * change it: PUT /workspaces/{workspace}/autostart, /ttl and /extend (Coder's putWorkspaceAutostart,
 * putWorkspaceTTL, putExtendWorkspace).
 */
describe('workspace schedule routes', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let other: Session;
  let templateAdmin: Session;
  let template: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    other = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    template = await echoTemplate(t, owner, owner.orgId);
  });
  afterAll(() => closeWorld(t, db));

  const put = (who: Session, id: string, route: string, body: unknown) =>
    t.http
      .put(`/api/v2/workspaces/${id}/${route}`)
      .set(auth(who.token))
      .send(body as object);
  const read = async (id: string) =>
    (await t.http.get(`/api/v2/workspaces/${id}`).set(auth(member.token)).expect(200)).body as JsonObject & {
      latest_build: { deadline: string | null; max_deadline: string | null; id: string };
    };
  /** A started workspace of the member (its start build completed). */
  async function running(extra: Record<string, unknown> = {}) {
    const ws = await createWorkspace(t, member, owner.orgId, template.id as string, 'me', extra);
    await waitForBuild(t, member, (ws.latest_build as JsonObject).id as string);
    return read(ws.id as string);
  }
  const writes = async (id: string) =>
    (
      await db.query(
        `SELECT user_id, status_code, diff FROM audit_logs WHERE resource_id = $1 AND action = 'write' ORDER BY time`,
        [id],
      )
    ).rows;
  const setTemplate = (column: string, value: unknown) =>
    db.query(`UPDATE templates SET ${column} = $2 WHERE id = $1`, [template.id, value]);

  describe('PUT /workspaces/{workspace}/autostart', () => {
    it('sets the weekly schedule (next_start_at follows), clears it with null, empty or absent; 204, audited', async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      const schedule = 'CRON_TZ=Europe/Berlin 30 8 * * 1-5';
      const res = await put(member, ws.id as string, 'autostart', { schedule }).expect(204);
      expect(res.text).toBe('');
      const set = await read(ws.id as string);
      expect(set.autostart_schedule).toBe(schedule);
      const next = new Date(set.next_start_at as string);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      // 08:30 in Berlin (07:30 UTC in winter, 06:30 in summer) on a weekday.
      expect([6, 7]).toContain(next.getUTCHours());
      expect(next.getUTCMinutes()).toBe(30);
      expect([1, 2, 3, 4, 5]).toContain(next.getUTCDay());
      for (const body of [{ schedule: null }, { schedule: '' }, {}]) {
        await put(member, ws.id as string, 'autostart', { schedule }).expect(204);
        await put(member, ws.id as string, 'autostart', body).expect(204);
        const cleared = await read(ws.id as string);
        expect(cleared.autostart_schedule).toBeUndefined();
        expect(cleared.next_start_at).toBeNull();
      }
      const audit = await writes(ws.id as string);
      expect(audit[0]).toEqual({
        user_id: member.userId,
        status_code: 204,
        diff: { autostart_schedule: { old: null, new: schedule, secret: false } },
      });
      // Setting the same schedule again is a write with nothing changed, as in Coder.
      expect(audit[1].diff).toEqual({});
      expect(audit[2].diff).toEqual({ autostart_schedule: { old: schedule, new: null, secret: false } });
      expect(audit).toHaveLength(7);
    });

    it("refuses a schedule that is not weekly with Coder's message, and a wrong type", async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      expect((await put(member, ws.id as string, 'autostart', { schedule: 'nope' }).expect(400)).body).toEqual({
        message: 'Invalid autostart schedule.',
        validations: [
          {
            field: 'schedule',
            detail:
              'validate weekly schedule: expected schedule to consist of 5 fields with an optional CRON_TZ=<timezone> prefix',
          },
        ],
      });
      expect(
        (await put(member, ws.id as string, 'autostart', { schedule: '30 8 1 * *' }).expect(400)).body.validations,
      ).toEqual([{ field: 'schedule', detail: 'validate weekly schedule: expected month and dom to be *' }]);
      expect(
        (await put(member, ws.id as string, 'autostart', { schedule: 'CRON_TZ=Mars/Olympus 30 8 * * *' }).expect(400))
          .body.validations[0].detail,
      ).toContain('unknown time zone Mars/Olympus');
      const wrong = await put(member, ws.id as string, 'autostart', { schedule: 5 }).expect(400);
      expect(wrong.body.message).toBe('Validation failed.');
      expect((await read(ws.id as string)).autostart_schedule).toBeUndefined();
    });

    it('is refused when the template does not let users set autostart', async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      await setTemplate('allow_user_autostart', false);
      try {
        const message = 'Autostart is not allowed for workspaces using this template.';
        expect((await put(member, ws.id as string, 'autostart', { schedule: '30 8 * * *' }).expect(400)).body).toEqual({
          message,
          validations: [{ field: 'schedule', detail: message }],
        });
      } finally {
        await setTemplate('allow_user_autostart', true);
      }
      expect(await writes(ws.id as string)).toEqual([]);
    });
  });

  describe('PUT /workspaces/{workspace}/ttl', () => {
    it('sets the TTL in whole minutes for later starts; 204, audited', async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      await put(member, ws.id as string, 'ttl', { ttl_ms: 2 * HOUR + 59_999 }).expect(204);
      expect((await read(ws.id as string)).ttl_ms).toBe(2 * HOUR);
      await put(owner, ws.id as string, 'ttl', { ttl_ms: 60_000 }).expect(204);
      expect((await read(ws.id as string)).ttl_ms).toBe(60_000);
      const audit = await writes(ws.id as string);
      expect(audit).toEqual([
        {
          user_id: member.userId,
          status_code: 204,
          diff: { ttl: { old: null, new: 2 * HOUR * 1e6, secret: false } },
        },
        {
          user_id: owner.userId,
          status_code: 204,
          diff: { ttl: { old: 2 * HOUR * 1e6, new: 60_000 * 1e6, secret: false } },
        },
      ]);
    });

    it('the next start gets its deadline from the new TTL', async () => {
      const ws = await running();
      expect(ws.latest_build.deadline).toBeNull();
      await put(member, ws.id as string, 'ttl', { ttl_ms: 2 * HOUR }).expect(204);
      expect((await read(ws.id as string)).latest_build.deadline).toBeNull();
      await waitForBuild(t, member, (await build(t, member, ws.id as string, 'stop')).id as string);
      const start = await waitForBuild(t, member, (await build(t, member, ws.id as string, 'start')).id as string);
      const completed = new Date((start.job as JsonObject).completed_at as string).getTime();
      const deadline = new Date((await read(ws.id as string)).latest_build.deadline as string).getTime();
      expect(deadline - completed).toBe(2 * HOUR);
    });

    it("refuses TTLs out of range with Coder's messages, and a wrong type", async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      const refused = async (ttl_ms: number, detail: string) =>
        expect((await put(member, ws.id as string, 'ttl', { ttl_ms }).expect(400)).body).toEqual({
          message: TTL_FAILED,
          validations: [{ field: 'ttl_ms', detail }],
        });
      await refused(59_999, 'time until shutdown must be at least one minute');
      await refused(-HOUR, 'time until shutdown must be at least one minute');
      await refused(30 * 24 * HOUR + 60_000, 'time until shutdown must be less than 30 days');
      expect((await put(member, ws.id as string, 'ttl', { ttl_ms: '1h' }).expect(400)).body.message).toBe(
        'Validation failed.',
      );
      expect((await put(member, ws.id as string, 'ttl', { ttl_ms: 1.5 }).expect(400)).body.message).toBe(
        'Validation failed.',
      );
      expect((await read(ws.id as string)).ttl_ms).toBeUndefined();
    });

    it("keeps to the template's maximum TTL (absent or 0 then means the maximum)", async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      await setTemplate('max_ttl', 4 * HOUR * 1e6);
      try {
        expect((await put(member, ws.id as string, 'ttl', { ttl_ms: 5 * HOUR }).expect(400)).body).toEqual({
          message: TTL_FAILED,
          validations: [
            {
              field: 'ttl_ms',
              detail: `time until shutdown must be less than or equal to the template's maximum TTL "4h0m0s"`,
            },
          ],
        });
        await put(member, ws.id as string, 'ttl', { ttl_ms: 0 }).expect(204);
        expect((await read(ws.id as string)).ttl_ms).toBe(4 * HOUR);
      } finally {
        await setTemplate('max_ttl', 0);
      }
    });

    it('turned off (null, 0 or absent), the running build keeps only its max deadline', async () => {
      const ws = await running({ ttl_ms: 8 * HOUR });
      expect(ws.latest_build.deadline).not.toBeNull();
      await put(member, ws.id as string, 'ttl', { ttl_ms: null }).expect(204);
      const off = await read(ws.id as string);
      expect(off.ttl_ms).toBeUndefined();
      expect(off.latest_build.deadline).toBeNull();

      const capped = await running({ ttl_ms: 8 * HOUR });
      const max = new Date(Date.now() + 24 * HOUR);
      await db.query('UPDATE workspace_builds SET max_deadline = $2 WHERE id = $1', [capped.latest_build.id, max]);
      await put(member, capped.id as string, 'ttl', {}).expect(204);
      const after = await read(capped.id as string);
      expect(after.latest_build.deadline).toBe(max.toISOString());
      expect(after.latest_build.max_deadline).toBe(max.toISOString());
    });

    it('is refused when the template does not let users change autostop', async () => {
      const ws = await createWorkspace(t, member, owner.orgId, template.id as string);
      await setTemplate('allow_user_autostop', false);
      try {
        expect((await put(member, ws.id as string, 'ttl', { ttl_ms: HOUR }).expect(400)).body).toEqual({
          message: TTL_FAILED,
          validations: [
            { field: 'ttl_ms', detail: 'Custom autostop TTL is not allowed for workspaces using this template.' },
          ],
        });
      } finally {
        await setTemplate('allow_user_autostop', true);
      }
    });
  });

  describe('PUT /workspaces/{workspace}/extend', () => {
    const goTime = (at: Date) => `${at.toISOString().slice(0, 19)}Z`;

    it("moves the running build's deadline: 200 with Coder's message", async () => {
      const ws = await running({ ttl_ms: HOUR });
      const deadline = new Date(Date.now() + 3 * HOUR + 123);
      const res = await put(member, ws.id as string, 'extend', { deadline: deadline.toISOString() }).expect(200);
      expect(res.body).toEqual({ message: `Deadline updated to ${goTime(deadline)}.` });
      expect((await read(ws.id as string)).latest_build.deadline).toBe(deadline.toISOString());
      // Another zone is the same instant; an earlier deadline (still 30 minutes ahead) is allowed too.
      const earlier = new Date(Date.now() + 2 * HOUR);
      const zoned = `${new Date(earlier.getTime() + 2 * HOUR).toISOString().slice(0, 19)}+02:00`;
      await put(member, ws.id as string, 'extend', { deadline: zoned }).expect(200);
      expect((await read(ws.id as string)).latest_build.deadline).toBe(
        new Date(`${earlier.toISOString().slice(0, 19)}Z`).toISOString(),
      );
    });

    it('refuses a deadline too soon or past the max deadline', async () => {
      const ws = await running({ ttl_ms: HOUR });
      const before = (await read(ws.id as string)).latest_build.deadline;
      expect(
        (
          await put(member, ws.id as string, 'extend', {
            deadline: new Date(Date.now() + 10 * 60_000).toISOString(),
          }).expect(400)
        ).body,
      ).toEqual({ message: 'Cannot extend workspace: new deadline must be at least 30 minutes in the future' });
      await db.query('UPDATE workspace_builds SET max_deadline = $2 WHERE id = $1', [
        ws.latest_build.id,
        new Date(Date.now() + 2 * HOUR),
      ]);
      expect(
        (
          await put(member, ws.id as string, 'extend', {
            deadline: new Date(Date.now() + 3 * HOUR).toISOString(),
          }).expect(400)
        ).body,
      ).toEqual({ message: 'Cannot extend workspace beyond max deadline.' });
      expect((await read(ws.id as string)).latest_build.deadline).toBe(before);
    });

    it('needs a completed start with a deadline (409 otherwise)', async () => {
      const later = { deadline: new Date(Date.now() + 2 * HOUR).toISOString() };
      const manual = await running();
      expect((await put(member, manual.id as string, 'extend', later).expect(409)).body).toEqual({
        message: 'Workspace shutdown is manual.',
      });
      const stopped = await running({ ttl_ms: HOUR });
      await waitForBuild(t, member, (await build(t, member, stopped.id as string, 'stop')).id as string);
      expect((await put(member, stopped.id as string, 'extend', later).expect(409)).body).toEqual({
        message: 'Workspace must be started, current status: stop',
      });
      const building = await running({ ttl_ms: HOUR });
      const job = await db.query(
        'UPDATE provisioner_jobs SET completed_at = NULL WHERE id = (SELECT job_id FROM workspace_builds WHERE id = $1) RETURNING completed_at',
        [building.latest_build.id],
      );
      expect(job.rowCount).toBe(1);
      expect((await put(member, building.id as string, 'extend', later).expect(409)).body).toEqual({
        message: 'Workspace is still building!',
      });
    });

    it('refuses a deadline that is not an RFC 3339 time', async () => {
      const ws = await running({ ttl_ms: HOUR });
      for (const body of [{}, { deadline: null }, { deadline: 'tomorrow' }, { deadline: '2030-02-30T10:00:00Z' }]) {
        const res = await put(member, ws.id as string, 'extend', body).expect(400);
        expect(res.body.message).toBe('Validation failed.');
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['deadline']);
      }
      for (const deadline of ['2030-01-01', '2030-01-01T10:00:00', 1_900_000_000]) {
        await put(member, ws.id as string, 'extend', { deadline }).expect(400);
      }
    });
  });

  it('each route needs update permission on the workspace: 403 for a reader, 404 for the rest, 410 once deleted', async () => {
    const ws = await running({ ttl_ms: HOUR });
    const bodies: Record<string, unknown> = {
      autostart: { schedule: '30 8 * * *' },
      ttl: { ttl_ms: HOUR },
      extend: { deadline: new Date(Date.now() + 2 * HOUR).toISOString() },
    };
    for (const [route, body] of Object.entries(bodies)) {
      expect((await put(templateAdmin, ws.id as string, route, body).expect(403)).body).toEqual({
        message: 'You do not have permission to update this workspace.',
      });
      expect((await put(other, ws.id as string, route, body).expect(404)).body).toEqual(NOT_FOUND);
      await put(owner, randomUUID(), route, body).expect(404);
      await put(owner, 'nope', route, body).expect(400);
      await t.http
        .put(`/api/v2/workspaces/${ws.id as string}/${route}`)
        .send(body as object)
        .expect(401);
    }
    const unchanged = await read(ws.id as string);
    expect(unchanged.autostart_schedule).toBeUndefined();
    await waitForBuild(t, member, (await build(t, member, ws.id as string, 'delete')).id as string);
    for (const [route, body] of Object.entries(bodies)) {
      expect((await put(member, ws.id as string, route, body).expect(410)).body.message).toContain('was deleted');
    }
  });
});
