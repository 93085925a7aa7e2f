import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN } from '../helpers/expectations.js';
import { eventually } from '../helpers/ha.js';
import type { JsonObject } from '../helpers/json.js';
import { openScimWorld, SCIM_PATCH, SCIM_USER, type ScimClient } from '../helpers/scim.js';
import {
  build,
  type EchoSource,
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  echoTemplate,
  uploadEchoTemplate,
  waitForBuild,
} from '../helpers/templates.js';
import { auth, createUser, nonOwnerRoles, type Owner, type Session } from '../helpers/world.js';
import { loadConfig } from '../../src/config/config.schema.js';

const NIL = '00000000-0000-0000-0000-000000000000';
/** Free resources: the SCIM world's license (template_rbac) enforces quotas, whose budget is 0 here. */
const FREE: EchoSource = { resources: [{ name: 'dev', type: 'docker_container' }], stop_resources: [] };

/** Issue 17 item 6 (Coder #10597): suspending a user stops its running workspaces. */
describe('deprovisioning: suspension stops workspaces', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let scim: ScimClient;
  let userAdmin: Session;
  let template: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner, scim } = await openScimWorld());
    userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
    template = await echoTemplate(t, owner, owner.orgId, FREE);
  });
  afterAll(() => closeWorld(t, db));

  const running = async (user: Session, templateId = template.id as string) => {
    const ws = await createWorkspace(t, user, owner.orgId, templateId);
    expect(await waitForBuild(t, user, ws.latest_build.id)).toMatchObject({ status: 'running' });
    return ws.id as string;
  };
  const latestBuild = async (workspaceId: string) =>
    (await t.http.get(`/api/v2/workspaces/${workspaceId}`).set(auth(owner.token)).expect(200)).body
      .latest_build as JsonObject;
  /** The stop a suspension made, once its job has finished. */
  const stopped = async (workspaceId: string) => {
    const { value } = await eventually(async () => {
      const latest = await latestBuild(workspaceId);
      return latest.transition === 'stop' && latest.status === 'stopped' && latest;
    });
    return value;
  };
  const auditOfBuild = async (buildId: string) =>
    (
      await db.query(
        `SELECT user_id, action, resource_type, status_code, additional_fields FROM audit_logs
          WHERE resource_type = 'workspace_build' AND resource_id = $1`,
        [buildId],
      )
    ).rows;
  const suspend = (who: Session, user: Session) =>
    t.http.put(`/api/v2/users/${user.userId}/status/suspend`).set(auth(who.token));

  it('PUT /status/suspend stops every running workspace, as the owner initiates it, audited with the admin', async () => {
    const user = await createUser(t, owner);
    const first = await running(user);
    const second = await running(user);
    const alreadyStopped = await running(user);
    await waitForBuild(t, user, (await build(t, user, alreadyStopped, 'stop')).id as string);

    const res = await suspend(userAdmin, user).expect(200);
    // The answer is the suspended user, as before.
    const shown = await t.http.get(`/api/v2/users/${user.userId}`).set(auth(owner.token)).expect(200);
    expect(res.body).toEqual({ ...shown.body, last_seen_at: res.body.last_seen_at });
    expect(res.body.status).toBe('suspended');

    for (const ws of [first, second]) {
      const stop = await stopped(ws);
      expect(stop).toMatchObject({
        build_number: 2,
        transition: 'stop',
        reason: 'autostop',
        initiator_id: user.userId,
        initiator_name: user.username,
      });
      expect(await auditOfBuild(stop.id as string)).toEqual([
        {
          user_id: userAdmin.userId,
          action: 'stop',
          resource_type: 'workspace_build',
          status_code: 201,
          additional_fields: expect.objectContaining({ build_reason: 'autostop', build_number: '2' }),
        },
      ]);
    }
    // The stopped one got no second stop.
    expect((await latestBuild(alreadyStopped)).build_number).toBe(2);
  });

  it('reactivation starts nothing', async () => {
    const user = await createUser(t, owner);
    const ws = await running(user);
    await suspend(owner, user).expect(200);
    const stop = await stopped(ws);
    await t.http.put(`/api/v2/users/${user.userId}/status/activate`).set(auth(owner.token)).expect(200);
    expect(await latestBuild(ws)).toMatchObject({ id: stop.id, transition: 'stop', status: 'stopped' });
    const builds = await db.query('SELECT count(*)::int AS n FROM workspace_builds WHERE workspace_id = $1', [ws]);
    expect(builds.rows).toEqual([{ n: 2 }]);
  });

  it('cancels a start still pending instead of queueing a stop behind it', async () => {
    // A version whose import is marked succeeded while its tags match no daemon: builds stay pending.
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner, FREE), {
      tags: { pool: 'nowhere' },
    });
    await db.query('UPDATE provisioner_jobs SET started_at = now(), completed_at = now() WHERE id = $1', [
      version.job.id,
    ]);
    const stuck = await createTemplate(t, owner, owner.orgId, version.id);
    const user = await createUser(t, owner);
    const ws = await createWorkspace(t, user, owner.orgId, stuck.id as string);
    expect(ws.latest_build.status).toBe('pending');

    await suspend(owner, user).expect(200);
    expect(await latestBuild(ws.id as string)).toMatchObject({
      build_number: 1,
      transition: 'start',
      status: 'canceled',
    });
  });

  it('a workspace that cannot be stopped is skipped; the suspension and the other stops stand', async () => {
    const user = await createUser(t, owner);
    const broken = await echoTemplate(t, owner, owner.orgId, FREE);
    const good = await running(user);
    const bad = await running(user, broken.id as string);
    // The broken template's version no longer counts as imported: a build of it is refused.
    await db.query(
      `UPDATE provisioner_jobs SET error = 'gone' WHERE id = (SELECT job_id FROM template_versions WHERE id = $1)`,
      [broken.active_version_id],
    );

    expect((await suspend(owner, user).expect(200)).body.status).toBe('suspended');
    expect(await stopped(good)).toMatchObject({ transition: 'stop' });
    expect(await latestBuild(bad)).toMatchObject({ build_number: 1, transition: 'start', status: 'running' });
    const row = await db.query('SELECT status FROM users WHERE id = $1', [user.userId]);
    expect(row.rows).toEqual([{ status: 'suspended' }]);
  });

  describe('through SCIM, audited with the SCIM actor', () => {
    const scimActor = (stop: JsonObject) =>
      auditOfBuild(stop.id as string).then((rows) =>
        rows.map((r: { user_id: string; additional_fields: Record<string, string> }) => [
          r.user_id,
          r.additional_fields.automatic_actor,
          r.additional_fields.automatic_subsystem,
          r.additional_fields.build_reason,
        ]),
      );

    it('PATCH active:false', async () => {
      const user = await createUser(t, owner);
      const ws = await running(user);
      await scim('patch', `/Users/${user.userId}`, {
        schemas: [SCIM_PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      }).expect(200);
      expect(await scimActor(await stopped(ws))).toEqual([[NIL, 'coder', 'scim', 'autostop']]);
    });

    it('PUT active:false', async () => {
      const user = await createUser(t, owner);
      const ws = await running(user);
      const current = (await scim('get', `/Users/${user.userId}`).expect(200)).body;
      await scim('put', `/Users/${user.userId}`, { ...current, schemas: [SCIM_USER], active: false }).expect(200);
      expect(await scimActor(await stopped(ws))).toEqual([[NIL, 'coder', 'scim', 'autostop']]);
    });

    it('DELETE', async () => {
      const user = await createUser(t, owner);
      const ws = await running(user);
      await scim('delete', `/Users/${user.userId}`).expect(204);
      expect(await scimActor(await stopped(ws))).toEqual([[NIL, 'coder', 'scim', 'autostop']]);
    });

    it('a PUT repeating active:false for a suspended user stops nothing', async () => {
      const user = await createUser(t, owner);
      await suspend(owner, user).expect(200);
      const ws = await createWorkspace(t, owner, owner.orgId, template.id as string, user.userId);
      await waitForBuild(t, owner, ws.latest_build.id);
      const current = (await scim('get', `/Users/${user.userId}`).expect(200)).body;
      expect(current.active).toBe(false);
      await scim('put', `/Users/${user.userId}`, { ...current, schemas: [SCIM_USER], displayName: 'Renamed' }).expect(
        200,
      );
      expect(await latestBuild(ws.id as string)).toMatchObject({ build_number: 1, status: 'running' });
    });
  });

  describe('role matrix of the status routes (unchanged)', () => {
    const roles = nonOwnerRoles(() => ({ t, owner }));
    for (const [role, make] of Object.entries(roles)) {
      const expected = role === 'user-admin' ? 200 : 403;
      it(`${role}: ${expected} on suspend and activate`, async () => {
        const actor = await make();
        const target = await createUser(t, owner);
        const res = await suspend(actor, target).expect(expected);
        if (expected === 403) expect(res.body).toEqual(FORBIDDEN);
        await t.http.put(`/api/v2/users/${target.userId}/status/activate`).set(auth(actor.token)).expect(expected);
      });
    }
  });
});

