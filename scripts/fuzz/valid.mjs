// Valid requests for every operation, built on the fixture objects (real ids, names and secrets),
// so that a request with one part mutated reaches the code behind validation, not just the 404.
// Operations not listed here get a body derived from their schema.
import { canonicalKey, propertiesOf } from './openapi.mjs';

export const PASSWORD = 'SomeStrongPassword!';
export const NEW_PASSWORD = 'Another-Str0ng-Passw0rd!';
const SCIM = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  search: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
};

/** An echo template source costing nothing (so quota never blocks the fixture's builds). */
export const ECHO_SOURCE = {
  resources: [{ name: 'dev', type: 'docker_container', daily_cost: 0 }],
  stop_resources: [],
  logs: ['fuzz'],
};

const scimUser = (userName) => ({
  schemas: [SCIM.user],
  userName,
  name: { givenName: 'Fuzz', familyName: 'Target' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Fuzz Target',
  externalId: `ext-${userName}`,
  active: true,
});

/** Valid bodies by canonical operation key. `fx`: the fixtures; `rng`: the operation's stream. */
const BODIES = {
  'POST /api/v2/licenses': (fx) => ({ license: fx.licenseJwt }),
  'POST /api/v2/users/login': (fx) => ({ email: fx.member.email, password: PASSWORD }),
  'POST /api/v2/organizations': (fx) => ({
    name: fx.uniq('org'),
    display_name: 'Fuzz org',
    description: 'made by the fuzzer',
  }),
  'POST /api/v2/users/first': (fx) => ({
    email: `${fx.uniq('first')}@example.com`,
    username: fx.uniq('first'),
    password: PASSWORD,
  }),
  'POST /api/v2/users': (fx) => {
    const username = fx.uniq('user');
    return { email: `${username}@example.com`, username, password: PASSWORD, organization_id: fx.orgId };
  },
  'PUT /api/v2/users/{user}/roles': () => ({ roles: ['auditor'] }),
  'PUT /api/v2/users/{user}/profile': (fx) => ({ username: fx.target.username, name: 'Fuzz Target' }),
  'PUT /api/v2/users/{user}/password': () => ({ old_password: PASSWORD, password: NEW_PASSWORD }),
  'POST /api/v2/users/{user}/keys/tokens': (fx) => ({
    token_name: fx.uniq('tok'),
    lifetime: 3_600_000_000_000,
    scope: 'all',
  }),
  'PUT /api/v2/organizations/{organization}/members/{user}/roles': () => ({ roles: ['organization-admin'] }),
  'POST /api/v2/organizations/{organization}/templates': (fx) => ({
    name: fx.uniq('tpl'),
    template_version_id: fx.freeVersionId,
    default_ttl_ms: 3_600_000,
  }),
  'PATCH /api/v2/templates/{template}': () => ({
    display_name: 'Fuzz template',
    description: 'fuzzed',
    default_ttl_ms: 3_600_000,
    allow_user_autostart: true,
  }),
  'PATCH /api/v2/templates/{template}/versions': (fx) => ({ id: fx.versionId }),
  'POST /api/v2/organizations/{organization}/templateversions': (fx) => ({
    storage_method: 'file',
    provisioner: 'echo',
    file_id: fx.fileId,
    template_id: fx.templateId,
  }),
  'PATCH /api/v2/templateversions/{templateversion}': () => ({ message: 'fuzzed' }),
  'POST /api/v2/organizations/{organization}/members/{user}/workspaces': (fx) => ({
    name: fx.uniq('ws'),
    template_id: fx.templateId,
    autostart_schedule: 'CRON_TZ=UTC 30 9 * * 1-5',
    ttl_ms: 3_600_000,
  }),
  'POST /api/v2/users/{user}/workspaces': (fx) => ({
    name: fx.uniq('uw'),
    template_id: fx.templateId,
    ttl_ms: 3_600_000,
  }),
  'PUT /api/v2/workspaces/{workspace}/autoupdates': () => ({ automatic_updates: 'never' }),
  'PUT /api/v2/workspaces/{workspace}/autostart': (_fx, rng) => ({
    schedule: rng.pick(['', 'CRON_TZ=UTC 30 9 * * 1-5', '0 7 * * *']),
  }),
  'PUT /api/v2/workspaces/{workspace}/ttl': (_fx, rng) => ({ ttl_ms: rng.pick([null, 3_600_000, 28_800_000]) }),
  'PUT /api/v2/workspaces/{workspace}/extend': () => ({ deadline: new Date(Date.now() + 7_200_000).toISOString() }),
  'POST /api/v2/workspaces/{workspace}/builds': (_fx, rng) => ({ transition: rng.pick(['start', 'stop']) }),
  'POST /api/v2/authcheck': (fx) => ({
    checks: {
      readUsers: { object: { resource_type: 'user' }, action: 'read' },
      editTemplate: {
        object: { resource_type: 'template', organization_id: fx.orgId, resource_id: fx.templateId },
        action: 'update',
      },
    },
  }),
  'PUT /api/v2/appearance': () => ({
    application_name: 'Fuzz',
    logo_url: '',
    service_banner: { enabled: false },
    announcement_banners: [{ enabled: true, message: 'hello', background_color: '#004852' }],
    support_links: [{ name: 'Docs', target: 'https://example.com/docs', icon: 'docs' }],
  }),
  'POST /api/v2/organizations/{organization}/groups': (fx) => ({
    name: fx.uniq('grp'),
    display_name: 'Fuzz group',
    quota_allowance: 5,
  }),
  'PATCH /api/v2/groups/{group}': (fx) => ({
    display_name: 'Fuzz group',
    quota_allowance: 7,
    add_users: [fx.target.id],
  }),
  'PUT /api/v2/users/{user}/quiet-hours': () => ({ schedule: 'CRON_TZ=Europe/Berlin 0 2 * * *' }),
  'PATCH /api/v2/templates/{template}/acl': (fx) => ({
    user_perms: { [fx.target.id]: 'use' },
    group_perms: { [fx.groupId]: 'use' },
  }),
  'POST /api/v2/workspaceproxies/me/register': (_fx, rng) => ({
    access_url: 'https://proxy.example.com',
    wildcard_hostname: '*.proxy.example.com',
    derp_enabled: false,
    derp_only: false,
    replica_id: rng.uuid(),
    hostname: 'proxy-host',
    replica_error: '',
    replica_relay_address: 'https://proxy.example.com:8443',
    version: 'v2.0.0',
  }),
  'POST /api/v2/workspaceproxies/me/deregister': (_fx, rng) => ({ replica_id: rng.uuid() }),
  'POST /api/v2/workspaceproxies': (fx) => ({
    name: fx.uniq('px'),
    display_name: 'Fuzz proxy',
    icon: '/emojis/1f3e1.png',
  }),
  'PATCH /api/v2/workspaceproxies/{workspaceproxy}': (fx) => ({ id: fx.proxyId, display_name: 'Fuzz proxy 2' }),
  'POST /scim/v2/Users': (fx) => scimUser(`${fx.uniq('scim')}@example.com`),
  'PUT /scim/v2/Users/{id}': (fx) => scimUser(fx.scimUserName),
  'PATCH /scim/v2/Users/{id}': () => ({
    schemas: [SCIM.patchOp],
    Operations: [{ op: 'replace', value: { active: true, displayName: 'Fuzz Target' } }],
  }),
  'POST /scim/v2/Users/.search': () => ({
    schemas: [SCIM.search],
    filter: 'userName sw "fz"',
    startIndex: 1,
    count: 10,
    attributes: ['userName'],
  }),
  'POST /scim/v2/Groups': (fx) => ({
    schemas: [SCIM.group],
    displayName: fx.uniq('scimgrp'),
    members: [{ value: fx.scimUserId }],
  }),
  'PUT /scim/v2/Groups/{id}': (fx) => ({
    schemas: [SCIM.group],
    displayName: fx.scimGroupName,
    members: [{ value: fx.scimUserId }],
  }),
  'PATCH /scim/v2/Groups/{id}': (fx) => ({
    schemas: [SCIM.patchOp],
    Operations: [{ op: 'add', path: 'members', value: [{ value: fx.scimUserId }] }],
  }),
  'POST /scim/v2/Groups/.search': () => ({
    schemas: [SCIM.search],
    filter: 'displayName sw "fz"',
    startIndex: 1,
    count: 10,
  }),
};

/** Raw (non-JSON) bodies: template uploads. */
const RAW_BODIES = {
  'POST /api/v2/files': (fx) => ({
    contentType: 'application/json',
    text: JSON.stringify({ ...ECHO_SOURCE, nonce: fx.uniq('n') }),
  }),
};

/** A valid path parameter value (unencoded) for this operation. */
export function validPathValue(op, name, fx, rng) {
  const path = op.path;
  switch (name) {
    case 'organization':
      return rng.weighted([
        [fx.orgId, 8],
        [fx.orgName, 1],
        [fx.org2Id, 1],
      ]);
    case 'user':
      // The target user by default; `me` (the caller) where acting on oneself is the normal use.
      if (/\/(quiet-hours|workspaces|organizations)$|workspace-quota|\/keys\/tokens$/.test(path) && rng.chance(0.4))
        return 'me';
      return rng.chance(0.85) ? fx.target.id : fx.target.username;
    case 'keyid':
      return fx.apiKeyId;
    case 'keyname':
      return fx.apiKeyName;
    case 'organizationname':
      return fx.orgName;
    case 'fileID':
      return fx.fileId;
    case 'templatename':
      return fx.templateName;
    case 'template':
      return op.method === 'DELETE' ? fx.spareTemplateId : fx.templateId;
    case 'templateversion':
      return fx.versionId;
    case 'workspace':
      return fx.workspaceId;
    case 'workspacename':
      return fx.workspaceName;
    case 'workspacebuild':
      return fx.buildId;
    case 'groupName':
      return fx.groupName;
    case 'group':
      return op.method === 'DELETE' ? fx.spareGroupId : rng.chance(0.9) ? fx.groupId : fx.groupName;
    case 'workspaceproxy':
      return op.method === 'DELETE' ? fx.spareProxyId : rng.chance(0.9) ? fx.proxyId : fx.proxyName;
    case 'name':
      return rng.pick(['User', 'Group']);
    case 'id':
      if (/\/licenses\//.test(path)) return String(fx.spareLicenseId);
      if (/\/Users\//.test(path)) return op.method === 'DELETE' ? fx.spareScimUserId : fx.scimUserId;
      if (/\/Groups\//.test(path)) return op.method === 'DELETE' ? fx.spareScimGroupId : fx.scimGroupId;
      if (/\/Schemas\//.test(path)) return rng.pick([SCIM.user, SCIM.group]);
      return rng.uuid();
    default:
      return rng.uuid();
  }
}

/** A valid value for a query parameter, or undefined to leave it out. */
export function validQueryValue(op, param, fx, rng) {
  if (!param.required && rng.chance(0.5)) return undefined;
  const path = op.path;
  switch (param.name) {
    case 'offset':
      return '0';
    case 'limit':
      return String(rng.pick([1, 10, 25]));
    case 'after_id':
      return rng.chance(0.5) ? undefined : fx.target.id;
    case 'q':
      if (path.endsWith('/audit')) return 'resource_type:user';
      if (path.endsWith('/workspaces')) return 'owner:me';
      if (path.endsWith('/users')) return 'status:active';
      return 'fz';
    case 'include_all':
    case 'include_deleted':
      return rng.pick(['true', 'false']);
    case 'follow':
      return undefined;
    case 'before':
      return '0';
    case 'after':
      return '0';
    case 'since':
      return new Date(Date.now() - 86_400_000).toISOString();
    case 'version':
      return 'v2.0.0';
    case 'name':
      return 'fz-daemon';
    case 'tag':
      return 'scope=organization';
    case 'provisioner':
      return 'echo';
    case 'attributes':
      return 'userName';
    case 'excludedAttributes':
      return 'emails';
    case 'count':
      return '10';
    case 'startIndex':
      return '1';
    case 'filter':
      return /Groups/.test(path) ? 'displayName sw "fz"' : 'userName sw "fz"';
    default:
      return exampleScalar(param.schema, rng);
  }
}

export function validHeaderValue(param, fx) {
  switch (param.name.toLowerCase()) {
    case 'coder-provisioner-daemon-psk':
      return fx.psk;
    case 'coder-external-proxy-token':
      return fx.proxyToken;
    default:
      return 'x';
  }
}

function exampleScalar(schema, rng) {
  if (schema?.enum?.length) return String(rng.pick(schema.enum));
  switch (schema?.type) {
    case 'integer':
    case 'number':
      return String(schema.minimum ?? 1);
    case 'boolean':
      return 'true';
    default:
      return 'fz';
  }
}

/** A value fitting `schema` (for operations with no hand-written body). */
export function exampleFromSchema(doc, schema, fx, rng, depth = 0) {
  if (!schema || depth > 4) return undefined;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'array') return [];
  if (schema.type === 'object' || schema.properties) {
    const props = propertiesOf(doc, schema);
    const out = {};
    for (const name of schema.required ?? []) {
      if (props[name]) out[name] = exampleFromSchema(doc, props[name], fx, rng, depth + 1);
    }
    return out;
  }
  if (schema.type === 'boolean') return false;
  if (schema.type === 'number' || schema.type === 'integer') return schema.minimum ?? 1;
  if (schema.format === 'uuid') return rng.uuid();
  if (schema.format === 'email') return `${fx.uniq('e')}@example.com`;
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.format === 'uri') return 'https://example.com/';
  return fx.uniq('v');
}

/**
 * The valid body of an operation: `{ json }` (an object to mutate), `{ raw, contentType }` (a
 * non-JSON upload), or undefined when it takes none.
 */
export function validBody(doc, op, fx, rng) {
  const key = canonicalKey(op);
  if (RAW_BODIES[key]) {
    const { contentType, text } = RAW_BODIES[key](fx, rng);
    return { raw: text, contentType };
  }
  if (!op.body) return undefined;
  const make = BODIES[key];
  return {
    json: make ? make(fx, rng) : (exampleFromSchema(doc, op.body.schema, fx, rng) ?? {}),
    contentType: op.scim ? 'application/scim+json' : 'application/json',
  };
}

/** Whether the operation has a hand-written valid body (the fuzzer's coverage report lists the others). */
export const hasHandWrittenBody = (op) => Boolean(BODIES[canonicalKey(op)] || RAW_BODIES[canonicalKey(op)]);
