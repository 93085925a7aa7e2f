import WebSocket from 'ws';
import { writeTar } from '../../src/core/provisioning/echo/tar.js';
import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { issueLicense } from '../helpers/licenses.js';
import { waitForBuild, waitForVersion } from '../helpers/templates.js';
import { auth, createUser, PASSWORD, unique, type Session } from '../helpers/world.js';
import { frameText } from '../helpers/ws-text.js';
import { expectShape } from './contract.js';
import { TERRAFORM_FEATURE_NAMES } from './schemas.js';

/**
 * The writes of the Terraform provider (coder/terraform-provider-coderd @ dd90bb69, on codersdk of
 * Aug 2026) and of codersdk itself, with the exact bodies they send: fields this server may not
 * know, `null` for unset pointers, the nil UUID for unset ids (../shared/spec/coder-clients.md §1.4,
 * §11). Each must succeed with the status codersdk requires and an answer it can decode.
 */

const NIL = '00000000-0000-0000-0000-000000000000';

/**
 * What the provider does after creating a version: follow its logs over a WebSocket (header
 * token, one JSON log per text message) until the server closes the stream, then read the job.
 */
async function followLogs(
  baseUrl: string,
  path: string,
  token: string,
): Promise<{ code: number; logs: { output: string }[] }> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, { headers: { 'Coder-Session-Token': token } });
  const logs: { output: string }[] = [];
  ws.on('message', (data) => logs.push(JSON.parse(frameText(data))));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`log stream refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('close', (code) => resolve({ code, logs }));
  });
}

describe('contract: Terraform provider and codersdk writes', () => {
  let w: World;
  let h: (s?: Session) => Record<string, string>;
  let orgId: string;

  beforeAll(async () => {
    w = await openWorld();
    h = (s = w.owner) => auth(s.token);
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  it('provider start-up and coderd_license: 201 with an integer license_expires, then entitlements', async () => {
    const me = await w.t.http.get('/api/v2/users/me').set(h()).expect(200);
    orgId = me.body.organization_ids[0];
    expect(orgId).toBe(w.owner.orgId);

    const license = await issueLicense({ allFeatures: true });
    const created = await w.t.http.post('/api/v2/licenses').set(h()).send({ license }).expect(201);
    expectShape('License', created.body);
    expect(Number.isInteger(created.body.claims.license_expires)).toBe(true);
    const entitlements = await w.t.http.get('/api/v2/entitlements').set(h()).expect(200);
    expectShape('Entitlements', entitlements.body);
    for (const name of TERRAFORM_FEATURE_NAMES)
      expect(entitlements.body.features[name]).toMatchObject({ enabled: expect.any(Boolean) });
    expect(entitlements.body.features.template_rbac.enabled).toBe(true);

    const list = await w.t.http.get('/api/v2/licenses').set(h()).expect(200);
    expect(list.body.map((l: { id: number }) => l.id)).toContain(created.body.id);
  });

  it('coderd_organization: create with the newer fields', async () => {
    const name = unique('tforg');
    const res = await w.t.http
      .post('/api/v2/organizations')
      .set(h())
      .send({ name, display_name: 'TF Org', description: 'made by terraform', icon: '/emojis/1f3e2.png' })
      .expect(201);
    expectShape('Organization', res.body);
    expect(res.body.name).toBe(name);
  });

  it('coderd_user: create with organization_ids and user_status null, profile, roles, password, suspend, activate, read, delete', async () => {
    const username = unique('tfuser');
    const created = await w.t.http
      .post('/api/v2/users')
      .set(h())
      .send({
        email: `${username}@example.com`,
        username,
        name: 'Terra Form',
        password: PASSWORD,
        login_type: 'password',
        user_status: null,
        organization_ids: [orgId],
      })
      .expect(201);
    expectShape('User', created.body);
    expect(created.body.organization_ids).toEqual([orgId]);
    const id = created.body.id as string;

    const profile = await w.t.http
      .put(`/api/v2/users/${id}/profile`)
      .set(h())
      .send({ username, name: 'Terra Former', avatar_url: '' })
      .expect(200);
    expectShape('User', profile.body);
    await w.t.http
      .put(`/api/v2/users/${id}/roles`)
      .set(h())
      .send({ roles: ['template-admin'] })
      .expect(200);
    await w.t.http
      .put(`/api/v2/users/${id}/password`)
      .set(h())
      .send({ old_password: '', password: 'AnotherStrongPassword!' })
      .expect(204);
    await w.t.http.put(`/api/v2/users/${id}/status/suspend`).set(h()).expect(200);
    await w.t.http.put(`/api/v2/users/${id}/status/activate`).set(h()).expect(200);

    const read = await w.t.http.get(`/api/v2/users/${username}`).set(h()).expect(200);
    expectShape('User', read.body);
    expect(read.body).toMatchObject({
      email: `${username}@example.com`,
      name: 'Terra Former',
      username,
      login_type: 'password',
      status: 'active',
    });
    expect(read.body.roles.map((r: { name: string }) => r.name)).toEqual(['template-admin']);
    await w.t.http.delete(`/api/v2/users/${id}`).set(h()).expect(200);
  });

  it("coderd_group: create, set members with the provider's PATCH body, update, read, import by name, delete", async () => {
    const member = await createUser(w.t, w.owner);
    const name = unique('tfgroup');
    const created = await w.t.http
      .post(`/api/v2/organizations/${orgId}/groups`)
      .set(h())
      .send({ name, display_name: 'TF Group', avatar_url: '', quota_allowance: 10 })
      .expect(201);
    expectShape('Group', created.body);
    const id = created.body.id as string;
    const members = await w.t.http
      .patch(`/api/v2/groups/${id}`)
      .set(h())
      .send({
        add_users: [member.userId],
        remove_users: null,
        name: '',
        display_name: null,
        avatar_url: null,
        quota_allowance: null,
      })
      .expect(200);
    expectShape('Group', members.body);
    expect(members.body.members.map((m: { id: string }) => m.id)).toEqual([member.userId]);
    expect(members.body).toMatchObject({ name, display_name: 'TF Group', quota_allowance: 10 });
    const updated = await w.t.http
      .patch(`/api/v2/groups/${id}`)
      .set(h())
      .send({
        add_users: [],
        remove_users: [member.userId],
        name: `${name}x`,
        display_name: 'Renamed',
        avatar_url: '/emojis/1f600.png',
        quota_allowance: 20,
      })
      .expect(200);
    expect(updated.body).toMatchObject({
      name: `${name}x`,
      display_name: 'Renamed',
      avatar_url: '/emojis/1f600.png',
      quota_allowance: 20,
      members: [],
    });
    expectShape('Group', (await w.t.http.get(`/api/v2/groups/${id}`).set(h()).expect(200)).body);
    expectShape(
      'Group',
      (await w.t.http.get(`/api/v2/organizations/${orgId}/groups/${name}x`).set(h()).expect(200)).body,
    );
    await w.t.http.delete(`/api/v2/groups/${id}`).set(h()).expect(200);
  });

  it('coderd_template: upload, version (nil template_id), create, update, new version, activate, rename, ACL, no-op update, delete', async () => {
    const tar = (nonce: string) =>
      writeTar({
        'echo.json': JSON.stringify({ resources: [{ name: 'dev', type: 'docker_container', daily_cost: 0 }], nonce }),
      });
    const upload = async (nonce: string) => {
      const res = await w.t.http
        .post('/api/v2/files')
        .set(h())
        .set('Content-Type', 'application/x-tar')
        .send(tar(nonce));
      expect([200, 201]).toContain(res.status);
      expectShape('UploadResponse', res.body);
      return res.body.hash as string;
    };
    // The provider sends `provisioner: "terraform"`; this server's daemons run the echo provisioner.
    const version = async (templateId: string, fileId: string, name?: string) => {
      const res = await w.t.http
        .post(`/api/v2/organizations/${orgId}/templateversions`)
        .set(h())
        .send({
          name,
          template_id: templateId,
          storage_method: 'file',
          file_id: fileId,
          provisioner: 'echo',
          tags: {},
          user_variable_values: [],
        })
        .expect(201);
      expectShape('TemplateVersion', res.body);
      const stream = await followLogs(
        w.t.baseUrl,
        `/api/v2/templateversions/${res.body.id}/logs?follow`,
        w.owner.token,
      );
      expect(stream.code).toBe(1000);
      expect(stream.logs.length).toBeGreaterThan(0);
      const done = await w.t.http.get(`/api/v2/templateversions/${res.body.id}`).set(h()).expect(200);
      expect(done.body.job.status).toBe('succeeded');
      return res.body.id as string;
    };

    const v1 = await version(NIL, await upload('v1'), 'tf-v1');
    const name = unique('tftpl');
    const created = await w.t.http
      .post(`/api/v2/organizations/${orgId}/templates`)
      .set(h())
      .send({
        name,
        template_version_id: v1,
        allow_user_cancel_workspace_jobs: null,
        disable_everyone_group_access: true,
        require_active_version: false,
        max_port_share_level: null,
        cors_behavior: null,
        autostop_requirement: { days_of_week: [], weeks: 1 },
        autostart_requirement: {
          days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
        },
        display_name: 'TF Template',
        description: 'made by terraform',
        icon: '/icon/code.svg',
        default_ttl_ms: 3_600_000,
        activity_bump_ms: 3_600_000,
        allow_user_autostart: true,
        allow_user_autostop: true,
        failure_ttl_ms: 0,
        dormant_ttl_ms: 0,
        delete_ttl_ms: 0,
        template_use_classic_parameter_flow: false,
      })
      .expect(201);
    expectShape('Template', created.body);
    const id = created.body.id as string;

    const meta = {
      autostop_requirement: { days_of_week: [], weeks: 1 },
      autostart_requirement: {
        days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
      },
      max_port_share_level: 'owner',
      disable_everyone_group_access: true,
      name,
      display_name: 'TF Template',
      description: 'updated by terraform',
      icon: '/icon/code.svg',
      default_ttl_ms: 3_600_000,
      activity_bump_ms: 3_600_000,
      allow_user_cancel_workspace_jobs: true,
      allow_user_autostart: true,
      allow_user_autostop: true,
      failure_ttl_ms: 0,
      time_til_dormant_ms: 0,
      time_til_dormant_autodelete_ms: 0,
      require_active_version: false,
      deprecation_message: '',
      cors_behavior: 'simple',
      use_classic_parameter_flow: false,
    };
    const patched = await w.t.http.patch(`/api/v2/templates/${id}`).set(h()).send(meta).expect(200);
    expectShape('Template', patched.body);
    expect(patched.body).toMatchObject({
      description: 'updated by terraform',
      max_port_share_level: 'owner',
      allow_user_cancel_workspace_jobs: true,
    });

    const member = await createUser(w.t, w.owner);
    await w.t.http
      .patch(`/api/v2/templates/${id}/acl`)
      .set(h())
      .send({ user_perms: { [member.userId]: 'use' }, group_perms: {} })
      .expect(200);
    const acl = await w.t.http.get(`/api/v2/templates/${id}/acl`).set(h()).expect(200);
    expectShape('TemplateACL', acl.body);
    expect(acl.body.users.map((u: { id: string; role: string }) => [u.id, u.role])).toEqual([[member.userId, 'use']]);
    await w.t.http
      .patch(`/api/v2/templates/${id}/acl`)
      .set(h())
      .send({ user_perms: { [member.userId]: '' } })
      .expect(200);

    const v2 = await version(id, await upload('v2'));
    await w.t.http.patch(`/api/v2/templates/${id}/versions`).set(h()).send({ id: v2 }).expect(200);
    await w.t.http.patch(`/api/v2/templateversions/${v2}`).set(h()).send({ name: 'tf-v2' }).expect(200);
    const read = await w.t.http.get(`/api/v2/templates/${id}`).set(h()).expect(200);
    expect(read.body.active_version_id).toBe(v2);
    expect((await w.t.http.get(`/api/v2/templateversions/${v2}`).set(h()).expect(200)).body.name).toBe('tf-v2');

    // Applying the same configuration again: a PATCH that changes nothing must be 200 (codersdk rejects 304).
    const again = await w.t.http.patch(`/api/v2/templates/${id}`).set(h()).send(meta).expect(200);
    expectShape('Template', again.body);
    expectShape(
      'Template',
      (await w.t.http.get(`/api/v2/organizations/${orgId}/templates/${name}`).set(h()).expect(200)).body,
    );
    await w.t.http.delete(`/api/v2/templates/${id}`).set(h()).expect(200);
  });

  it("coderd_workspace_proxy: create, update with the provider's body, read, delete", async () => {
    const name = unique('tfproxy');
    const created = await w.t.http
      .post('/api/v2/workspaceproxies')
      .set(h())
      .send({ name, display_name: 'TF Proxy', icon: '/emojis/1f310.png' })
      .expect(201);
    expectShape('UpdateWorkspaceProxyResponse', created.body);
    const id = created.body.proxy.id as string;
    const patched = await w.t.http
      .patch(`/api/v2/workspaceproxies/${id}`)
      .set(h())
      .send({ id, name, display_name: 'Renamed', icon: '/emojis/1f310.png', regenerate_token: false })
      .expect(200);
    expectShape('UpdateWorkspaceProxyResponse', patched.body);
    expect(patched.body.proxy.display_name).toBe('Renamed');
    expectShape('WorkspaceProxy', (await w.t.http.get(`/api/v2/workspaceproxies/${id}`).set(h()).expect(200)).body);
    await w.t.http.delete(`/api/v2/workspaceproxies/${id}`).set(h()).expect(200);
  });

  it('codersdk workspaces: nil ids are absent, automatic_updates is set and read, builds accept newer fields', async () => {
    const fileId = (
      await w.t.http
        .post('/api/v2/files')
        .set(h())
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ resources: [], nonce: unique('n') }))
        .expect(201)
    ).body.hash;
    const v = await w.t.http
      .post(`/api/v2/organizations/${orgId}/templateversions`)
      .set(h())
      .send({ template_id: NIL, storage_method: 'file', file_id: fileId, provisioner: 'echo', tags: null })
      .expect(201);
    await waitForVersion(w.t, w.owner, v.body.id);
    const template = await w.t.http
      .post(`/api/v2/organizations/${orgId}/templates`)
      .set(h())
      .send({ name: unique('sdk'), template_version_id: v.body.id })
      .expect(201);

    const created = await w.t.http
      .post(`/api/v2/organizations/${orgId}/members/me/workspaces`)
      .set(h())
      .send({
        template_id: template.body.id,
        template_version_id: NIL,
        template_version_preset_id: NIL,
        name: unique('ws'),
        autostart_schedule: null,
        ttl_ms: null,
        rich_parameter_values: [],
        automatic_updates: 'always',
      })
      .expect(201);
    expectShape('Workspace', created.body);
    expect(created.body.automatic_updates).toBe('always');
    await waitForBuild(w.t, w.owner, created.body.latest_build.id);
    await w.t.http
      .put(`/api/v2/workspaces/${created.body.id}/autoupdates`)
      .set(h())
      .send({ automatic_updates: 'never' })
      .expect(204);
    expect(
      (await w.t.http.get(`/api/v2/workspaces/${created.body.id}`).set(h()).expect(200)).body.automatic_updates,
    ).toBe('never');

    const stop = await w.t.http
      .post(`/api/v2/workspaces/${created.body.id}/builds`)
      .set(h())
      .send({
        template_version_id: NIL,
        template_version_preset_id: NIL,
        transition: 'stop',
        dry_run: false,
        rich_parameter_values: [],
        reason: 'cli',
      })
      .expect(201);
    expectShape('WorkspaceBuild', stop.body);
  });
});
