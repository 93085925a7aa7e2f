import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, isoTime } from '../helpers/expectations.js';
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
import { auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);

describe('workspaces', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let member2: Session;
  let templateAdmin: Session;
  let orgAdmin: Session;
  let outsider: Session;
  let otherOrg: string;
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
    otherOrg = await createOrg(t, owner);
    outsider = await createUser(t, owner, { orgId: otherOrg });
    template = await echoTemplate(t, owner, owner.orgId);
  });
  afterAll(() => closeWorld(t, db));

  const post = (who: Session, body: Record<string, unknown>, user = 'me', org = owner.orgId) =>
    t.http.post(`/api/v2/organizations/${org}/members/${user}/workspaces`).set(auth(who.token)).send(body);

  it('creates a workspace and its first build, which runs and records the resources and their daily cost', async () => {
    const name = unique('ws');
    const res = await post(member, {
      template_id: template.id,
      name,
      autostart_schedule: 'CRON_TZ=Europe/Berlin 30 8 * * 1-5',
      ttl_ms: 7_200_000,
    }).expect(201);
    const ws = res.body;
    const org = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body;
    expect(ws).toEqual({
      id: UUID,
      created_at: isoTime(),
      updated_at: isoTime(),
      owner_id: member.userId,
      owner_name: member.username,
      owner_avatar_url: '',
      organization_id: owner.orgId,
      organization_name: org.name,
      template_id: template.id,
      template_name: template.name,
      template_display_name: '',
      template_icon: '',
      template_allow_user_cancel_workspace_jobs: false,
      template_active_version_id: template.active_version_id,
      template_require_active_version: false,
      template_use_classic_parameter_flow: true,
      latest_build: expect.objectContaining({
        build_number: 1,
        transition: 'start',
        reason: 'initiator',
      }),
      latest_app_status: null,
      outdated: false,
      name,
      autostart_schedule: 'CRON_TZ=Europe/Berlin 30 8 * * 1-5',
      ttl_ms: 7_200_000,
      last_used_at: isoTime(),
      deleting_at: null,
      locked_at: null,
      dormant_at: null,
      health: { healthy: true, failing_agents: [] },
      automatic_updates: 'never',
      allow_renames: false,
      favorite: false,
      // Values checked in shapes-current.e2e-spec.ts.
      next_start_at: isoTime(),
      is_prebuild: false,
    });
    expect(['pending', 'starting', 'running']).toContain(ws.latest_build.status);
    // The built-in daemon may finish the build before the answer is written: then it shows the
    // resources its job recorded, never a completed job without them.
    expect(ws.latest_build.resources).toHaveLength(ws.latest_build.job.status === 'succeeded' ? 2 : 0);
    await waitForBuild(t, member, ws.latest_build.id);
    // Read again: the read that first sees the job completed may still show the build row from
    // before the completion, which writes its deadline.
    const done = (await t.http.get(`/api/v2/workspacebuilds/${ws.latest_build.id}`).set(auth(member.token)).expect(200))
      .body;
    expect(done).toEqual({
      id: ws.latest_build.id,
      created_at: isoTime(),
      updated_at: isoTime(),
      workspace_id: ws.id,
      workspace_name: name,
      workspace_owner_id: member.userId,
      workspace_owner_name: member.username,
      template_version_id: template.active_version_id,
      template_version_name: expect.any(String),
      build_number: 1,
      transition: 'start',
      initiator_id: member.userId,
      initiator_name: member.username,
      job: expect.objectContaining({ status: 'succeeded', tags: { scope: 'organization' } }),
      reason: 'initiator',
      resources: [
        expect.objectContaining({ name: 'dev', workspace_transition: 'start', daily_cost: 7, job_id: done.job.id }),
        expect.objectContaining({ name: 'home', workspace_transition: 'start', daily_cost: 3 }),
      ],
      // As Coder: a completed start gets its autostop deadline from the workspace's TTL.
      deadline: isoTime(),
      max_deadline: null,
      status: 'running',
      daily_cost: 10,
      // As Coder: zeros and null once the job is no longer pending.
      matched_provisioners: { count: 0, available: 0, most_recently_seen: null },
      template_version_preset_id: null,
      has_external_agent: false,
    });
    const got = (await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(member.token)).expect(200)).body;
    expect(got.latest_build).toEqual(done);
    const byName = (
      await t.http
        .get(`/api/v2/users/${member.username}/workspace/${name.toUpperCase()}`)
        .set(auth(owner.token))
        .expect(200)
    ).body;
    expect(byName.id).toBe(ws.id);
    const audit = await db.query('SELECT action, resource_type FROM audit_logs WHERE resource_id = $1', [ws.id]);
    expect(audit.rows).toEqual([{ action: 'create', resource_type: 'workspace' }]);
    const job = await db.query('SELECT type, provisioner, input, initiator_id FROM provisioner_jobs WHERE id = $1', [
      done.job.id,
    ]);
    expect(job.rows[0]).toEqual({
      type: 'workspace_build',
      provisioner: 'echo',
      input: { workspace_build_id: done.id, rich_parameter_values: [] },
      initiator_id: member.userId,
    });
  });

  it('creates for others only as owner or organization admin; a member may not (403), a non-member user is 404', async () => {
    const byOwner = (await post(owner, { template_id: template.id, name: unique('w') }, member.userId).expect(201))
      .body;
    expect(byOwner.owner_id).toBe(member.userId);
    expect(byOwner.latest_build.initiator_id).toBe(owner.userId);
    await post(orgAdmin, { template_id: template.id, name: unique('w') }, member.username).expect(201);
    expect(
      (await post(member, { template_id: template.id, name: unique('w') }, member2.userId).expect(403)).body,
    ).toEqual(FORBIDDEN);
    expect(
      (await post(templateAdmin, { template_id: template.id, name: unique('w') }, member2.userId).expect(403)).body,
    ).toEqual(FORBIDDEN);
    // The owner sees the outsider, who is not a member of this organization.
    expect(
      (await post(owner, { template_id: template.id, name: unique('w') }, outsider.userId).expect(404)).body,
    ).toEqual(NOT_FOUND);
    expect((await post(outsider, { template_id: template.id, name: unique('w') }).expect(404)).body).toEqual(NOT_FOUND);
    await post(member, { template_id: template.id, name: unique('w') }, 'nobody-here').expect(404);
  });

  it('creates from a template version id alone, and refuses both or neither', async () => {
    const ws = (
      await post(member, {
        template_id: '00000000-0000-0000-0000-000000000000',
        template_version_id: template.active_version_id,
        name: unique('w'),
      }).expect(201)
    ).body;
    expect(ws.template_id).toBe(template.id);
    expect(
      (
        await post(member, {
          template_id: template.id,
          template_version_id: template.active_version_id,
          name: 'x',
        }).expect(400)
      ).body.validations,
    ).toEqual([
      { field: 'template_id', detail: `Validation failed for tag "excluded_with" with value: "${template.id}"` },
      {
        field: 'template_version_id',
        detail: `Validation failed for tag "excluded_with" with value: "${template.active_version_id}"`,
      },
    ]);
    expect(
      (await post(member, { name: 'x' }).expect(400)).body.validations.map((v: { field: string }) => v.field),
    ).toEqual(['template_id', 'template_version_id']);
    const unknownVersion = randomUUID();
    expect((await post(member, { template_version_id: unknownVersion, name: 'x' }).expect(400)).body).toEqual({
      message: `Template version "${unknownVersion}" doesn't exist.`,
      validations: [{ field: 'template_version_id', detail: 'template not found' }],
    });
  });

  it('validates names, schedules and TTLs; duplicates are 409', async () => {
    expect((await post(member, { template_id: template.id, name: 'not valid' }).expect(400)).body.validations).toEqual([
      { field: 'name', detail: 'Validation failed for tag "workspace_name" with value: "not valid"' },
    ]);
    expect(
      (await post(member, { template_id: template.id, name: 'w1', autostart_schedule: '0 9 1 * *' }).expect(400)).body,
    ).toEqual({
      message: 'Invalid Autostart Schedule.',
      validations: [{ field: 'schedule', detail: 'validate weekly schedule: expected month and dom to be *' }],
    });
    expect((await post(member, { template_id: template.id, name: 'w1', ttl_ms: 1000 }).expect(400)).body).toEqual({
      message: 'Invalid Workspace Time to Shutdown.',
      validations: [{ field: 'ttl_ms', detail: 'time until shutdown must be at least one minute' }],
    });
    const name = unique('dup');
    const first = (
      await post(member, { template_id: template.id, name, autostart_schedule: null, ttl_ms: null }).expect(201)
    ).body;
    expect(first.autostart_schedule).toBeUndefined();
    expect(first.ttl_ms).toBeUndefined();
    expect((await post(member, { template_id: template.id, name: name.toUpperCase() }).expect(409)).body).toEqual({
      message: `Workspace "${name.toUpperCase()}" already exists.`,
      validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
    });
    // Another owner may use the same name.
    await post(member2, { template_id: template.id, name }).expect(201);
  });

  it("applies the template's TTL defaults and maximum", async () => {
    const capped = await echoTemplate(t, owner, owner.orgId, undefined, {
      default_ttl_ms: 3_600_000,
      max_ttl_ms: 7_200_000,
    });
    expect((await post(member, { template_id: capped.id, name: unique('w') }).expect(201)).body.ttl_ms).toBe(3_600_000);
    expect(
      (await post(member, { template_id: capped.id, name: unique('w'), ttl_ms: 10_800_000 }).expect(400)).body
        .validations,
    ).toEqual([
      {
        field: 'ttl_ms',
        detail: 'time until shutdown must be less than or equal to the template\'s maximum TTL "2h0m0s"',
      },
    ]);
  });

  it('needs use of the template: Everyone by default, not when disabled; deleted and foreign templates are refused', async () => {
    const closed = await echoTemplate(t, owner, owner.orgId, undefined, { disable_everyone_group_access: true });
    expect((await post(member, { template_id: closed.id, name: unique('w') }).expect(400)).body).toEqual({
      message: `Template "${closed.id}" doesn't exist.`,
      validations: [{ field: 'template_id', detail: 'template not found' }],
    });
    await post(templateAdmin, { template_id: closed.id, name: unique('w') }).expect(201);

    const gone = await echoTemplate(t, owner, owner.orgId);
    await t.http.delete(`/api/v2/templates/${gone.id}`).set(auth(owner.token)).expect(200);
    expect((await post(member, { template_id: gone.id, name: unique('w') }).expect(404)).body).toEqual({
      message: `Template "${gone.name}" has been deleted!`,
    });

    const foreign = await echoTemplate(t, owner, otherOrg);
    const orgName = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body
      .name;
    expect((await post(owner, { template_id: foreign.id, name: unique('w') }).expect(403)).body).toEqual({
      message: `Template is not in organization "${orgName}".`,
    });
  });

  it("creates through POST /users/{user}/workspaces (Coder's current route) in the template's organization", async () => {
    const postUser = (who: Session, body: Record<string, unknown>, user = 'me') =>
      t.http.post(`/api/v2/users/${user}/workspaces`).set(auth(who.token)).send(body);
    const mine = (await postUser(member, { template_id: template.id, name: unique('u') }).expect(201)).body;
    expect(mine).toMatchObject({ owner_id: member.userId, organization_id: owner.orgId, template_id: template.id });
    expect(mine.latest_build).toMatchObject({ transition: 'start', initiator_id: member.userId });
    const fromVersion = (
      await postUser(
        owner,
        { template_version_id: template.active_version_id, name: unique('u') },
        member.username,
      ).expect(201)
    ).body;
    expect(fromVersion).toMatchObject({ owner_id: member.userId, template_id: template.id });
    // Another organization's template: the workspace is created there, for its members only.
    const foreign = await echoTemplate(t, owner, otherOrg);
    const there = (await postUser(outsider, { template_id: foreign.id, name: unique('u') }).expect(201)).body;
    expect(there.organization_id).toBe(otherOrg);
    expect(
      (await postUser(owner, { template_id: foreign.id, name: unique('u') }, member.userId).expect(404)).body,
    ).toEqual(NOT_FOUND);
    // The same permission and template checks as the organization-member route.
    expect(
      (await postUser(member, { template_id: template.id, name: unique('u') }, member2.userId).expect(403)).body,
    ).toEqual(FORBIDDEN);
    const unknown = randomUUID();
    expect((await postUser(member, { template_id: unknown, name: 'x' }).expect(400)).body).toEqual({
      message: `Template "${unknown}" doesn't exist.`,
      validations: [{ field: 'template_id', detail: 'template not found' }],
    });
    expect((await postUser(member, { name: 'x' }).expect(400)).body.message).toBeDefined();
    await Promise.all(
      [mine, fromVersion, there].map((w) => waitForBuild(t, owner, (w.latest_build as JsonObject).id as string)),
    );
  });

  it('refuses templates whose version is still importing (406) or failed to import (400)', async () => {
    const failed = await importVersion(t, owner, owner.orgId, { fail: 'bad plan' });
    const broken = await createTemplate(t, owner, owner.orgId, failed.id);
    expect((await post(member, { template_id: broken.id, name: unique('w') }).expect(400)).body).toEqual({
      message: `The provided template version "${failed.name}" has failed to import: "bad plan". You cannot build workspaces with it!`,
    });
    const waiting = (
      await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
        tags: { zone: 'nowhere' },
      })
    ).id;
    const stuck = await createTemplate(t, owner, owner.orgId, waiting);
    expect((await post(member, { template_id: stuck.id, name: unique('w') }).expect(406)).body).toEqual({
      message: 'The provided template version is pending. Wait for it to complete importing!',
    });
  });

  it('answers 410 for a deleted workspace unless include_deleted is set', async () => {
    const ws = await createWorkspace(t, member, owner.orgId, template.id);
    await waitForBuild(t, member, ws.latest_build.id);
    const deletion = await build(t, member, ws.id, 'delete');
    const done = await waitForBuild(t, member, deletion.id);
    expect(done).toMatchObject({
      status: 'deleted',
      transition: 'delete',
      resources: [],
      daily_cost: 0,
      build_number: 2,
    });
    expect((await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(member.token)).expect(410)).body).toEqual({
      message: `Workspace "${ws.id}" was deleted, you can view this workspace by specifying '?include_deleted=true' and trying again.`,
    });
    expect(
      (await t.http.get(`/api/v2/workspaces/${ws.id}?include_deleted=true`).set(auth(member.token)).expect(200)).body
        .latest_build.status,
    ).toBe('deleted');
    expect(
      (await t.http.get(`/api/v2/workspaces/${ws.id}?include_deleted=maybe`).set(auth(member.token)).expect(400)).body,
    ).toEqual({
      message: 'Invalid boolean value "maybe" for "include_deleted" query param.',
      validations: [{ field: 'include_deleted', detail: 'Must be a valid boolean' }],
    });
    await t.http.get(`/api/v2/users/me/workspace/${ws.name}`).set(auth(member.token)).expect(404);
    expect(
      (
        await t.http
          .get(`/api/v2/users/me/workspace/${ws.name}?include_deleted=true`)
          .set(auth(member.token))
          .expect(200)
      ).body.id,
    ).toBe(ws.id);
    // The name is free again.
    await post(member, { template_id: template.id, name: ws.name }).expect(201);
  });

  it('shows a workspace to its owner, owners, organization admins and template admins only', async () => {
    const ws = await createWorkspace(t, member, owner.orgId, template.id);
    for (const who of [member, owner, orgAdmin, templateAdmin])
      await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(who.token)).expect(200);
    for (const who of [member2, outsider]) {
      expect((await t.http.get(`/api/v2/workspaces/${ws.id}`).set(auth(who.token)).expect(404)).body).toEqual(
        NOT_FOUND,
      );
      await t.http.get(`/api/v2/workspacebuilds/${ws.latest_build.id}`).set(auth(who.token)).expect(404);
    }
    await t.http.get(`/api/v2/users/${member.userId}/workspace/${ws.name}`).set(auth(member2.token)).expect(404);
    await t.http.get('/api/v2/workspaces/nope').set(auth(member.token)).expect(400);
    await t.http.get(`/api/v2/workspaces/${randomUUID()}`).set(auth(owner.token)).expect(404);
  });
});
