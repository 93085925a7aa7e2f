import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { build, createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const HOUR_MS = 3_600_000;
const EVERY_DAY = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * A build's max_deadline (Coder's schedule.CalculateAutostop): the template's autostop requirement
 * read in the owner's quiet hours caps the deadline, with advanced_template_scheduling enabled.
 * The rule itself, day by day and across daylight-saving changes, is in lifecycle-rules.spec.ts.
 */
describe('workspace build max_deadline (template autostop requirement × user quiet hours)', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let template: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    template = await echoTemplate(t, owner, owner.orgId, undefined, {
      autostop_requirement: { days_of_week: EVERY_DAY, weeks: 1 },
    });
  });
  afterAll(() => closeWorld(t, db));

  /** The member's quiet hours start `hours` from now (UTC, whole minutes). */
  async function quietHoursIn(hours: number): Promise<Date> {
    const start = new Date(Math.floor((Date.now() + hours * HOUR_MS) / 60_000) * 60_000);
    await t.http
      .put('/api/v2/users/me/quiet-hours')
      .set(auth(member.token))
      .send({ schedule: `CRON_TZ=UTC ${start.getUTCMinutes()} ${start.getUTCHours()} * * *` })
      .expect(200);
    return start;
  }

  async function startedBuild(ttlMs: number | null): Promise<JsonObject> {
    const ws = await createWorkspace(t, member, owner.orgId, template.id as string, 'me', { ttl_ms: ttlMs });
    const id = (ws.latest_build as JsonObject).id as string;
    await waitForBuild(t, member, id);
    return (await t.http.get(`/api/v2/workspacebuilds/${id}`).set(auth(member.token)).expect(200)).body as JsonObject;
  }

  const completedAt = (b: JsonObject) => new Date((b.job as JsonObject).completed_at as string).getTime();
  const time = (value: unknown) => new Date(value as string).getTime();

  it('sets none without advanced_template_scheduling (the requirement is stored, not applied)', async () => {
    const b = await startedBuild(HOUR_MS);
    expect(b.max_deadline).toBeNull();
    expect(time(b.deadline) - completedAt(b)).toBe(HOUR_MS);
  });

  describe('with advanced_template_scheduling', () => {
    let licenseId: number;
    beforeAll(async () => {
      licenseId = (await addLicense(t, owner, ['advanced_template_scheduling'])).id;
    });

    it('caps the deadline at the start of the owner quiet hours more than two hours away', async () => {
      const quiet = await quietHoursIn(4);
      const b = await startedBuild(8 * HOUR_MS);
      expect(b.max_deadline).toBe(quiet.toISOString());
      expect(b.deadline).toBe(b.max_deadline);
      // Also on the workspace, and in the workspace list.
      const ws = await t.http
        .get(`/api/v2/workspaces/${b.workspace_id as string}`)
        .set(auth(member.token))
        .expect(200);
      expect((ws.body.latest_build as JsonObject).max_deadline).toBe(quiet.toISOString());
    });

    it('keeps an earlier TTL deadline, and gives a workspace without TTL the max deadline', async () => {
      const quiet = await quietHoursIn(5);
      const short = await startedBuild(HOUR_MS);
      expect(short.max_deadline).toBe(quiet.toISOString());
      expect(time(short.deadline) - completedAt(short)).toBe(HOUR_MS);
      const none = await startedBuild(null);
      expect(none).toMatchObject({ max_deadline: quiet.toISOString(), deadline: quiet.toISOString() });
    });

    it('skips quiet hours less than two hours after the build: the next day', async () => {
      const quiet = await quietHoursIn(1);
      const b = await startedBuild(null);
      expect(b.max_deadline).toBe(new Date(quiet.getTime() + 24 * HOUR_MS).toISOString());
    });

    it('sets none for a template without a requirement day, or on a stop build', async () => {
      await quietHoursIn(4);
      const plain = await echoTemplate(t, owner, owner.orgId);
      const ws = await createWorkspace(t, member, owner.orgId, plain.id as string, 'me', { ttl_ms: HOUR_MS });
      await waitForBuild(t, member, (ws.latest_build as JsonObject).id as string);
      const started = (
        await t.http
          .get(`/api/v2/workspaces/${ws.id as string}`)
          .set(auth(member.token))
          .expect(200)
      ).body.latest_build as JsonObject;
      expect(started.max_deadline).toBeNull();
      const b = await startedBuild(HOUR_MS);
      const stop = await build(t, member, b.workspace_id as string, 'stop');
      await waitForBuild(t, member, stop.id as string);
      const stopped = (
        await t.http
          .get(`/api/v2/workspacebuilds/${stop.id as string}`)
          .set(auth(member.token))
          .expect(200)
      ).body as JsonObject;
      expect(stopped).toMatchObject({ deadline: null, max_deadline: null });
    });

    describe('when the template schedule changes (running builds recomputed)', () => {
      const patch = (templateId: string, body: Record<string, unknown>) =>
        t.http.patch(`/api/v2/templates/${templateId}`).set(auth(owner.token)).send(body).expect(200);
      const readBuild = async (id: string) =>
        (await t.http.get(`/api/v2/workspacebuilds/${id}`).set(auth(member.token)).expect(200)).body as JsonObject;

      async function runningOn(templateId: string, ttlMs: number): Promise<JsonObject> {
        const ws = await createWorkspace(t, member, owner.orgId, templateId, 'me', { ttl_ms: ttlMs });
        const id = (ws.latest_build as JsonObject).id as string;
        await waitForBuild(t, member, id);
        return readBuild(id);
      }

      it('gives running builds the new requirement: max deadline set, later deadlines capped', async () => {
        const quiet = await quietHoursIn(4);
        const later = await echoTemplate(t, owner, owner.orgId);
        const long = await runningOn(later.id as string, 8 * HOUR_MS);
        const short = await runningOn(later.id as string, HOUR_MS);
        expect(long.max_deadline).toBeNull();
        await patch(later.id as string, { autostop_requirement: { days_of_week: EVERY_DAY, weeks: 1 } });
        expect(await readBuild(long.id as string)).toMatchObject({
          max_deadline: quiet.toISOString(),
          deadline: quiet.toISOString(),
        });
        expect(await readBuild(short.id as string)).toMatchObject({
          max_deadline: quiet.toISOString(),
          deadline: short.deadline,
        });
        // Removing the requirement removes the cap, and keeps the (capped) deadline.
        await patch(later.id as string, { autostop_requirement: { days_of_week: [], weeks: 1 } });
        expect(await readBuild(long.id as string)).toMatchObject({ max_deadline: null, deadline: quiet.toISOString() });
      });

      it('never moves a max deadline under two hours away, nor sets one closer than two hours', async () => {
        await quietHoursIn(1);
        const tpl = await echoTemplate(t, owner, owner.orgId);
        const close = await runningOn(tpl.id as string, 8 * HOUR_MS);
        const old = await runningOn(tpl.id as string, 48 * HOUR_MS);
        const soon = new Date(Date.now() + HOUR_MS);
        await db.query('UPDATE workspace_builds SET max_deadline = $2 WHERE id = $1', [close.id, soon]);
        // Completed a day ago: the quiet hours an hour from now are its first window.
        await db.query(
          `UPDATE provisioner_jobs SET completed_at = completed_at - interval '1 day'
            WHERE id = (SELECT job_id FROM workspace_builds WHERE id = $1)`,
          [old.id],
        );
        const before = Date.now();
        await patch(tpl.id as string, { autostop_requirement: { days_of_week: EVERY_DAY, weeks: 1 } });
        expect(time((await readBuild(close.id as string)).max_deadline)).toBe(soon.getTime());
        const clamped = time((await readBuild(old.id as string)).max_deadline);
        expect(clamped).toBeGreaterThanOrEqual(before + 2 * HOUR_MS);
        expect(clamped).toBeLessThanOrEqual(Date.now() + 2 * HOUR_MS);
      });
    });

    it('applies nothing once the license is gone', async () => {
      await quietHoursIn(4);
      await deleteLicense(t, owner, licenseId);
      const b = await startedBuild(HOUR_MS);
      expect(b.max_deadline).toBeNull();
    });
  });
});
