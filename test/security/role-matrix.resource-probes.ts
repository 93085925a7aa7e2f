import { auth, unique } from '../helpers/world.js';
import {
  freshGroup,
  freshProvisionerKey,
  freshProxy,
  freshTemplate,
  freshVersion,
  freshWorkspace,
  pendingVersion,
} from './fresh.js';
import { AB, ABME, get, SITE, userParam, type Probe } from './role-matrix.kit.js';

/** The role matrix's probes of templates, workspaces, deployment-wide and enterprise routes, and SCIM. */
export const RESOURCE_PROBES: Record<string, Probe> = {
  // Templates
  'POST /api/v2/organizations/:organization/templates': {
    targets: AB,
    build: async ({ w, org }) => ({
      path: `/api/v2/organizations/${org.id}/templates`,
      body: { name: unique('tpl'), template_version_id: await freshVersion(w, org) },
    }),
  },
  'GET /api/v2/organizations/:organization/templates': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/templates`,
  ),
  'GET /api/v2/organizations/:organization/templates/:templatename': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/templates/${org.template.name}`,
  ),
  'GET /api/v2/templates': get(SITE, () => '/api/v2/templates'),
  'GET /api/v2/templates/:template': get(AB, ({ org }) => `/api/v2/templates/${org.template.id}`),
  'PATCH /api/v2/templates/:template': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/templates/${org.template.id}`, body: {} }),
  },
  'DELETE /api/v2/templates/:template': {
    targets: AB,
    build: async ({ w, org }) => ({ path: `/api/v2/templates/${await freshTemplate(w, org)}` }),
  },
  'PATCH /api/v2/templates/:template/versions': {
    targets: AB,
    build: ({ org }) => ({
      path: `/api/v2/templates/${org.template.id}/versions`,
      body: { id: org.template.activeVersionId },
    }),
  },
  'GET /api/v2/templates/:template/versions': get(AB, ({ org }) => `/api/v2/templates/${org.template.id}/versions`),

  // Template versions (imports left pending: no daemon has the tag)
  'POST /api/v2/organizations/:organization/templateversions': {
    targets: AB,
    build: ({ org }) => ({
      path: `/api/v2/organizations/${org.id}/templateversions`,
      body: { storage_method: 'file', provisioner: 'echo', file_id: org.fileId, tags: { pool: 'nowhere' } },
    }),
  },
  'GET /api/v2/templateversions/:templateversion': get(AB, ({ org }) => `/api/v2/templateversions/${org.version.id}`),
  'PATCH /api/v2/templateversions/:templateversion': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/templateversions/${org.version.id}`, body: {} }),
  },
  'GET /api/v2/templateversions/:templateversion/resources': get(
    AB,
    ({ org }) => `/api/v2/templateversions/${org.version.id}/resources`,
  ),
  'GET /api/v2/templateversions/:templateversion/logs': get(
    AB,
    ({ org }) => `/api/v2/templateversions/${org.version.id}/logs`,
  ),
  'PATCH /api/v2/templateversions/:templateversion/cancel': {
    targets: AB,
    build: async ({ w, org }) => ({ path: `/api/v2/templateversions/${await pendingVersion(w, org)}/cancel` }),
  },

  // Workspaces and builds
  'POST /api/v2/organizations/:organization/members/:user/workspaces': {
    targets: ['A', 'B', 'A:alice'],
    build: ({ org, target }) => ({
      path: `/api/v2/organizations/${org.id}/members/${target === 'A:alice' ? org.user.userId : 'me'}/workspaces`,
      body: { template_id: org.template.id, name: unique('ws') },
    }),
  },
  'POST /api/v2/users/:user/workspaces': {
    targets: ['A', 'B', 'A:alice'],
    build: ({ org, target }) => ({
      path: `/api/v2/users/${target === 'A:alice' ? org.user.userId : 'me'}/workspaces`,
      body: { template_id: org.template.id, name: unique('ws') },
    }),
  },
  'GET /api/v2/workspaces': get(SITE, () => '/api/v2/workspaces'),
  'GET /api/v2/workspaces/:workspace': get(AB, ({ org }) => `/api/v2/workspaces/${org.workspace.id}`),
  'PUT /api/v2/workspaces/:workspace/autoupdates': {
    targets: AB,
    build: ({ org }) => ({
      path: `/api/v2/workspaces/${org.workspace.id}/autoupdates`,
      body: { automatic_updates: 'never' },
    }),
  },
  // An empty schedule (autostart off): the matrix's workspace never starts on its own.
  'PUT /api/v2/workspaces/:workspace/autostart': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/workspaces/${org.workspace.id}/autostart`, body: { schedule: '' } }),
  },
  'PUT /api/v2/workspaces/:workspace/ttl': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/workspaces/${org.workspace.id}/ttl`, body: { ttl_ms: 3_600_000 } }),
  },
  // The matrix's workspace runs without a deadline: those who may update it get 409 (shutdown is manual).
  'PUT /api/v2/workspaces/:workspace/extend': {
    targets: AB,
    build: ({ org }) => ({
      path: `/api/v2/workspaces/${org.workspace.id}/extend`,
      body: { deadline: new Date(Date.now() + 2 * 3_600_000).toISOString() },
    }),
  },
  // The workspace's owner is none of the callers: those who see it get 403, the others 404.
  'PUT /api/v2/workspaces/:workspace/favorite': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/workspaces/${org.workspace.id}/favorite` }),
  },
  'DELETE /api/v2/workspaces/:workspace/favorite': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/workspaces/${org.workspace.id}/favorite` }),
  },
  'GET /api/v2/users/:user/workspace/:workspacename': get(
    AB,
    ({ org }) => `/api/v2/users/${org.user.userId}/workspace/${org.workspace.name}`,
  ),
  'POST /api/v2/workspaces/:workspace/builds': {
    targets: AB,
    build: async ({ w, org }) => ({
      path: `/api/v2/workspaces/${await freshWorkspace(w, org)}/builds`,
      body: { transition: 'stop' },
    }),
  },
  'GET /api/v2/workspaces/:workspace/builds': get(AB, ({ org }) => `/api/v2/workspaces/${org.workspace.id}/builds`),
  'GET /api/v2/workspacebuilds/:workspacebuild': get(
    AB,
    ({ org }) => `/api/v2/workspacebuilds/${org.workspace.buildId}`,
  ),
  'GET /api/v2/workspacebuilds/:workspacebuild/logs': get(
    AB,
    ({ org }) => `/api/v2/workspacebuilds/${org.workspace.buildId}/logs`,
  ),
  // The first build, long finished: the access checks come first, then Coder's 400 (nothing changes).
  'PATCH /api/v2/workspacebuilds/:workspacebuild/cancel': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/workspacebuilds/${org.workspace.buildId}/cancel?expect_status=pending` }),
  },
  'GET /api/v2/workspace-quota/:user': get(ABME, (ctx) => `/api/v2/workspace-quota/${userParam(ctx)}`),
  'GET /api/v2/organizations/:organization/members/:user/workspace-quota': get(
    AB,
    (ctx) => `/api/v2/organizations/${ctx.org.id}/members/${userParam(ctx)}/workspace-quota`,
  ),

  // Deployment-wide
  'GET /healthz': get(SITE, () => '/healthz'),
  // Moving to its own listener (issue 12): the API port must not serve it.
  'GET /metrics': get(SITE, () => '/metrics'),
  'GET /api/v2/buildinfo': get(SITE, () => '/api/v2/buildinfo'),
  'GET /api/v2/updatecheck': get(SITE, () => '/api/v2/updatecheck'),
  'POST /api/v2/authcheck': {
    targets: SITE,
    build: () => ({
      path: '/api/v2/authcheck',
      body: { checks: { readUsers: { object: { resource_type: 'user' }, action: 'read' } } },
    }),
  },
  'GET /api/v2/deployment/config': get(SITE, () => '/api/v2/deployment/config'),
  'GET /api/v2/deployment/stats': get(SITE, () => '/api/v2/deployment/stats'),
  'GET /api/v2/deployment/ssh': get(SITE, () => '/api/v2/deployment/ssh'),
  'GET /api/v2/experiments': get(SITE, () => '/api/v2/experiments'),
  'GET /api/v2/experiments/available': get(SITE, () => '/api/v2/experiments/available'),
  'GET /api/v2/audit': get(SITE, () => '/api/v2/audit'),
  'GET /api/v2/replicas': get(SITE, () => '/api/v2/replicas'),
  'GET /api/v2/appearance': get(SITE, () => '/api/v2/appearance'),
  // The whole current appearance back: changes nothing.
  'PUT /api/v2/appearance': {
    targets: SITE,
    build: async ({ w }) => ({
      path: '/api/v2/appearance',
      body: (await w.t.http.get('/api/v2/appearance').set(auth(w.owner.token)).expect(200)).body,
    }),
  },

  // Groups
  'GET /api/v2/organizations/:organization/groups': get(AB, ({ org }) => `/api/v2/organizations/${org.id}/groups`),
  'POST /api/v2/organizations/:organization/groups': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/organizations/${org.id}/groups`, body: { name: unique('g') } }),
  },
  'GET /api/v2/organizations/:organization/groups/:groupName': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/groups/${org.group.name}`,
  ),
  'GET /api/v2/groups': get(SITE, () => '/api/v2/groups'),
  'GET /api/v2/groups/:group': get(AB, ({ org }) => `/api/v2/groups/${org.group.id}`),
  'GET /api/v2/groups/:group/members': get(AB, ({ org }) => `/api/v2/groups/${org.group.id}/members`),
  'GET /api/v2/organizations/:organization/groups/:groupName/members': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/groups/${org.group.name}/members`,
  ),
  'PATCH /api/v2/groups/:group': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/groups/${org.group.id}`, body: {} }),
  },
  'DELETE /api/v2/groups/:group': {
    targets: AB,
    build: async ({ w, org }) => ({ path: `/api/v2/groups/${await freshGroup(w, org)}` }),
  },

  // Quiet hours
  'GET /api/v2/users/:user/quiet-hours': get(ABME, (ctx) => `/api/v2/users/${userParam(ctx)}/quiet-hours`),
  'PUT /api/v2/users/:user/quiet-hours': {
    targets: ABME,
    build: (ctx) => ({
      path: `/api/v2/users/${userParam(ctx)}/quiet-hours`,
      body: { schedule: 'CRON_TZ=UTC 0 0 * * *' },
    }),
  },

  // Template ACL. `A:foreign` shares template A with the member of B: refused whoever asks.
  'GET /api/v2/templates/:template/acl': get(AB, ({ org }) => `/api/v2/templates/${org.template.id}/acl`),
  'PATCH /api/v2/templates/:template/acl': {
    targets: ['A', 'B', 'A:foreign'],
    build: ({ w, org, target }) => ({
      path: `/api/v2/templates/${org.template.id}/acl`,
      body: { user_perms: { [(target === 'A:foreign' ? w.B : org).user.userId]: 'use' } },
    }),
  },
  'GET /api/v2/templates/:template/acl/available': get(
    AB,
    ({ org }) => `/api/v2/templates/${org.template.id}/acl/available`,
  ),

  // Provisioner daemons
  'GET /api/v2/organizations/:orgref/provisionerdaemons': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/provisionerdaemons`,
  ),
  // Without an upgrade: every check, then 426.
  'GET /api/v2/organizations/:serveorg/provisionerdaemons/serve': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/provisionerdaemons/serve?provisioner=echo`,
  ),

  // Provisioner jobs (AGPL): managers see every job, members only theirs (the build of org.user's workspace).
  'GET /api/v2/organizations/:organization/provisionerjobs': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/provisionerjobs`,
  ),
  'GET /api/v2/organizations/:organization/provisionerjobs/:job': {
    targets: AB,
    prepare: async ({ w, org }) => {
      const { rows } = await w.db.query('SELECT job_id FROM workspace_builds WHERE id = $1', [org.workspace.buildId]);
      return rows[0].job_id as string;
    },
    build: ({ org, prepared }) => ({ path: `/api/v2/organizations/${org.id}/provisionerjobs/${prepared as string}` }),
  },

  // Provisioner keys
  'GET /api/v2/organizations/:orgref/provisionerkeys': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/provisionerkeys`,
  ),
  'POST /api/v2/organizations/:orgref/provisionerkeys': {
    targets: AB,
    build: ({ org }) => ({ path: `/api/v2/organizations/${org.id}/provisionerkeys`, body: { name: unique('pk') } }),
  },
  'GET /api/v2/organizations/:orgref/provisionerkeys/daemons': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/provisionerkeys/daemons`,
  ),
  'DELETE /api/v2/organizations/:orgref/provisionerkeys/:provisionerkey': {
    targets: AB,
    build: async ({ w, org }) => ({
      path: `/api/v2/organizations/${org.id}/provisionerkeys/${(await freshProvisionerKey(w, org)).name}`,
    }),
  },
  // Authenticated by Coder-Provisioner-Daemon-Key alone: a session (of any role) with a wrong key
  // gets nothing (401). A right key answers 200 to anyone (provisioner-keys.e2e-spec.ts).
  'GET /api/v2/provisionerkeys/:provisionerkey': {
    targets: AB,
    build: () => ({
      path: '/api/v2/provisionerkeys/ignored',
      headers: { 'Coder-Provisioner-Daemon-Key': 'Z'.repeat(43) },
    }),
  },

  // Workspace proxies (site-wide)
  'GET /api/v2/workspaceproxies': get(SITE, () => '/api/v2/workspaceproxies'),
  'POST /api/v2/workspaceproxies': {
    targets: SITE,
    build: () => ({ path: '/api/v2/workspaceproxies', body: { name: unique('px') } }),
  },
  'GET /api/v2/workspaceproxies/:workspaceproxy': get(
    ['site', 'primary'],
    ({ w, target }) => `/api/v2/workspaceproxies/${target === 'primary' ? 'primary' : w.proxy.id}`,
  ),
  'PATCH /api/v2/workspaceproxies/:workspaceproxy': {
    targets: SITE,
    build: ({ w }) => ({ path: `/api/v2/workspaceproxies/${w.proxy.id}`, body: { name: w.proxy.name } }),
  },
  'DELETE /api/v2/workspaceproxies/:workspaceproxy': {
    targets: SITE,
    build: async ({ w }) => ({ path: `/api/v2/workspaceproxies/${await freshProxy(w)}` }),
  },
  'GET /api/v2/regions': get(SITE, () => '/api/v2/regions'),
  // The external proxy API: a proxy token, never a session.
  'POST /api/v2/workspaceproxies/me/register': {
    targets: SITE,
    build: () => ({
      path: '/api/v2/workspaceproxies/me/register',
      body: {
        access_url: 'https://proxy.example.com',
        hostname: 'proxy',
        replica_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      },
    }),
  },
  'POST /api/v2/workspaceproxies/me/deregister': {
    targets: SITE,
    build: () => ({
      path: '/api/v2/workspaceproxies/me/deregister',
      body: { replica_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
    }),
  },
};

// SCIM: the identity provider's key, never a session. Every caller is refused the same way.
for (const mount of ['/scim/v2', '/api/v2/scim/v2']) {
  const scim = (method: string, sub: string, body?: unknown) => {
    RESOURCE_PROBES[`${method} ${mount}${sub}`] = {
      targets: SITE,
      build: ({ w }) => ({ path: `${mount}${sub.replace(':id', w.A.user.userId).replace(':name', 'User')}`, body }),
    };
  };
  for (const sub of ['/ServiceProviderConfig', '/ResourceTypes', '/ResourceTypes/:name', '/Schemas', '/Schemas/:id'])
    scim('GET', sub);
  for (const kind of ['Users', 'Groups']) {
    scim('GET', `/${kind}`);
    scim('POST', `/${kind}`, {});
    scim('POST', `/${kind}/.search`, {});
    scim('GET', `/${kind}/:id`);
    scim('PUT', `/${kind}/:id`, {});
    scim('PATCH', `/${kind}/:id`, {});
    scim('DELETE', `/${kind}/:id`);
  }
}
