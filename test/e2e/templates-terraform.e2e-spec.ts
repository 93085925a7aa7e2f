import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { uploadEchoTemplate, waitForVersion } from '../helpers/templates.js';
import { auth, createUser, type Owner, type Session } from '../helpers/world.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const ALL_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * The requests the Terraform provider (`coderd_template`, coder-clients.md §11.4) makes for a
 * template with an ACL and two versions, with its bodies as codersdk marshals them: every key the
 * struct has without `omitempty` (null when unset), the nil UUID for "no template", and a field
 * this server does not know. The provider uses the Terraform provisioner; these versions use echo
 * so that the built-in daemons import them.
 */
describe("the Terraform provider's coderd_template flow", () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let dev: Session;
  let groupId: string;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    await addLicense(t, owner, ['template_rbac']);
    dev = await createUser(t, owner);
    groupId = (
      await t.http
        .post(`/api/v2/organizations/${owner.orgId}/groups`)
        .set(auth(owner.token))
        .send({ name: 'devs' })
        .expect(201)
    ).body.id;
  });
  afterAll(() => closeWorld(t, db));

  /** The provider authenticates with the Coder-Session-Token header. */
  const as = () => auth(owner.token);

  /** codersdk.CreateTemplateVersionRequest (omitempty: name, message, template_id is a uuid.UUID so it is always sent). */
  const versionBody = (fileId: string, templateId: string, name?: string) => ({
    ...(name ? { name } : {}),
    template_id: templateId,
    storage_method: 'file',
    file_id: fileId,
    provisioner: 'echo',
    tags: {},
  });

  /** The provider's toUpdateRequest for the planned state. */
  const updateBody = (plan: { max_port_share_level: string; description: string }) => ({
    name: 'tf-docker',
    display_name: 'Docker (Terraform)',
    description: plan.description,
    icon: '/icon/docker.svg',
    default_ttl_ms: 0,
    activity_bump_ms: 3_600_000,
    autostop_requirement: { days_of_week: [], weeks: 1 },
    autostart_requirement: { days_of_week: ALL_DAYS },
    allow_user_cancel_workspace_jobs: true,
    allow_user_autostart: true,
    allow_user_autostop: true,
    failure_ttl_ms: 0,
    time_til_dormant_ms: 0,
    time_til_dormant_autodelete_ms: 0,
    require_active_version: false,
    deprecation_message: '',
    max_port_share_level: plan.max_port_share_level,
    cors_behavior: null,
    use_classic_parameter_flow: null,
    agents_allowed: null,
    disable_everyone_group_access: true,
    time_til_autostop_notify_ms: 0,
  });

  it('creates, configures, versions, renames, re-permissions and deletes a template', async () => {
    // Upload (a tar) and the first version, for no template yet.
    const firstFile = await uploadEchoTemplate(t, owner, undefined, 'tar');
    const v1 = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
      .set(as())
      .send(versionBody(firstFile, NIL))
      .expect(201);
    expect(v1.body.template_id).toBe(NIL);
    expect((await waitForVersion(t, owner, v1.body.id)).job.status).toBe('succeeded');

    // Create, with every key codersdk always sends (nulls included) and one this server does not know.
    const created = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/templates`)
      .set(as())
      .send({
        name: 'tf-docker',
        display_name: 'Docker (Terraform)',
        description: 'managed by terraform',
        icon: '/icon/docker.svg',
        template_version_id: v1.body.id,
        default_ttl_ms: 0,
        activity_bump_ms: 3_600_000,
        autostop_requirement: { days_of_week: [], weeks: 1 },
        autostart_requirement: { days_of_week: ALL_DAYS },
        allow_user_cancel_workspace_jobs: true,
        allow_user_autostart: true,
        allow_user_autostop: true,
        failure_ttl_ms: 0,
        dormant_ttl_ms: 0,
        delete_ttl_ms: 0,
        disable_everyone_group_access: true,
        require_active_version: false,
        max_port_share_level: null,
        template_use_classic_parameter_flow: null,
        cors_behavior: null,
        agents_allowed: null,
        time_til_autostop_notify_ms: 0,
      })
      .expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      name: 'tf-docker',
      active_version_id: v1.body.id,
      max_port_share_level: 'owner',
      cors_behavior: 'simple',
      use_classic_parameter_flow: true,
      agents_allowed: true,
      require_active_version: false,
      deprecation_message: '',
    });
    expect((await db.query('SELECT group_acl FROM templates WHERE id = $1', [id])).rows[0].group_acl).toEqual({});

    // The ACL it manages.
    await t.http
      .patch(`/api/v2/templates/${id}/acl`)
      .set(as())
      .send({ user_perms: { [dev.userId]: 'admin' }, group_perms: { [groupId]: 'use' } })
      .expect(200);

    // Right after create: max_port_share_level differs from the response, so it patches.
    const patched = await t.http
      .patch(`/api/v2/templates/${id}`)
      .set(as())
      .send(updateBody({ max_port_share_level: 'public', description: 'managed by terraform' }))
      .expect(200);
    expect(patched.body).toMatchObject({
      id,
      max_port_share_level: 'public',
      cors_behavior: 'simple',
      use_classic_parameter_flow: true,
    });
    const authoritative = (await t.http.get(`/api/v2/templates/${id}`).set(as()).expect(200)).body;
    expect(authoritative).toEqual(patched.body);

    // A second version, for the template, made active.
    const secondFile = await uploadEchoTemplate(t, owner, undefined, 'tar');
    const v2 = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/templateversions`)
      .set(as())
      .send(versionBody(secondFile, id, 'v2'))
      .expect(201);
    expect(v2.body).toMatchObject({ template_id: id, name: 'v2' });
    await waitForVersion(t, owner, v2.body.id);
    expect(
      (await t.http.patch(`/api/v2/templates/${id}/versions`).set(as()).send({ id: v2.body.id }).expect(200)).body,
    ).toEqual({
      message: 'Updated the active template version!',
    });

    // The same plan again: nothing changes, still 200 with the template.
    const again = await t.http
      .patch(`/api/v2/templates/${id}`)
      .set(as())
      .send(updateBody({ max_port_share_level: 'public', description: 'managed by terraform' }))
      .expect(200);
    expect(again.body).toMatchObject({ id, active_version_id: v2.body.id, max_port_share_level: 'public' });
    expect(again.body.updated_at).toBe(
      (await t.http.get(`/api/v2/templates/${id}`).set(as()).expect(200)).body.updated_at,
    );

    // A changed plan.
    const changed = await t.http
      .patch(`/api/v2/templates/${id}`)
      .set(as())
      .send(updateBody({ max_port_share_level: 'authenticated', description: 'v2' }))
      .expect(200);
    expect(changed.body).toMatchObject({ description: 'v2', max_port_share_level: 'authenticated' });

    // Renaming the first version (message pointer set).
    const renamed = await t.http
      .patch(`/api/v2/templateversions/${v1.body.id}`)
      .set(as())
      .send({ name: 'v1', message: 'first' })
      .expect(200);
    expect(renamed.body).toMatchObject({ id: v1.body.id, name: 'v1', message: 'first' });

    // The ACL shrinks: entries to drop are sent with role "".
    const acl = (await t.http.get(`/api/v2/templates/${id}/acl`).set(as()).expect(200)).body;
    expect(acl.users.map((u: { id: string; role: string }) => [u.id, u.role])).toEqual([[dev.userId, 'admin']]);
    expect(acl.group.map((g: { id: string; role: string }) => [g.id, g.role])).toEqual([[groupId, 'use']]);
    await t.http
      .patch(`/api/v2/templates/${id}/acl`)
      .set(as())
      .send({ user_perms: { [dev.userId]: '' }, group_perms: { [groupId]: 'admin' } })
      .expect(200);
    const shrunk = (await t.http.get(`/api/v2/templates/${id}/acl`).set(as()).expect(200)).body;
    expect(shrunk.users).toEqual([]);
    expect(shrunk.group.map((g: { id: string; role: string }) => [g.id, g.role])).toEqual([[groupId, 'admin']]);

    // Import reads it by organization and name.
    expect(
      (await t.http.get(`/api/v2/organizations/${owner.orgId}/templates/tf-docker`).set(as()).expect(200)).body.id,
    ).toBe(id);

    expect((await t.http.delete(`/api/v2/templates/${id}`).set(as()).expect(200)).body).toEqual({
      message: 'Template has been deleted!',
    });
    await t.http.get(`/api/v2/templates/${id}`).set(as()).expect(404);
  });
});
