import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import type { JsonObject } from '../helpers/json.js';
import { addLicense } from '../helpers/licenses.js';
import { createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

/** Costs 6 a day while started. */
const COST_6 = { resources: [{ name: 'dev', type: 'docker_container', daily_cost: 6 }] };
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/**
 * `GET /organizations/{organization}/members/{user}/workspace-quota`: budgets and consumption per
 * organization (Coder's quotas.sql), the build-time check held to the workspace's organization, and
 * the deprecated `/workspace-quota/{user}` answering for the default organization.
 */
describe('workspace quota per organization', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let orgA: string;
  let orgB: string;
  let templateA: JsonObject;
  let templateB: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    orgA = owner.orgId;
    orgB = await createOrg(t, owner);
    templateA = await echoTemplate(t, owner, orgA, COST_6);
    templateB = await echoTemplate(t, owner, orgB, COST_6);
  });
  afterAll(() => closeWorld(t, db));

  const quota = (session: Session, org: string, user = 'me') =>
    t.http.get(`/api/v2/organizations/${org}/members/${user}/workspace-quota`).set(auth(session.token));
  const legacyQuota = (session: Session, user = 'me') =>
    t.http.get(`/api/v2/workspace-quota/${user}`).set(auth(session.token));
  const createGroup = async (org: string, allowance: number, members: string[]) => {
    const res = await t.http
      .post(`/api/v2/organizations/${org}/groups`)
      .set(auth(owner.token))
      .send({ name: unique('quota'), quota_allowance: allowance })
      .expect(201);
    await t.http.patch(`/api/v2/groups/${res.body.id}`).set(auth(owner.token)).send({ add_users: members }).expect(200);
    return res.body as { id: string; name: string };
  };
  const setAllowance = (group: string, allowance: number) =>
    t.http.patch(`/api/v2/groups/${group}`).set(auth(owner.token)).send({ quota_allowance: allowance }).expect(200);
  const startWorkspace = async (session: Session, org: string, template: string) => {
    const ws = await createWorkspace(t, session, org, template);
    return waitForBuild(t, session, ws.latest_build.id);
  };
  /** An organization admin of org B who is not a member of org A. */
  const adminOfB = async () => {
    const admin = await createUser(t, owner, { orgId: orgB });
    await t.http
      .put(`/api/v2/organizations/${orgB}/members/${admin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    return admin;
  };
  /** A member of both organizations. */
  const userOfBoth = async () => {
    const user = await createUser(t, owner);
    await addMember(t, owner, orgB, user.userId);
    return user;
  };

  it('is in the OpenAPI document; the old route is marked deprecated', async () => {
    const doc = (await t.http.get('/swagger/doc.json').expect(200)).body;
    const current = doc.paths['/api/v2/organizations/{organization}/members/{user}/workspace-quota']?.get;
    expect(current?.responses?.['200']).toBeDefined();
    expect(current.deprecated).not.toBe(true);
    expect(doc.paths['/api/v2/workspace-quota/{user}'].get.deprecated).toBe(true);
  });

  describe('without template_rbac', () => {
    it('answers budget -1 and the credits of that organization only', async () => {
      const user = await userOfBoth();
      expect((await startWorkspace(user, orgA, templateA.id)).job.status).toBe('succeeded');
      expect((await quota(user, orgA).expect(200)).body).toEqual({
        credits_consumed: 6,
        budget: -1,
        allowance_by_group: [],
      });
      expect((await quota(user, orgB).expect(200)).body).toEqual({
        credits_consumed: 0,
        budget: -1,
        allowance_by_group: [],
      });
    });
  });

  describe('with template_rbac', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['template_rbac']);
    });

    it("each organization's budget holds only its groups, and builds are held to their organization's budget", async () => {
      const user = await userOfBoth();
      const groupA = await createGroup(orgA, 10, [user.userId]);
      const groupB = await createGroup(orgB, 6, [user.userId]);
      await setAllowance(orgB, 2);
      try {
        expect((await quota(user, orgA).expect(200)).body).toEqual({
          credits_consumed: 0,
          budget: 10,
          allowance_by_group: [
            { group_id: orgA, group_name: 'Everyone', organization_id: orgA, allowance: 0 },
            { group_id: groupA.id, group_name: groupA.name, organization_id: orgA, allowance: 10 },
          ],
        });
        expect((await quota(user, orgB, user.username).expect(200)).body).toEqual({
          credits_consumed: 0,
          budget: 8,
          allowance_by_group: [
            { group_id: orgB, group_name: 'Everyone', organization_id: orgB, allowance: 2 },
            { group_id: groupB.id, group_name: groupB.name, organization_id: orgB, allowance: 6 },
          ],
        });

        expect((await startWorkspace(user, orgA, templateA.id)).job.status).toBe('succeeded');
        // Org A's 6 credits do not count against org B: 0 + 6 fits in 8.
        expect((await startWorkspace(user, orgB, templateB.id)).job.status).toBe('succeeded');
        // A second one in B does not (12 > 8), although A's unused allowance (4) would cover it if budgets were pooled.
        const secondB = await startWorkspace(user, orgB, templateB.id);
        expect(secondB.job).toMatchObject({ status: 'failed', error: 'insufficient quota' });
        // A second one in A does not fit A's budget either (12 > 10).
        const secondA = await startWorkspace(user, orgA, templateA.id);
        expect(secondA.job).toMatchObject({ status: 'failed', error: 'insufficient quota' });

        expect((await quota(user, orgA).expect(200)).body).toMatchObject({ credits_consumed: 6, budget: 10 });
        expect((await quota(user, orgB).expect(200)).body).toMatchObject({ credits_consumed: 6, budget: 8 });
        // The deprecated route answers for the default organization.
        const legacy = (await legacyQuota(user).expect(200)).body;
        expect(legacy).toEqual((await quota(user, orgA).expect(200)).body);
      } finally {
        await setAllowance(orgB, 0);
      }
    });

    it('a user who is not a member of the organization: budget 0 and no groups, as Coder (not refused)', async () => {
      const loner = await createUser(t, owner);
      expect((await quota(owner, orgB, loner.userId).expect(200)).body).toEqual({
        credits_consumed: 0,
        budget: 0,
        allowance_by_group: [],
      });
      expect((await quota(loner, orgA).expect(200)).body.allowance_by_group).toHaveLength(1);
    });

    it('a former member keeps the credits of the workspaces left behind, and no budget from old groups', async () => {
      const user = await userOfBoth();
      await createGroup(orgB, 10, [user.userId]);
      expect((await startWorkspace(user, orgB, templateB.id)).job.status).toBe('succeeded');
      await t.http.delete(`/api/v2/organizations/${orgB}/members/${user.userId}`).set(auth(owner.token)).expect(204);
      expect((await quota(owner, orgB, user.userId).expect(200)).body).toEqual({
        credits_consumed: 6,
        budget: 0,
        allowance_by_group: [],
      });
    });

    describe('who may read it', () => {
      let subject: Session;
      beforeAll(async () => {
        subject = await userOfBoth();
      });

      it('the user (me, id, username), owners, user admins and admins of the organization', async () => {
        const adminB = await adminOfB();
        const userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
        for (const ref of ['me', subject.userId, subject.username]) await quota(subject, orgB, ref).expect(200);
        for (const reader of [owner, userAdmin, adminB]) {
          expect((await quota(reader, orgB, subject.userId).expect(200)).body.budget).toBe(0);
        }
      });

      it('not another member, a template admin or an auditor (404); an organization the caller cannot see is 404', async () => {
        const member = await createUser(t, owner);
        await addMember(t, owner, orgB, member.userId);
        const templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
        const auditor = await createUser(t, owner, { roles: ['auditor'] });
        for (const reader of [member, templateAdmin, auditor]) {
          expect((await quota(reader, orgA, subject.userId).expect(404)).body).toEqual(NOT_FOUND);
        }
        // Org A is not visible to an admin of org B only.
        expect((await quota(await adminOfB(), orgA, subject.userId).expect(404)).body).toEqual(NOT_FOUND);
      });

      it('404 for an unknown organization (by id or name) or user, 401 without a session', async () => {
        await quota(owner, UNKNOWN_ID, subject.userId).expect(404);
        await quota(owner, orgB, UNKNOWN_ID).expect(404);
        await quota(owner, orgB, unique('nobody')).expect(404);
        await quota(owner, 'not-a-uuid', subject.userId).expect(404);
        await t.http.get(`/api/v2/organizations/${orgB}/members/me/workspace-quota`).expect(401);
      });
    });
  });
});
