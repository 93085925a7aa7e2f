import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { createTemplateVersion, uploadEchoTemplate, waitForBuild, waitForVersion } from '../helpers/templates.js';
import { unique } from '../helpers/world.js';
import { freshGroup, freshProxyWithToken, freshTemplate, freshWorkspace, pendingVersion } from './fresh.js';
import { omit, ownerGet, SENTINEL, type Fresh, type MassProbe } from './mass-assignment.js';
import type { MatrixWorld } from './matrix-world.js';

/**
 * Mass-assignment probes of templates, versions, workspaces and builds, groups, template ACLs and
 * workspace proxies (made in organization A by the owner unless said otherwise).
 */
const TEMPLATE_EXTRAS = (w: MatrixWorld) => ({
  active_version_id: SENTINEL.id,
  deprecated: true,
  active_user_count: SENTINEL.number,
  build_time_stats: { start: { P50: SENTINEL.number } },
  created_by_name: SENTINEL.text,
  provisioner: 'terraform',
  organization_name: SENTINEL.text,
  template_id: w.B.template.id,
});

const WORKSPACE_EXTRAS = (w: MatrixWorld) => ({
  latest_build: { id: SENTINEL.id, transition: 'delete', status: 'failed' },
  outdated: true,
  dormant_at: SENTINEL.time,
  deleting_at: SENTINEL.time,
  last_used_at: SENTINEL.time,
  template_name: SENTINEL.text,
  owner_name: SENTINEL.text,
  template_id: w.B.template.id,
  health: { healthy: false },
});

const PROXY_EXTRAS = {
  healthy: true,
  derp_only: true,
  status: { status: 'ok', checked_at: SENTINEL.time },
  proxy_token: SENTINEL.text,
  token_hashed_secret: SENTINEL.text,
  version: SENTINEL.text,
  path_app_url: SENTINEL.url,
};

/** A proxy read back without its health, which the poller changes on its own schedule. */
async function proxyReadBack(w: MatrixWorld, id: string) {
  return omit(await ownerGet(w, `/api/v2/workspaceproxies/${id}`), 'status', 'healthy');
}

async function waitedBuild(w: MatrixWorld, res: Response) {
  return omit(await waitForBuild(w.t, w.owner, res.body.id as string), 'deadline', 'max_deadline');
}

