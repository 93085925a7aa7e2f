import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, isoTime } from '../helpers/expectations.js';
import {
  createTemplate,
  createTemplateVersion,
  DEFAULT_ECHO,
  uploadEchoTemplate,
  waitForVersion,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

describe('template versions', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let orgAdmin: Session;
  let otherAdmin: Session;

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
    const other = await createOrg(t, owner);
    otherAdmin = await createUser(t, owner, { orgId: other });
    await t.http
      .put(`/api/v2/organizations/${other}/members/${otherAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
  });
  afterAll(() => closeWorld(t, db));

  const post = (who: Session, body: Record<string, unknown>, org = owner.orgId) =>
    t.http.post(`/api/v2/organizations/${org}/templateversions`).set(auth(who.token)).send(body);

  it('imports an echo JSON template: 201 pending, then succeeded with its start and stop resources', async () => {
    const fileId = await uploadEchoTemplate(t, owner);
    const created = await createTemplateVersion(t, owner, owner.orgId, fileId, { message: 'first' });
    expect(created).toEqual({
      id: UUID,
      template_id: NIL,
      organization_id: owner.orgId,
      created_at: isoTime(),
      updated_at: isoTime(),
      name: expect.stringMatching(/^[a-z]+_[a-z]+\d$/),
      message: 'first',
      job: expect.objectContaining({
        id: UUID,
        created_at: isoTime(),
        file_id: fileId,
        tags: { scope: 'organization' },
      }),
      readme: '',
      created_by: { id: owner.userId, username: owner.username, name: '', avatar_url: '' },
      archived: false,
      has_external_agent: false,
      warnings: [],
      // As Coder: the daemons fitting the job, only while it is pending.
      ...(created.job.status === 'pending'
        ? { matched_provisioners: (created.job as Record<string, unknown>).matched_provisioners }
        : {}),
    });
    expect(['pending', 'running', 'succeeded']).toContain(created.job.status);
    const done = await waitForVersion(t, owner, created.id);
    expect(done.job).toMatchObject({
      status: 'succeeded',
      started_at: isoTime(),
      completed_at: isoTime(),
      worker_id: UUID,
      queue_position: 0,
    });
    expect(done.job.error).toBeUndefined();

    const resources = (
      await t.http.get(`/api/v2/templateversions/${created.id}/resources`).set(auth(owner.token)).expect(200)
    ).body;
    expect(resources.map((r: Record<string, unknown>) => [r.name, r.workspace_transition, r.daily_cost])).toEqual([
      ['dev', 'start', 7],
      ['home', 'start', 3],
      ['home', 'stop', 1],
    ]);
    expect(resources[0]).toEqual({
      id: UUID,
      created_at: isoTime(),
      job_id: created.job.id,
      workspace_transition: 'start',
      type: 'docker_container',
      name: 'dev',
      hide: false,
      icon: '',
      daily_cost: 7,
    });

    const logs = (await t.http.get(`/api/v2/templateversions/${created.id}/logs`).set(auth(owner.token)).expect(200))
      .body;
    expect(logs.map((l: { output: string }) => l.output)).toContain('hello from echo');
    expect(logs[0]).toEqual({
      id: expect.any(Number),
      created_at: isoTime(),
      log_source: 'provisioner',
      log_level: 'info',
      stage: expect.any(String),
      output: expect.any(String),
    });
    const after = (
      await t.http
        .get(`/api/v2/templateversions/${created.id}/logs?after=${logs[0].id}`)
        .set(auth(owner.token))
        .expect(200)
    ).body;
    expect(after).toEqual(logs.slice(1));
    const before = (
      await t.http
        .get(`/api/v2/templateversions/${created.id}/logs?before=${logs[1].id}`)
        .set(auth(owner.token))
        .expect(200)
    ).body;
    expect(before).toEqual([logs[0]]);
  });

  it('imports an echo template packed in a tar', async () => {
    const fileId = await uploadEchoTemplate(
      t,
      owner,
      { resources: [{ name: 'vm', type: 'aws_instance', daily_cost: 4 }] },
      'tar',
    );
    const version = await createTemplateVersion(t, owner, owner.orgId, fileId, { name: 'v1.0-tar_x' });
    expect(version.name).toBe('v1.0-tar_x');
    expect((await waitForVersion(t, owner, version.id)).job.status).toBe('succeeded');
    const resources = (
      await t.http.get(`/api/v2/templateversions/${version.id}/resources`).set(auth(owner.token)).expect(200)
    ).body;
    expect(resources.map((r: { name: string }) => r.name)).toEqual(['vm']);
  });

  it("fails the import with the template's `fail` text, or a clear error for a broken echo.json", async () => {
    const failing = await createTemplateVersion(
      t,
      owner,
      owner.orgId,
      await uploadEchoTemplate(t, owner, { fail: 'terraform init exploded' }),
    );
    const failed = await waitForVersion(t, owner, failing.id);
    expect(failed.job).toMatchObject({ status: 'failed', error: 'terraform init exploded' });
    expect(
      (await t.http.get(`/api/v2/templateversions/${failing.id}/resources`).set(auth(owner.token)).expect(200)).body,
    ).toEqual([]);

    const res = await t.http
      .post('/api/v2/files')
      .set(auth(owner.token))
      .set('Content-Type', 'application/json')
      .send('{"resources": "lots"}')
      .expect(201);
    const broken = await createTemplateVersion(t, owner, owner.orgId, res.body.hash);
    expect((await waitForVersion(t, owner, broken.id)).job).toMatchObject({
      status: 'failed',
      error: 'resources must be an array',
      error_code: 'INVALID_TEMPLATE',
    });
    const logs = (await t.http.get(`/api/v2/templateversions/${broken.id}/logs`).set(auth(owner.token)).expect(200))
      .body;
    expect(logs.map((l: { output: string }) => l.output)).toContain('resources must be an array');

    const tar = await t.http
      .post('/api/v2/files')
      .set(auth(owner.token))
      .set('Content-Type', 'application/x-tar')
      .send(Buffer.from('not a tar at all'.repeat(64)))
      .expect(201);
    const notTar = await createTemplateVersion(t, owner, owner.orgId, tar.body.hash);
    expect((await waitForVersion(t, owner, notTar.id)).job.error).toMatch(/not a valid tar archive|no echo.json/);
  });

  it('keeps a job nobody can run pending, says why, and refuses its resources until it completes; cancel completes it', async () => {
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      tags: { pool: 'gpu' },
    });
    await new Promise((r) => setTimeout(r, 300));
    const got = (await t.http.get(`/api/v2/templateversions/${version.id}`).set(auth(owner.token)).expect(200)).body;
    expect(got.job).toMatchObject({
      status: 'pending',
      tags: { pool: 'gpu', scope: 'organization' },
      matched_provisioners: { count: 0, available: 0 },
      queue_position: expect.any(Number),
      queue_size: expect.any(Number),
    });
    expect(got.job.queue_position).toBeGreaterThan(0);
    expect(got.job.pending_reason).toMatchObject({ code: 'no_daemon_with_tags', tags: { pool: 'gpu' } });
    expect(got.job.pending_reason.message).toContain('"pool":"gpu"');
    expect(got.matched_provisioners).toEqual(got.job.matched_provisioners);
    expect(
      (await t.http.get(`/api/v2/templateversions/${version.id}/resources`).set(auth(owner.token)).expect(400)).body,
    ).toEqual({ message: "Job hasn't completed!" });

    expect(
      (await t.http.patch(`/api/v2/templateversions/${version.id}/cancel`).set(auth(member.token)).expect(404)).body,
    ).toEqual(NOT_FOUND);
    expect(
      (await t.http.patch(`/api/v2/templateversions/${version.id}/cancel`).set(auth(owner.token)).expect(200)).body,
    ).toEqual({ message: 'Job has been marked as canceled...' });
    const canceled = (await t.http.get(`/api/v2/templateversions/${version.id}`).set(auth(owner.token)).expect(200))
      .body;
    expect(canceled.job).toMatchObject({ status: 'canceled', canceled_at: isoTime(), completed_at: isoTime() });
    expect(
      (await t.http.patch(`/api/v2/templateversions/${version.id}/cancel`).set(auth(owner.token)).expect(400)).body,
    ).toEqual({ message: 'Job has already completed!' });
  });

  it('refuses to cancel a completed import', async () => {
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner));
    await waitForVersion(t, owner, version.id);
    expect(
      (await t.http.patch(`/api/v2/templateversions/${version.id}/cancel`).set(auth(owner.token)).expect(400)).body,
    ).toEqual({ message: 'Job has already completed!' });
  });

  it('validates the logs query', async () => {
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner));
    const url = `/api/v2/templateversions/${version.id}/logs`;
    expect((await t.http.get(`${url}?after=abc`).set(auth(owner.token)).expect(400)).body).toEqual({
      message: 'Query param "after" must be an integer.',
      validations: [{ field: 'after', detail: 'Must be an integer' }],
    });
    expect((await t.http.get(`${url}?before=1&follow`).set(auth(owner.token)).expect(400)).body).toEqual({
      message: 'Query param "before" cannot be used with "follow".',
    });
    expect((await t.http.get(`${url}?follow=true`).set(auth(owner.token)).expect(400)).body.message).toBe(
      'Failed to accept websocket.',
    );
  });

  it('validates the request as Coder does', async () => {
    const fileId = await uploadEchoTemplate(t, owner);
    const fails = async (body: Record<string, unknown>) => (await post(owner, body).expect(400)).body;
    expect(await fails({ storage_method: 'file', file_id: fileId })).toEqual({
      message: 'Validation failed.',
      validations: [{ field: 'provisioner', detail: 'Validation failed for tag "oneof" with value: ""' }],
    });
    expect((await fails({ provisioner: 'echo', file_id: fileId })).validations).toEqual([
      { field: 'storage_method', detail: 'Validation failed for tag "oneof" with value: ""' },
    ]);
    expect((await fails({ provisioner: 'echo', storage_method: 'file', file_id: NIL })).validations).toEqual([
      { field: 'file_id', detail: 'Validation failed for tag "required_without" with value: ""' },
      { field: 'example_id', detail: 'Validation failed for tag "required_without" with value: ""' },
    ]);
    expect(
      (await fails({ provisioner: 'echo', storage_method: 'file', file_id: fileId, name: 'bad name!' })).validations,
    ).toEqual([{ field: 'name', detail: 'Validation failed for tag "template_version_name" with value: "bad name!"' }]);
    expect(
      (await fails({ provisioner: 'echo', storage_method: 'file', file_id: fileId, tags: { 'bad key': 'x' } }))
        .validations[0].field,
    ).toBe('tags');
    expect(await fails({ provisioner: 'echo', storage_method: 'file', file_id: fileId, example_id: 'docker' })).toEqual(
      {
        message: 'You cannot specify both an example_id and a file_id.',
      },
    );
    expect((await fails({ provisioner: 'echo', storage_method: 'file', example_id: 'docker' })).message).toBe(
      'Example not found.',
    );
    expect(
      (await post(owner, { provisioner: 'echo', storage_method: 'file', file_id: randomUUID() }).expect(404)).body,
    ).toEqual({ message: 'File not found.' });
    // Unknown fields are ignored, as Coder's httpapi.Read does.
    expect(
      (await post(owner, { provisioner: 'echo', storage_method: 'file', file_id: fileId, extra: 1 }).expect(201)).body,
    ).not.toHaveProperty('extra');
  });

  it("accepts Coder's SDK shape (nil template_id, null tags) and keeps variables in the job input; user scope pins the owner", async () => {
    const fileId = await uploadEchoTemplate(t, templateAdmin);
    const version = (
      await post(templateAdmin, {
        template_id: NIL,
        storage_method: 'file',
        file_id: fileId,
        provisioner: 'echo',
        tags: null,
        user_variable_values: [{ name: 'region', value: 'eu' }],
      }).expect(201)
    ).body;
    const row = await db.query('SELECT input FROM provisioner_jobs WHERE id = $1', [version.job.id]);
    expect(row.rows[0].input).toEqual({
      template_version_id: version.id,
      user_variable_values: [{ name: 'region', value: 'eu' }],
    });
    const scoped = (
      await post(templateAdmin, {
        storage_method: 'file',
        file_id: fileId,
        provisioner: 'echo',
        tags: { scope: 'user', owner: 'someone' },
      }).expect(201)
    ).body;
    expect(scoped.job.tags).toEqual({ scope: 'user', owner: templateAdmin.userId });
  });

  it('lets owners, template admins and organization admins create; members 403, other organizations 404', async () => {
    for (const who of [owner, templateAdmin, orgAdmin]) {
      await post(who, {
        storage_method: 'file',
        provisioner: 'echo',
        file_id: await uploadEchoTemplate(t, who),
      }).expect(201);
    }
    const memberFile = await uploadEchoTemplate(t, member);
    expect(
      (await post(member, { storage_method: 'file', provisioner: 'echo', file_id: memberFile }).expect(403)).body,
    ).toEqual(FORBIDDEN);
    const theirs = await uploadEchoTemplate(t, otherAdmin);
    expect(
      (await post(otherAdmin, { storage_method: 'file', provisioner: 'echo', file_id: theirs }).expect(404)).body,
    ).toEqual(NOT_FOUND);
    await t.http.post(`/api/v2/organizations/${owner.orgId}/templateversions`).send({}).expect(401);
    await t.http.post('/api/v2/organizations/nope/templateversions').set(auth(owner.token)).send({}).expect(404);
    // An organization admin may not import another user's file (Coder: only template admins and owners read every file).
    expect(
      (await post(orgAdmin, { storage_method: 'file', provisioner: 'echo', file_id: memberFile }).expect(404)).body,
    ).toEqual({ message: 'File not found.' });
    await post(templateAdmin, { storage_method: 'file', provisioner: 'echo', file_id: memberFile }).expect(201);
  });

  it('shows an unattached version to template managers of the organization and its creator only', async () => {
    const version = await createTemplateVersion(t, orgAdmin, owner.orgId, await uploadEchoTemplate(t, orgAdmin));
    for (const who of [orgAdmin, owner, templateAdmin])
      await t.http.get(`/api/v2/templateversions/${version.id}`).set(auth(who.token)).expect(200);
    for (const who of [member, otherAdmin]) {
      expect(
        (await t.http.get(`/api/v2/templateversions/${version.id}`).set(auth(who.token)).expect(404)).body,
      ).toEqual(NOT_FOUND);
      await t.http.get(`/api/v2/templateversions/${version.id}/logs`).set(auth(who.token)).expect(404);
      await t.http.get(`/api/v2/templateversions/${version.id}/resources`).set(auth(who.token)).expect(404);
    }
    await t.http.get(`/api/v2/templateversions/${randomUUID()}`).set(auth(owner.token)).expect(404);
    expect((await t.http.get('/api/v2/templateversions/xyz').set(auth(owner.token)).expect(400)).body.message).toBe(
      'Invalid UUID "templateversion".',
    );
  });

  it('attaches new versions to a template: members of the organization see them, names are unique per template', async () => {
    const first = await waitForVersion(
      t,
      owner,
      (await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner))).id,
    );
    const template = await createTemplate(t, owner, owner.orgId, first.id);
    const fileId = await uploadEchoTemplate(t, owner, DEFAULT_ECHO);
    const second = (
      await post(owner, {
        storage_method: 'file',
        provisioner: 'echo',
        file_id: fileId,
        template_id: template.id,
        name: 'second',
      }).expect(201)
    ).body;
    expect(second.template_id).toBe(template.id);
    expect(
      (await t.http.get(`/api/v2/templateversions/${second.id}`).set(auth(member.token)).expect(200)).body.id,
    ).toBe(second.id);
    expect(
      (
        await post(owner, {
          storage_method: 'file',
          provisioner: 'echo',
          file_id: fileId,
          template_id: template.id,
          name: 'second',
        }).expect(409)
      ).body,
    ).toEqual({
      message: 'A template version named "second" already exists for this template.',
      validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
    });
    // The same name is fine for an unattached version or another template.
    await post(owner, { storage_method: 'file', provisioner: 'echo', file_id: fileId, name: 'second' }).expect(201);
    const versions = (await t.http.get(`/api/v2/templates/${template.id}/versions`).set(auth(member.token)).expect(200))
      .body;
    expect(versions.map((v: { id: string }) => v.id)).toEqual([first.id, second.id]);

    const elsewhere = await createOrg(t, owner);
    expect(
      (
        await post(
          owner,
          { storage_method: 'file', provisioner: 'echo', file_id: fileId, template_id: template.id },
          elsewhere,
        ).expect(404)
      ).body,
    ).toEqual({
      message: 'Template does not exist.',
    });
    expect(
      (
        await post(owner, {
          storage_method: 'file',
          provisioner: 'echo',
          file_id: fileId,
          template_id: randomUUID(),
        }).expect(404)
      ).body,
    ).toEqual({
      message: 'Template does not exist.',
    });
  });
});
