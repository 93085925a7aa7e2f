import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import {
  build,
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  echoTemplate,
  importVersion,
  uploadEchoTemplate,
  waitForBuild,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

describe('workspace builds', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let member2: Session;
  let templateAdmin: Session;
  let orgAdmin: Session;
  let outsider: Session;
  let template: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    member2 = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    orgAdmin = await createUser(t, owner);
    await t.http
      .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
    template = await echoTemplate(t, owner, owner.orgId);
  });
  afterAll(() => closeWorld(t, db));

  const running = async (who: Session = member) => {
    const ws = await createWorkspace(t, who, owner.orgId, template.id);
    await waitForBuild(t, who, ws.latest_build.id);
    return ws;
  };
  const postBuild = (who: Session, workspaceId: string, body: Record<string, unknown>) =>
    t.http.post(`/api/v2/workspaces/${workspaceId}/builds`).set(auth(who.token)).send(body);

  /** A template whose import is marked succeeded in the database while its tags match no daemon: its builds stay pending. */
  const unrunnableTemplate = async () => {
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      tags: { pool: 'gpu' },
    });
    await db.query('UPDATE provisioner_jobs SET started_at = now(), completed_at = now() WHERE id = $1', [
      version.job.id,
    ]);
    return createTemplate(t, owner, owner.orgId, version.id);
  };

  it('stops (the stop resources and their cost) and starts again from the previous version', async () => {
    const ws = await running();
    const stop = await build(t, member, ws.id, 'stop');
    expect(stop).toMatchObject({
      build_number: 2,
      transition: 'stop',
      template_version_id: template.active_version_id,
      initiator_id: member.userId,
      resources: [],
    });
    const stopped = await waitForBuild(t, member, stop.id);
    expect(stopped).toMatchObject({ status: 'stopped', daily_cost: 1 });
    expect(
      stopped.resources.map((r: Record<string, unknown>) => [r.name, r.workspace_transition, r.daily_cost]),
    ).toEqual([['home', 'stop', 1]]);
    expect(
      (await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(member.token)).expect(200)).body.latest_build.status,
    ).toBe('stopped');

    const start = await build(t, member, ws.id, 'start', {
      template_version_id: '00000000-0000-0000-0000-000000000000',
    });
    expect(await waitForBuild(t, member, start.id)).toMatchObject({
      build_number: 3,
      status: 'running',
      daily_cost: 10,
    });

    const list = (await t.http.get(`/api/v2/workspaces/${ws.id}/builds`).set(auth(member.token)).expect(200)).body;
    expect(list.map((b: { build_number: number }) => b.build_number)).toEqual([3, 2, 1]);
    expect(
      (await t.http.get(`/api/v2/workspaces/${ws.id}/builds?limit=1&offset=1`).set(auth(member.token)).expect(200))
        .body[0].id,
    ).toBe(stop.id);
    expect(
      (await t.http.get(`/api/v2/workspaces/${ws.id}/builds?since=yesterday`).set(auth(member.token)).expect(400)).body,
    ).toEqual({ message: 'bad `since` format, must be RFC3339' });
    expect(
      (
        await t.http
          .get(`/api/v2/workspaces/${ws.id}/builds?since=2000-01-01T00:00:00Z`)
          .set(auth(member.token))
          .expect(200)
      ).body,
    ).toHaveLength(3);

    const logs = (await t.http.get(`/api/v2/workspacebuilds/${stop.id}/logs`).set(auth(member.token)).expect(200)).body;
    expect(logs.map((l: { output: string }) => l.output)).toEqual(
      expect.arrayContaining(['hello from echo', 'Applied 1 resource(s)']),
    );
    const audit = await db.query(
      `SELECT action, resource_type, additional_fields FROM audit_logs WHERE resource_type = 'workspace_build' AND resource_target = $1 ORDER BY time`,
      [ws.name],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['stop', 'start']);
    expect(audit.rows[0].additional_fields).toEqual({
      workspace_name: ws.name,
      build_number: '2',
      build_reason: 'initiator',
    });
  });

  it('refuses a build while one is active (409); the pending build says why it waits', async () => {
    const stuck = await unrunnableTemplate();
    const ws = await createWorkspace(t, member, owner.orgId, stuck.id);
    await new Promise((r) => setTimeout(r, 300));
    const current = (
      await t.http.get(`/api/v2/workspacebuilds/${ws.latest_build.id}`).set(auth(member.token)).expect(200)
    ).body;
    expect(current.status).toBe('pending');
    expect(current.job).toMatchObject({
      status: 'pending',
      tags: { pool: 'gpu', scope: 'organization' },
      matched_provisioners: { count: 0, available: 0 },
    });
    expect(current.job.pending_reason).toMatchObject({ code: 'no_daemon_with_tags' });
    expect(current.job.pending_reason.message).toContain('{"pool":"gpu","scope":"organization"}');
    expect(current.matched_provisioners).toEqual({ count: 0, available: 0, most_recently_seen: null });
    for (const transition of ['stop', 'start', 'delete']) {
      expect((await postBuild(member, ws.id, { transition }).expect(409)).body).toEqual({
        message: 'A workspace build is already active.',
        detail: 'A workspace build is already active.',
      });
    }
  });

  it('lets the owner of the workspace, owners and organization admins build; others 404, template admins 403', async () => {
    const ws = await running();
    expect((await postBuild(member2, ws.id, { transition: 'stop' }).expect(404)).body).toEqual(NOT_FOUND);
    expect((await postBuild(outsider, ws.id, { transition: 'stop' }).expect(404)).body).toEqual(NOT_FOUND);
    await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(templateAdmin.token)).expect(200);
    expect((await postBuild(templateAdmin, ws.id, { transition: 'stop' }).expect(403)).body).toEqual({
      message: 'You do not have permission to update this workspace.',
    });
    expect((await postBuild(templateAdmin, ws.id, { transition: 'delete' }).expect(403)).body).toEqual({
      message: 'You do not have permission to delete this workspace.',
    });
    const byAdmin = await build(t, orgAdmin, ws.id, 'stop');
    expect(byAdmin.initiator_id).toBe(orgAdmin.userId);
    await waitForBuild(t, orgAdmin, byAdmin.id);
    await waitForBuild(t, owner, (await build(t, owner, ws.id, 'start')).id);
    await t.http.post(`/api/v2/workspaces/${ws.id}/builds`).send({ transition: 'stop' }).expect(401);
  });

  it('checks the version: unknown, of another template, failed or still importing', async () => {
    const ws = await running();
    expect(
      (await postBuild(member, ws.id, { transition: 'start', template_version_id: randomUUID() }).expect(400)).body,
    ).toEqual({ message: 'template version does not exist' });
    const other = await echoTemplate(t, owner, owner.orgId);
    expect(
      (
        await postBuild(member, ws.id, { transition: 'start', template_version_id: other.active_version_id }).expect(
          400,
        )
      ).body,
    ).toEqual({
      message: "template version doesn't match template",
    });
    const failed = await importVersion(t, owner, owner.orgId, { fail: 'no capacity' }, { template_id: template.id });
    expect(
      (await postBuild(member, ws.id, { transition: 'start', template_version_id: failed.id }).expect(400)).body,
    ).toEqual({
      message: `The provided template version "${failed.name}" has failed to import: "no capacity". You cannot build workspaces with it!`,
    });
    const pending = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      template_id: template.id,
      tags: { pool: 'none' },
    });
    expect(
      (await postBuild(member, ws.id, { transition: 'start', template_version_id: pending.id }).expect(406)).body,
    ).toEqual({
      message: 'The provided template version is pending. Wait for it to complete importing!',
    });
    await t.http.patch(`/api/v2/templateversions/${pending.id}/cancel`).set(auth(owner.token)).expect(200);
    expect(
      (await postBuild(member, ws.id, { transition: 'start', template_version_id: pending.id }).expect(400)).body,
    ).toEqual({
      message: 'The provided template version was canceled during import. You cannot build workspaces with it!',
    });

    const newer = await importVersion(t, owner, owner.orgId, undefined, { template_id: template.id });
    const upgraded = await build(t, member, ws.id, 'start', { template_version_id: newer.id });
    expect(upgraded.template_version_name).toBe(newer.name);
    await waitForBuild(t, member, upgraded.id);
    expect((await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(member.token)).expect(200)).body.outdated).toBe(
      true,
    );
  });

  it('validates the request as Coder does', async () => {
    const ws = await running();
    expect((await postBuild(member, ws.id, { transition: 'create' }).expect(400)).body).toEqual({
      message: 'Transition "create" not supported.',
    });
    expect((await postBuild(member, ws.id, { transition: 'restart' }).expect(400)).body.validations).toEqual([
      { field: 'transition', detail: 'Validation failed for tag "oneof" with value: "restart"' },
    ]);
    expect((await postBuild(member, ws.id, { transition: 'stop', orphan: true }).expect(400)).body).toEqual({
      message: 'Orphan is only permitted when deleting a workspace.',
    });
    expect(
      (await postBuild(member, ws.id, { transition: 'delete', orphan: true, state: 'AAAA' }).expect(400)).body,
    ).toEqual({
      message: 'ProvisionerState cannot be set alongside Orphan since state intent is unclear.',
    });
    expect((await postBuild(member, ws.id, { transition: 'start', state: 'AAAA' }).expect(403)).body).toEqual({
      message: 'Only template managers may provide custom state',
    });
    expect((await postBuild(member, ws.id, { transition: 'start', log_level: 'debug' }).expect(400)).body).toEqual({
      message: 'Workspace builds with a custom log level are restricted to administrators only.',
    });
    expect((await postBuild(owner, ws.id, { transition: 'start', log_level: 'debug' }).expect(400)).body).toEqual({
      message: 'Terraform debug mode is disabled in the deployment configuration.',
    });
    await postBuild(member, 'xyz', { transition: 'stop' }).expect(400);
    await postBuild(member, randomUUID(), { transition: 'stop' }).expect(404);

    const withState = await build(t, owner, ws.id, 'stop', { state: Buffer.from('tfstate').toString('base64') });
    expect(
      (
        await db.query('SELECT provisioner_state FROM workspace_builds WHERE id = $1', [withState.id])
      ).rows[0].provisioner_state.toString(),
    ).toBe('tfstate');
    await waitForBuild(t, owner, withState.id);
    const orphaned = await build(t, owner, ws.id, 'delete', { orphan: true });
    expect(await waitForBuild(t, owner, orphaned.id)).toMatchObject({ status: 'deleted' });
    expect((await postBuild(owner, ws.id, { transition: 'start' }).expect(410)).body.message).toContain('was deleted');
  });

  it('reads builds and their logs only where the workspace is visible', async () => {
    const ws = await running();
    const buildId = ws.latest_build.id;
    for (const who of [member, owner, orgAdmin, templateAdmin])
      await t.http.get(`/api/v2/workspacebuilds/${buildId}`).set(auth(who.token)).expect(200);
    for (const who of [member2, outsider]) {
      expect(
        (await t.http.get(`/api/v2/workspacebuilds/${buildId}/logs`).set(auth(who.token)).expect(404)).body,
      ).toEqual(NOT_FOUND);
      await t.http.get(`/api/v2/workspaces/${ws.id}/builds`).set(auth(who.token)).expect(404);
    }
    const logs = (await t.http.get(`/api/v2/workspacebuilds/${buildId}/logs`).set(auth(member.token)).expect(200)).body;
    expect(logs.length).toBeGreaterThan(1);
    expect(
      (
        await t.http
          .get(`/api/v2/workspacebuilds/${buildId}/logs?after=${logs[0].id}`)
          .set(auth(member.token))
          .expect(200)
      ).body,
    ).toEqual(logs.slice(1));
    await t.http.get(`/api/v2/workspacebuilds/${buildId}/logs?after=x`).set(auth(member.token)).expect(400);
    await t.http.get('/api/v2/workspacebuilds/abc').set(auth(member.token)).expect(400);
    await t.http.get(`/api/v2/workspacebuilds/${randomUUID()}`).set(auth(owner.token)).expect(404);
  });
});