export const RESOURCE_MASS_PROBES: Record<string, MassProbe> = {
  'POST /api/v2/organizations/:organization/templates': {
    setup: async (w) => {
      const version = await importedVersion(w);
      return { vars: [unique('mt')], versionId: version };
    },
    request: (w, f) => ({
      method: 'post',
      path: `/api/v2/organizations/${w.A.id}/templates`,
      body: { name: f.vars[0], template_version_id: f.versionId },
    }),
    extras: TEMPLATE_EXTRAS,
    readBack: (w, _f, res) => ownerGet(w, `/api/v2/templates/${res.body.id as string}`),
  },
  'PATCH /api/v2/templates/:template': {
    setup: async (w) => {
      const id = await freshTemplate(w, w.A);
      return { vars: [(await ownerGet(w, `/api/v2/templates/${id}`)).name], templateId: id };
    },
    request: (_w, f) => ({
      method: 'patch',
      path: `/api/v2/templates/${f.templateId as string}`,
      body: { description: 'mass description' },
    }),
    extras: TEMPLATE_EXTRAS,
    readBack: (w, f) => ownerGet(w, `/api/v2/templates/${f.templateId as string}`),
  },
  'PATCH /api/v2/templates/:template/versions': {
    setup: async (w) => {
      const templateId = await freshTemplate(w, w.A);
      const second = await createTemplateVersion(w.t, w.owner, w.A.id, await uploadEchoTemplate(w.t, w.owner), {
        template_id: templateId,
      });
      await waitForVersion(w.t, w.owner, second.id);
      return { vars: [(await ownerGet(w, `/api/v2/templates/${templateId}`)).name], templateId, versionId: second.id };
    },
    request: (_w, f) => ({
      method: 'patch',
      path: `/api/v2/templates/${f.templateId as string}/versions`,
      body: { id: f.versionId },
    }),
    extras: TEMPLATE_EXTRAS,
    readBack: async (w, f) => {
      const template = await ownerGet(w, `/api/v2/templates/${f.templateId as string}`);
      return { ...template, active_is_requested: template.active_version_id === f.versionId };
    },
  },
  'POST /api/v2/organizations/:organization/templateversions': {
    setup: async (w) => ({ vars: [], fileId: await uploadEchoTemplate(w.t, w.owner) }),
    request: (w, f) => ({
      method: 'post',
      path: `/api/v2/organizations/${w.A.id}/templateversions`,
      body: { storage_method: 'file', provisioner: 'echo', file_id: f.fileId, tags: { pool: 'nowhere' } },
    }),
    extras: (w) => ({
      job: { status: 'succeeded', error: SENTINEL.text },
      readme: SENTINEL.text,
      warnings: [SENTINEL.text],
      created_by: { id: w.B.user.userId },
    }),
    readBack: (w, _f, res) => versionReadBack(w, res.body.id as string),
  },
  'PATCH /api/v2/templateversions/:templateversion': {
    setup: async (w) => ({ vars: [], versionId: await pendingVersion(w, w.A) }),
    request: (_w, f) => ({
      method: 'patch',
      path: `/api/v2/templateversions/${f.versionId as string}`,
      body: { message: 'mass message' },
    }),
    extras: (w) => ({
      template_id: w.B.template.id,
      job: { status: 'succeeded' },
      readme: SENTINEL.text,
      created_by: { id: w.B.user.userId },
    }),
    readBack: (w, f) => versionReadBack(w, f.versionId as string),
  },
  'PATCH /api/v2/templateversions/:templateversion/cancel': {
    setup: async (w) => ({ vars: [], versionId: await pendingVersion(w, w.A) }),
    request: (_w, f) => ({
      method: 'patch',
      path: `/api/v2/templateversions/${f.versionId as string}/cancel`,
      body: {},
    }),
    extras: () => ({ job: { status: 'succeeded' }, message: SENTINEL.text }),
    readBack: (w, f) => versionReadBack(w, f.versionId as string),
  },
  // A member creates its own workspace and names another user, organization and template.
  'POST /api/v2/organizations/:organization/members/:user/workspaces': {
    setup: async () => ({ vars: [unique('mw')] }),
    request: (w, f) => ({
      method: 'post',
      path: `/api/v2/organizations/${w.A.id}/members/me/workspaces`,
      token: w.A.user.token,
      body: { template_id: w.A.template.id, name: f.vars[0] },
    }),
    extras: WORKSPACE_EXTRAS,
    readBack: async (w, _f, res) => {
      await waitForBuild(w.t, w.owner, res.body.latest_build.id as string);
      return workspaceReadBack(w, res.body.id as string);
    },
  },
  // The same through Coder's current route: the organization comes from the template only.
  'POST /api/v2/users/:user/workspaces': {
    setup: async () => ({ vars: [unique('uw')] }),
    request: (w, f) => ({
      method: 'post',
      path: '/api/v2/users/me/workspaces',
      token: w.A.user.token,
      body: { template_id: w.A.template.id, name: f.vars[0] },
    }),
    extras: WORKSPACE_EXTRAS,
    readBack: async (w, _f, res) => {
      await waitForBuild(w.t, w.owner, res.body.latest_build.id as string);
      return workspaceReadBack(w, res.body.id as string);
    },
  },
  'PUT /api/v2/workspaces/:workspace/autoupdates': {
    setup: async (w) => workspaceFresh(w),
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/workspaces/${f.workspaceId as string}/autoupdates`,
      body: { automatic_updates: 'always' },
    }),
    extras: (w) => ({
      ...WORKSPACE_EXTRAS(w),
      name: SENTINEL.text,
      autostart_schedule: 'CRON_TZ=UTC 0 9 * * 1',
      ttl_ms: 3_600_000,
    }),
    readBack: (w, f) => workspaceReadBack(w, f.workspaceId as string),
  },
  'PUT /api/v2/workspaces/:workspace/autostart': {
    setup: async (w) => workspaceFresh(w),
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/workspaces/${f.workspaceId as string}/autostart`,
      body: { schedule: 'CRON_TZ=UTC 0 9 * * 1' },
    }),
    extras: (w) => ({ ...WORKSPACE_EXTRAS(w), name: SENTINEL.text, ttl_ms: 3_600_000, automatic_updates: 'always' }),
    readBack: (w, f) => workspaceReadBack(w, f.workspaceId as string),
  },
  'PUT /api/v2/workspaces/:workspace/ttl': {
    setup: async (w) => workspaceFresh(w),
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/workspaces/${f.workspaceId as string}/ttl`,
      body: { ttl_ms: 7_200_000 },
    }),
    extras: (w) => ({
      ...WORKSPACE_EXTRAS(w),
      name: SENTINEL.text,
      autostart_schedule: 'CRON_TZ=UTC 0 9 * * 1',
      automatic_updates: 'always',
      deadline: SENTINEL.time,
    }),
    readBack: (w, f) => workspaceReadBack(w, f.workspaceId as string),
  },
  'PUT /api/v2/workspaces/:workspace/extend': {
    // A running build with a deadline to move (the fixtures' template sets no TTL).
    setup: async (w) => {
      const fresh = await workspaceFresh(w);
      await w.db.query(`UPDATE workspace_builds SET deadline = now() + interval '1 hour' WHERE workspace_id = $1`, [
        fresh.workspaceId,
      ]);
      return fresh;
    },
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/workspaces/${f.workspaceId as string}/extend`,
      body: { deadline: new Date(Date.now() + 7_200_000).toISOString() },
    }),
    extras: (w) => ({
      ...WORKSPACE_EXTRAS(w),
      name: SENTINEL.text,
      ttl_ms: 3_600_000,
      autostart_schedule: 'CRON_TZ=UTC 0 9 * * 1',
      max_deadline: SENTINEL.time,
    }),
    readBack: (w, f) => workspaceReadBack(w, f.workspaceId as string),
  },
  'POST /api/v2/workspaces/:workspace/builds': {
    setup: async (w) => workspaceFresh(w),
    request: (_w, f) => ({
      method: 'post',
      path: `/api/v2/workspaces/${f.workspaceId as string}/builds`,
      body: { transition: 'stop' },
    }),
    extras: (w) => ({
      build_number: SENTINEL.number,
      workspace_owner_id: w.B.user.userId,
      workspace_id: w.B.workspace.id,
      reason: 'autostart',
      job: { status: 'succeeded' },
      deadline: SENTINEL.time,
      resources: [{ name: SENTINEL.text, type: 'docker_container' }],
    }),
    readBack: (w, _f, res) => waitedBuild(w, res),
  },
  'POST /api/v2/organizations/:organization/groups': {
    setup: async () => ({ vars: [unique('mg')] }),
    request: (w, f) => ({ method: 'post', path: `/api/v2/organizations/${w.A.id}/groups`, body: { name: f.vars[0] } }),
    writable: ['quota_allowance'],
    extras: () => ({ total_member_count: SENTINEL.number }),
    readBack: (w, _f, res) => ownerGet(w, `/api/v2/groups/${res.body.id as string}`),
  },
  'POST /api/v2/organizations/:orgref/provisionerkeys': {
    setup: async () => ({ vars: [unique('mpk')] }),
    request: (w, f) => ({
      method: 'post',
      path: `/api/v2/organizations/${w.A.id}/provisionerkeys`,
      body: { name: f.vars[0], tags: { pool: 'mass' } },
    }),
    extras: (w) => ({ organization: w.B.id, key: SENTINEL.text }),
    // The answer is the one-time secret; what was stored is the listed key.
    readBack: async (w, f) =>
      ((await ownerGet(w, `/api/v2/organizations/${w.A.id}/provisionerkeys`)) as { name: string }[]).filter(
        (k) => k.name === f.vars[0],
      ),
  },
  'PATCH /api/v2/groups/:group': {
    setup: async (w) => {
      const id = await freshGroup(w, w.A);
      return { vars: [(await ownerGet(w, `/api/v2/groups/${id}`)).name], groupId: id };
    },
    request: (_w, f) => ({
      method: 'patch',
      path: `/api/v2/groups/${f.groupId as string}`,
      body: { display_name: 'Mass Group' },
    }),
    writable: ['quota_allowance'],
    extras: () => ({ total_member_count: SENTINEL.number }),
    readBack: (w, f) => ownerGet(w, `/api/v2/groups/${f.groupId as string}`),
  },
  'PATCH /api/v2/templates/:template/acl': {
    setup: async (w) => ({ vars: [], templateId: await freshTemplate(w, w.A) }),
    request: (w, f) => ({
      method: 'patch',
      path: `/api/v2/templates/${f.templateId as string}/acl`,
      body: { user_perms: { [w.A.user.userId]: 'use' } },
    }),
    extras: (w) => ({ users: [{ id: w.B.user.userId, role: 'admin' }], group: [{ id: w.B.group.id, role: 'admin' }] }),
    readBack: (w, f) => ownerGet(w, `/api/v2/templates/${f.templateId as string}/acl`),
  },
  'POST /api/v2/workspaceproxies': {
    setup: async () => ({ vars: [unique('mp')] }),
    request: (_w, f) => ({ method: 'post', path: '/api/v2/workspaceproxies', body: { name: f.vars[0] } }),
    extras: () => PROXY_EXTRAS,
    readBack: (w, _f, res) => proxyReadBack(w, res.body.id as string),
  },
  'PATCH /api/v2/workspaceproxies/:workspaceproxy': {
    setup: proxyFresh,
    request: (_w, f) => ({
      method: 'patch',
      path: `/api/v2/workspaceproxies/${f.proxyId as string}`,
      body: { display_name: 'Mass Proxy' },
    }),
    extras: () => ({
      ...PROXY_EXTRAS,
      url: SENTINEL.url,
      wildcard_hostname: '*.sentinel.example.com',
      derp_enabled: false,
    }),
    readBack: (w, f) => proxyReadBack(w, f.proxyId as string),
  },
  'POST /api/v2/workspaceproxies/me/register': {
    setup: proxyFresh,
    request: (_w, f) => ({
      method: 'post',
      path: '/api/v2/workspaceproxies/me/register',
      token: null,
      headers: { 'Coder-External-Proxy-Token': f.proxyToken as string },
      body: { access_url: 'http://127.0.0.1:1', hostname: 'mass-proxy', replica_id: f.replicaId, version: 'v2.3.0' },
    }),
    writable: ['derp_enabled', 'derp_only', 'wildcard_hostname', 'replica_error', 'replica_relay_address'],
    extras: () => ({
      ...PROXY_EXTRAS,
      name: SENTINEL.text,
      display_name: SENTINEL.text,
      icon: SENTINEL.url,
      url: SENTINEL.url,
    }),
    readBack: (w, f) => proxyReadBack(w, f.proxyId as string),
  },
  'POST /api/v2/workspaceproxies/me/deregister': {
    setup: async (w) => {
      const f = await proxyFresh(w);
      await w.t.http
        .post('/api/v2/workspaceproxies/me/register')
        .set('Coder-External-Proxy-Token', f.proxyToken as string)
        .send({ access_url: 'http://127.0.0.1:1', hostname: 'mass-proxy', replica_id: f.replicaId })
        .expect(201);
      return f;
    },
    request: (_w, f) => ({
      method: 'post',
      path: '/api/v2/workspaceproxies/me/deregister',
      token: null,
      headers: { 'Coder-External-Proxy-Token': f.proxyToken as string },
      body: { replica_id: f.replicaId },
    }),
    extras: () => ({ ...PROXY_EXTRAS, name: SENTINEL.text, url: SENTINEL.url }),
    readBack: (w, f) => proxyReadBack(w, f.proxyId as string),
  },
};