describe('deprovisioning: CODER_STOP_WORKSPACES_ON_SUSPEND=false', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_STOP_WORKSPACES_ON_SUSPEND: 'false' } }));
  });
  afterAll(() => closeWorld(t, db));

  it('leaves the workspaces of a suspended user running', async () => {
    const template = await echoTemplate(t, owner, owner.orgId);
    const user = await createUser(t, owner);
    const ws = await createWorkspace(t, user, owner.orgId, template.id as string);
    await waitForBuild(t, user, ws.latest_build.id);
    await t.http.put(`/api/v2/users/${user.userId}/status/suspend`).set(auth(owner.token)).expect(200);
    const latest = (await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(owner.token)).expect(200)).body
      .latest_build;
    expect(latest).toMatchObject({ build_number: 1, transition: 'start', status: 'running' });
  });
});

describe('deprovisioning settings', () => {
  it('CODER_STOP_WORKSPACES_ON_SUSPEND: on by default, Go boolean spellings, anything else fails startup', () => {
    expect(loadConfig({}).stopWorkspacesOnSuspend).toBe(true);
    expect(loadConfig({ CODER_STOP_WORKSPACES_ON_SUSPEND: 'false' }).stopWorkspacesOnSuspend).toBe(false);
    expect(loadConfig({ CODER_STOP_WORKSPACES_ON_SUSPEND: '0' }).stopWorkspacesOnSuspend).toBe(false);
    expect(loadConfig({ CODER_STOP_WORKSPACES_ON_SUSPEND: 'TRUE' }).stopWorkspacesOnSuspend).toBe(true);
    expect(() => loadConfig({ CODER_STOP_WORKSPACES_ON_SUSPEND: 'sometimes' })).toThrow(
      'Invalid configuration: CODER_STOP_WORKSPACES_ON_SUSPEND: must be true or false, got "sometimes"',
    );
  });
});
