import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, isoTime } from '../helpers/expectations.js';
import {
  build,
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  importVersion,
  uploadEchoTemplate,
  waitForBuild,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const UUID = expect.stringMatching(/^[0-9a-f-]{36}$/);
const NO_STATS = { P50: null, P95: null };

describe('templates', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let orgAdmin: Session;
  let outsider: Session;
  let otherOrg: string;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    orgAdmin = await createUser(t, owner);
    await t.http
      .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    otherOrg = await createOrg(t, owner);
    outsider = await createUser(t, owner, { orgId: otherOrg });
    await t.http
      .put(`/api/v2/organizations/${otherOrg}/members/${outsider.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
  });
  afterAll(() => closeWorld(t, db));

  const post = (who: Session, body: Record<string, unknown>, org = owner.orgId) =>
    t.http.post(`/api/v2/organizations/${org}/templates`).set(auth(who.token)).send(body);
  const freshVersion = async (who: Session = owner, org = owner.orgId) =>
    (await importVersion(t, who, org)).id as string;

  it("creates a template (201, Coder's Template JSON), attaches the version, grants Everyone use, and audits", async () => {
    const versionId = await freshVersion();
    const name = unique('docker');
    const res = await post(owner, {
      name,
      display_name: 'Docker',
      description: 'containers',
      icon: '/icon/docker.png',
      template_version_id: versionId,
      default_ttl_ms: 3_600_000,
    }).expect(201);
    const org = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body;
    expect(res.body).toEqual({
      id: UUID,
      created_at: isoTime(),
      updated_at: isoTime(),
      organization_id: owner.orgId,
      organization_name: org.name,
      organization_display_name: org.display_name,
      organization_icon: org.icon,
      name,
      display_name: 'Docker',
      provisioner: 'echo',
      active_version_id: versionId,
      active_user_count: 0,
      build_time_stats: { start: NO_STATS, stop: NO_STATS, delete: NO_STATS },
      description: 'containers',
      icon: '/icon/docker.png',
      default_ttl_ms: 3_600_000,
      max_ttl_ms: 0,
      created_by_id: owner.userId,
      created_by_name: owner.username,
      allow_user_autostart: true,
      allow_user_autostop: true,
      allow_user_cancel_workspace_jobs: false,
      failure_ttl_ms: 0,
      inactivity_ttl_ms: 0,
      locked_ttl_ms: 0,
      time_til_dormant_ms: 0,
      time_til_dormant_autodelete_ms: 0,
      restart_requirement: { days_of_week: [], weeks: 1 },
      autostop_requirement: { days_of_week: [], weeks: 1 },
      // Coder's defaults for the settings added after mid-2023.
      autostart_requirement: {
        days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
      },
      activity_bump_ms: 3_600_000,
      time_til_autostop_notify_ms: 0,
      require_active_version: false,
      deprecated: false,
      deprecation_message: '',
      max_port_share_level: 'owner',
      cors_behavior: 'simple',
      use_classic_parameter_flow: true,
      agents_allowed: true,
      disable_module_cache: false,
      deleted: false,
    });
    const version = (await t.http.get(`/api/v2/templateversions/${versionId}`).set(auth(owner.token)).expect(200)).body;
    expect(version.template_id).toBe(res.body.id);
    const row = await db.query('SELECT group_acl, user_acl FROM templates WHERE id = $1', [res.body.id]);
    expect(row.rows[0]).toEqual({ group_acl: { [owner.orgId]: ['read'] }, user_acl: {} });
    const audit = await db.query(`SELECT action, resource_target, status_code FROM audit_logs WHERE resource_id = $1`, [
      res.body.id,
    ]);
    expect(audit.rows).toEqual([{ action: 'create', resource_target: name, status_code: 201 }]);
    // Members use it through the Everyone group.
    expect((await t.http.get(`/api/v2/templates/${res.body.id}`).set(auth(member.token)).expect(200)).body.id).toBe(
      res.body.id,
    );
  });

  it('answers 409 for a taken name (case-insensitive), 404 for an unknown version, 400 for a version already in a template', async () => {
    const first = await createTemplate(t, owner, owner.orgId, await freshVersion());
    const taken = await post(owner, {
      name: first.name.toUpperCase(),
      template_version_id: await freshVersion(),
    }).expect(409);
    expect(taken.body).toEqual({
      message: `Template with name "${first.name.toUpperCase()}" already exists.`,
      validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
    });
    const unknown = randomUUID();
    expect((await post(owner, { name: unique('x'), template_version_id: unknown }).expect(404)).body).toEqual({
      message: `Template version "${unknown}" does not exist.`,
      validations: [{ field: 'template_version_id', detail: 'Template version does not exist' }],
    });
    const foreign = await freshVersion(owner, otherOrg);
    expect((await post(owner, { name: unique('x'), template_version_id: foreign }).expect(404)).body.message).toBe(
      `Template version "${foreign}" does not exist.`,
    );
    expect(
      (await post(owner, { name: unique('x'), template_version_id: first.active_version_id }).expect(400)).body,
    ).toEqual({
      message: `Template version ${first.active_version_id} is already part of a template`,
      validations: [{ field: 'template_version_id', detail: 'Template version is already part of a template' }],
    });
  });

  it('validates the body and the schedule fields', async () => {
    const versionId = await freshVersion();
    expect((await post(owner, { name: 'has space', template_version_id: versionId }).expect(400)).body).toEqual({
      message: 'Validation failed.',
      validations: [{ field: 'name', detail: 'Validation failed for tag "template_name" with value: "has space"' }],
    });
    expect(
      (await post(owner, { name: 'ok', display_name: ' padded', template_version_id: versionId }).expect(400)).body
        .validations,
    ).toEqual([
      { field: 'display_name', detail: 'Validation failed for tag "template_display_name" with value: " padded"' },
    ]);
    expect((await post(owner, { name: 'ok' }).expect(400)).body.validations[0].field).toBe('template_version_id');
    const bad = await post(owner, {
      name: unique('ttl'),
      template_version_id: versionId,
      default_ttl_ms: -1,
      failure_ttl_ms: -5,
      restart_requirement: { days_of_week: ['funday'], weeks: 17 },
    }).expect(400);
    expect(bad.body).toEqual({
      message: 'Invalid create template request.',
      validations: [
        { field: 'default_ttl_ms', detail: 'Must be a positive integer.' },
        { field: 'restart_requirement.days_of_week', detail: 'invalid weekday "funday"' },
        { field: 'restart_requirement.weeks', detail: 'Must be less than 16.' },
        { field: 'failure_ttl_ms', detail: 'Must be a positive integer.' },
      ],
    });
    expect(
      (
        await post(owner, {
          name: unique('ttl'),
          template_version_id: versionId,
          default_ttl_ms: 7_200_000,
          max_ttl_ms: 3_600_000,
        }).expect(400)
      ).body.validations,
    ).toEqual([{ field: 'default_ttl_ms', detail: 'Must be less than or equal to max_ttl_ms if max_ttl_ms is set.' }]);
    const ok = await post(owner, {
      name: unique('sched'),
      template_version_id: versionId,
      max_ttl_ms: 7_200_000,
      allow_user_cancel_workspace_jobs: true,
      autostop_requirement: { days_of_week: ['sunday', 'saturday'], weeks: 2 },
      time_til_dormant_ms: 60_000,
    }).expect(201);
    expect(ok.body).toMatchObject({
      max_ttl_ms: 7_200_000,
      allow_user_cancel_workspace_jobs: true,
      restart_requirement: { days_of_week: ['saturday', 'sunday'], weeks: 2 },
      inactivity_ttl_ms: 60_000,
      time_til_dormant_ms: 60_000,
    });
  });

  it('lets owners, template admins and organization admins create; members 403; other organizations 404', async () => {
    for (const who of [templateAdmin, orgAdmin]) await createTemplate(t, who, owner.orgId, await freshVersion(who));
    expect(
      (await post(member, { name: unique('m'), template_version_id: await freshVersion() }).expect(403)).body,
    ).toEqual(FORBIDDEN);
    expect(
      (await post(outsider, { name: unique('m'), template_version_id: await freshVersion() }).expect(404)).body,
    ).toEqual(NOT_FOUND);
    await t.http.post(`/api/v2/organizations/${owner.orgId}/templates`).send({}).expect(401);
  });

  it("copies the provisioner from the version's job and allows versions that failed to import (as Coder)", async () => {
    const failed = await importVersion(t, owner, owner.orgId, { fail: 'nope' });
    expect(failed.job.status).toBe('failed');
    const template = await createTemplate(t, owner, owner.orgId, failed.id);
    expect(template.provisioner).toBe('echo');
    const terraform = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      provisioner: 'terraform',
    });
    expect((await createTemplate(t, owner, owner.orgId, terraform.id)).provisioner).toBe('terraform');
  });

  it('hides templates created with disable_everyone_group_access from members; reads, list and by-name follow the same rule', async () => {
    const open = await createTemplate(t, owner, owner.orgId, await freshVersion());
    const hidden = await createTemplate(t, owner, owner.orgId, await freshVersion(), {
      disable_everyone_group_access: true,
    });
    expect((await db.query('SELECT group_acl FROM templates WHERE id = $1', [hidden.id])).rows[0].group_acl).toEqual(
      {},
    );

    const asMember = (
      await t.http.get(`/api/v2/organizations/${owner.orgId}/templates`).set(auth(member.token)).expect(200)
    ).body.map((x: { id: string }) => x.id);
    expect(asMember).toContain(open.id);
    expect(asMember).not.toContain(hidden.id);
    const asAdmin = (
      await t.http.get(`/api/v2/organizations/${owner.orgId}/templates`).set(auth(templateAdmin.token)).expect(200)
    ).body.map((x: { id: string }) => x.id);
    expect(asAdmin).toEqual(expect.arrayContaining([open.id, hidden.id]));

    expect((await t.http.get(`/api/v2/templates/${hidden.id}`).set(auth(member.token)).expect(404)).body).toEqual(
      NOT_FOUND,
    );
    await t.http
      .get(`/api/v2/organizations/${owner.orgId}/templates/${hidden.name}`)
      .set(auth(member.token))
      .expect(404);
    expect(
      (
        await t.http
          .get(`/api/v2/organizations/${owner.orgId}/templates/${open.name.toUpperCase()}`)
          .set(auth(member.token))
          .expect(200)
      ).body.id,
    ).toBe(open.id);
    await t.http.get(`/api/v2/templates/${hidden.id}/versions`).set(auth(member.token)).expect(404);

    // Another organization's admin sees nothing here, not even the organization.
    expect(
      (await t.http.get(`/api/v2/organizations/${owner.orgId}/templates`).set(auth(outsider.token)).expect(404)).body,
    ).toEqual(NOT_FOUND);
    await t.http.get(`/api/v2/templates/${open.id}`).set(auth(outsider.token)).expect(404);
    await t.http.get('/api/v2/templates/not-a-uuid').set(auth(owner.token)).expect(400);
    await t.http.get(`/api/v2/templates/${randomUUID()}`).set(auth(owner.token)).expect(404);
  });

  it('lists the most used templates first and counts distinct workspace owners', async () => {
    const org = await createOrg(t, owner);
    const quiet = await createTemplate(t, owner, org, (await importVersion(t, owner, org)).id);
    const busy = await createTemplate(t, owner, org, (await importVersion(t, owner, org)).id);
    await createWorkspace(t, owner, org, busy.id);
    await createWorkspace(t, owner, org, busy.id);
    const list = (await t.http.get(`/api/v2/organizations/${org}/templates`).set(auth(owner.token)).expect(200)).body;
    expect(list.map((x: { id: string; active_user_count: number }) => [x.id, x.active_user_count])).toEqual([
      [busy.id, 1],
      [quiet.id, 0],
    ]);
  });

  it('deletes a template only without live workspaces (soft delete; the name is free again)', async () => {
    const template = await createTemplate(t, owner, owner.orgId, await freshVersion());
    expect((await t.http.delete(`/api/v2/templates/${template.id}`).set(auth(member.token)).expect(403)).body).toEqual(
      FORBIDDEN,
    );
    expect(
      (await t.http.delete(`/api/v2/templates/${template.id}`).set(auth(outsider.token)).expect(404)).body,
    ).toEqual(NOT_FOUND);
    const ws = await createWorkspace(t, owner, owner.orgId, template.id);
    await waitForBuild(t, owner, ws.latest_build.id);
    expect((await t.http.delete(`/api/v2/templates/${template.id}`).set(auth(owner.token)).expect(400)).body).toEqual({
      message: 'All workspaces must be deleted before a template can be removed.',
    });
    const deletion = await build(t, owner, ws.id, 'delete');
    expect((await waitForBuild(t, owner, deletion.id)).status).toBe('deleted');

    expect(
      (await t.http.delete(`/api/v2/templates/${template.id}`).set(auth(templateAdmin.token)).expect(200)).body,
    ).toEqual({ message: 'Template has been deleted!' });
    expect((await db.query('SELECT deleted FROM templates WHERE id = $1', [template.id])).rows[0].deleted).toBe(true);
    await t.http.get(`/api/v2/templates/${template.id}`).set(auth(owner.token)).expect(404);
    await t.http.delete(`/api/v2/templates/${template.id}`).set(auth(owner.token)).expect(404);
    const audit = await db.query(`SELECT action FROM audit_logs WHERE resource_id = $1 ORDER BY time`, [template.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'delete']);
    await post(owner, { name: template.name, template_version_id: await freshVersion() }).expect(201);
  });

  it('pages the versions list', async () => {
    const first = await freshVersion();
    const template = await createTemplate(t, owner, owner.orgId, first);
    const second = await importVersion(t, owner, owner.orgId, undefined, { template_id: template.id });
    const url = `/api/v2/templates/${template.id}/versions`;
    expect(
      (await t.http.get(`${url}?limit=1`).set(auth(owner.token)).expect(200)).body.map((v: { id: string }) => v.id),
    ).toEqual([first]);
    expect(
      (await t.http.get(`${url}?offset=1`).set(auth(owner.token)).expect(200)).body.map((v: { id: string }) => v.id),
    ).toEqual([second.id]);
    expect(
      (await t.http.get(`${url}?after_id=${first}`).set(auth(owner.token)).expect(200)).body.map(
        (v: { id: string }) => v.id,
      ),
    ).toEqual([second.id]);
    const missing = randomUUID();
    expect((await t.http.get(`${url}?after_id=${missing}`).set(auth(owner.token)).expect(400)).body.message).toBe(
      `Record at "after_id" ("${missing}") does not exist.`,
    );
    expect((await t.http.get(`${url}?limit=x`).set(auth(owner.token)).expect(400)).body.message).toBe(
      'Query parameters have invalid values.',
    );
  });
});