async function importedVersion(w: MatrixWorld): Promise<string> {
  const fileId = await uploadEchoTemplate(w.t, w.owner);
  const version = await createTemplateVersion(w.t, w.owner, w.A.id, fileId);
  await waitForVersion(w.t, w.owner, version.id);
  return version.id;
}

/** A version without its random name and its place in the queue (other pending jobs move it). */
async function versionReadBack(w: MatrixWorld, id: string) {
  const version = await ownerGet(w, `/api/v2/templateversions/${id}`);
  return { ...omit(version, 'name', 'job'), job: omit(version.job, 'queue_position', 'queue_size') };
}

async function workspaceFresh(w: MatrixWorld): Promise<Fresh> {
  const id = await freshWorkspace(w, w.A);
  return { vars: [(await ownerGet(w, `/api/v2/workspaces/${id}`)).name], workspaceId: id };
}

async function workspaceReadBack(w: MatrixWorld, id: string) {
  const ws = await ownerGet(w, `/api/v2/workspaces/${id}`);
  return {
    ...omit(ws, 'latest_build', 'last_used_at'),
    latest_build: omit(ws.latest_build, 'deadline', 'max_deadline', 'build_number'),
  };
}

async function proxyFresh(w: MatrixWorld): Promise<Fresh> {
  const proxy = await freshProxyWithToken(w);
  const name = (await ownerGet(w, `/api/v2/workspaceproxies/${proxy.id}`)).name as string;
  return { vars: [name], proxyId: proxy.id, proxyToken: proxy.token, replicaId: randomUUID() };
}
