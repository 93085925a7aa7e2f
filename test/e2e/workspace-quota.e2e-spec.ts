import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { build, createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

/** Costs 6 a day while started, 0 while stopped. */
const COST_6 = {
  resources: [
    { name: 'dev', type: 'docker_container', daily_cost: 4 },
    { name: 'disk', type: 'docker_volume', daily_cost: 2 },
  ],
};
/** Costs 6 started and 2 stopped (the disk stays). */
const COST_6_STOP_2 = { ...COST_6, stop_resources: [{ name: 'disk', type: 'docker_volume', daily_cost: 2 }] };

describe('workspace quota', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let template6: JsonObject;
  let template6stop2: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    template6 = await echoTemplate(t, owner, owner.orgId, COST_6);
    template6stop2 = await echoTemplate(t, owner, owner.orgId, COST_6_STOP_2);
  });
  afterAll(() => closeWorld(t, db));

  const quota = (session: Session, user = 'me') =>
    t.http.get(`/api/v2/workspace-quota/${user}`).set(auth(session.token));
  const createGroup = async (allowance: number, members: string[]) => {
    const res = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/groups`)
      .set(auth(owner.token))
      .send({ name: unique('quota'), quota_allowance: allowance })
      .expect(201);
    await t.http.patch(`/api/v2/groups/${res.body.id}`).set(auth(owner.token)).send({ add_users: members }).expect(200);
    return res.body as { id: string; name: string };
  };
  const setAllowance = (group: string, allowance: number) =>
    t.http.patch(`/api/v2/groups/${group}`).set(auth(owner.token)).send({ quota_allowance: allowance }).expect(200);
  /** Creates a workspace and waits for its first build. */
  const startWorkspace = async (session: Session, template: string) => {
    const ws = await createWorkspace(t, session, owner.orgId, template);
    return { ws, build: await waitForBuild(t, session, ws.latest_build.id) };
  };
  const transition = async (session: Session, workspace: string, to: 'start' | 'stop' | 'delete') =>
    waitForBuild(t, session, (await build(t, session, workspace, to)).id);
  const logsOf = async (session: Session, buildId: string) =>
    (await t.http.get(`/api/v2/workspacebuilds/${buildId}/logs`).set(auth(session.token)).expect(200)).body.map(
      (l: { output: string }) => l.output,
    );

  describe('without template_rbac', () => {
    it('answers budget -1 and does not limit builds', async () => {
      const user = await createUser(t, owner);
      expect((await quota(user).expect(200)).body).toEqual({ credits_consumed: 0, budget: -1, allowance_by_group: [] });
      const first = await startWorkspace(user, template6.id);
      const second = await startWorkspace(user, template6.id);
      expect([first.build.job.status, second.build.job.status]).toEqual(['succeeded', 'succeeded']);
      // The cost is still recorded on each build and counted.
      expect([first.build.daily_cost, second.build.daily_cost]).toEqual([6, 6]);
      expect((await quota(user).expect(200)).body).toEqual({
        credits_consumed: 12,
        budget: -1,
        allowance_by_group: [],
      });
    });
  });

  describe('with template_rbac', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['template_rbac']);
    });

    it('builds the first workspace, fails the second with "insufficient quota", and reports 6 of 10', async () => {
      const user = await createUser(t, owner);
      const group = await createGroup(10, [user.userId]);
      const before = (await quota(user).expect(200)).body;
      expect(before).toEqual({
        credits_consumed: 0,
        budget: 10,
        allowance_by_group: [
          { group_id: owner.orgId, group_name: 'Everyone', organization_id: owner.orgId, allowance: 0 },
          { group_id: group.id, group_name: group.name, organization_id: owner.orgId, allowance: 10 },
        ],
      });

      const first = await startWorkspace(user, template6.id);
      expect(first.build.job.status).toBe('succeeded');
      expect(first.build.daily_cost).toBe(6);

      const second = await startWorkspace(user, template6.id);
      expect(second.build.job).toMatchObject({ status: 'failed', error: 'insufficient quota' });
      expect(second.build.daily_cost).toBe(0);
      expect(await logsOf(user, second.build.id)).toEqual(
        expect.arrayContaining([
          'Build cost — 6',
          'Budget — 10',
          'Credits consumed — 6',
          'This build would exceed your quota. Failing.',
        ]),
      );
      const stored = await db.query('SELECT daily_cost FROM workspace_builds WHERE id = $1', [second.build.id]);
      expect(stored.rows[0].daily_cost).toBe(0);

      const after = (await quota(user).expect(200)).body;
      expect([after.credits_consumed, after.budget]).toEqual([6, 10]);
    });

    it('stopping frees the cost of a workspace with nothing left running; deleting frees all of it', async () => {
      const user = await createUser(t, owner);
      await createGroup(10, [user.userId]);
      const a = await startWorkspace(user, template6.id);
      const b = await startWorkspace(user, template6.id);
      expect(b.build.job.error).toBe('insufficient quota');

      expect((await transition(user, a.ws.id, 'stop')).job.status).toBe('succeeded');
      expect((await quota(user).expect(200)).body.credits_consumed).toBe(0);
      // Now the other one fits…
      expect((await transition(user, b.ws.id, 'start')).job.status).toBe('succeeded');
      expect((await quota(user).expect(200)).body.credits_consumed).toBe(6);
      // …and restarting the first no longer does.
      const again = await transition(user, a.ws.id, 'start');
      expect(again.job).toMatchObject({ status: 'failed', error: 'insufficient quota' });

      expect((await transition(user, b.ws.id, 'delete')).job.status).toBe('succeeded');
      expect((await quota(user).expect(200)).body.credits_consumed).toBe(0);
      expect((await transition(user, a.ws.id, 'start')).job.status).toBe('succeeded');
      expect((await quota(user).expect(200)).body.credits_consumed).toBe(6);
    });

    it('always lets a build that costs less than the previous one through, even over budget (net-increase rule)', async () => {
      const user = await createUser(t, owner);
      const group = await createGroup(10, [user.userId]);
      const { ws } = await startWorkspace(user, template6stop2.id);
      await setAllowance(group.id, 1);
      // Stopping costs 2 > budget 1, but less than the 6 before it.
      const stopped = await transition(user, ws.id, 'stop');
      expect(stopped.job.status).toBe('succeeded');
      expect(stopped.daily_cost).toBe(2);
      expect((await quota(user).expect(200)).body).toMatchObject({ credits_consumed: 2, budget: 1 });
      // Starting again is an increase (2 → 6) over budget: refused.
      expect((await transition(user, ws.id, 'start')).job.error).toBe('insufficient quota');
    });

    it('adds the allowance of every group of the user, the Everyone group included', async () => {
      const user = await createUser(t, owner);
      const g1 = await createGroup(3, [user.userId]);
      const g2 = await createGroup(4, [user.userId]);
      await setAllowance(owner.orgId, 5);
      try {
        const res = (await quota(user).expect(200)).body;
        expect(res.budget).toBe(12);
        expect(
          res.allowance_by_group.map((g: { group_id: string; allowance: number }) => [g.group_id, g.allowance]),
        ).toEqual(
          expect.arrayContaining([
            [owner.orgId, 5],
            [g1.id, 3],
            [g2.id, 4],
          ]),
        );
        // 6 fits in 12; a second 6 too; a third does not.
        for (const expected of ['succeeded', 'succeeded', 'failed']) {
          expect((await startWorkspace(user, template6.id)).build.job.status).toBe(expected);
        }
      } finally {
        await setAllowance(owner.orgId, 0);
      }
    });

    it('never lets builds started at the same moment together exceed the budget', async () => {
      const user = await createUser(t, owner);
      await createGroup(10, [user.userId]);
      const workspaces = await Promise.all([0, 1, 2, 3].map(() => createWorkspace(t, user, owner.orgId, template6.id)));
      const builds = await Promise.all(workspaces.map((ws) => waitForBuild(t, user, ws.latest_build.id)));
      const statuses = builds.map((b) => b.job.status).sort();
      expect(statuses).toEqual(['failed', 'failed', 'failed', 'succeeded']);
      for (const b of builds.filter((x) => x.job.status === 'failed')) expect(b.job.error).toBe('insufficient quota');
      expect((await quota(user).expect(200)).body.credits_consumed).toBe(6);
    });

    describe('who may read a quota', () => {
      let subject: Session;
      beforeAll(async () => {
        subject = await createUser(t, owner);
      });

      it('the user (by me, id or username), owners, user admins and admins of a shared organization', async () => {
        const orgAdmin = await createUser(t, owner);
        await t.http
          .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
          .set(auth(owner.token))
          .send({ roles: ['organization-admin'] })
          .expect(200);
        const userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
        await quota(subject).expect(200);
        await quota(subject, subject.userId).expect(200);
        await quota(subject, subject.username).expect(200);
        for (const reader of [owner, userAdmin, orgAdmin]) {
          expect((await quota(reader, subject.username).expect(200)).body.budget).toBe(0);
        }
      });

      it('not another member, a template admin, an auditor, or the admin of another organization (404)', async () => {
        const member = await createUser(t, owner);
        const templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
        const auditor = await createUser(t, owner, { roles: ['auditor'] });
        const otherOrg = await createOrg(t, owner);
        const foreignAdmin = await createUser(t, owner, { orgId: otherOrg });
        await addMember(t, owner, otherOrg, subject.userId).catch(() => undefined);
        await t.http
          .put(`/api/v2/organizations/${otherOrg}/members/${foreignAdmin.userId}/roles`)
          .set(auth(owner.token))
          .send({ roles: ['organization-admin'] })
          .expect(200);
        for (const reader of [member, templateAdmin, auditor]) {
          expect((await quota(reader, subject.userId).expect(404)).body).toEqual(NOT_FOUND);
        }
        // The subject is in both organizations: the other organization's admin may read it.
        await quota(foreignAdmin, subject.userId).expect(200);
        const loner = await createUser(t, owner);
        expect((await quota(foreignAdmin, loner.userId).expect(404)).body).toEqual(NOT_FOUND);
      });

      it('404 for an unknown user, 401 without a session', async () => {
        await quota(owner, '00000000-0000-4000-8000-000000000000').expect(404);
        await quota(owner, unique('nobody')).expect(404);
        await t.http.get('/api/v2/workspace-quota/me').expect(401);
      });
    });
  });
});
