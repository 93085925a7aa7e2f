import { oktaUser, SCIM_GROUP, SCIM_KEY, SCIM_PATCH } from '../helpers/scim.js';
import { unique } from '../helpers/world.js';
import { omit, ownerGet, SENTINEL, type Fresh, type MassProbe, type Sent } from './mass-assignment.js';
import type { MatrixWorld } from './matrix-world.js';
import type { Json } from '../helpers/json.js';

/**
 * SCIM writes, on both mounts. SCIM's own read-only attributes (`id`, `meta`, a user's `groups`)
 * and Coder fields an identity provider must not set (roles, status, organization, quota) are
 * planted; SCIM names its attributes differently, so the common extras are not used as such.
 */
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

function scimExtras(w: MatrixWorld): Record<string, unknown> {
  return {
    mass_assignment_unknown_field: SENTINEL.text,
    id: SENTINEL.id,
    meta: {
      resourceType: 'Group',
      created: SENTINEL.time,
      lastModified: SENTINEL.time,
      location: SENTINEL.url,
      version: SENTINEL.text,
    },
    groups: [{ value: w.B.group.id, display: SENTINEL.text }],
    roles: [{ value: 'owner', primary: true }],
    rbac_roles: ['owner'],
    status: 'suspended',
    login_type: 'password',
    organization_id: w.B.id,
    quota_allowance: SENTINEL.number,
    source: 'user',
    created_at: SENTINEL.time,
  };
}

const scimRequest = (method: Sent['method'], path: string, body: Record<string, unknown>): Sent => ({
  method,
  path,
  body,
  token: null,
  headers: { Authorization: `Bearer ${SCIM_KEY}` },
  contentType: 'application/scim+json',
});

async function scimGet(w: MatrixWorld, path: string): Promise<Json> {
  return (await w.t.http.get(path).set('Authorization', `Bearer ${SCIM_KEY}`).expect(200)).body;
}

/** A SCIM resource without what differs by construction between two fresh ones. */
function stable(resource: Record<string, unknown>): Record<string, unknown> {
  return { ...omit(resource, 'meta'), meta: omit(resource.meta as Record<string, unknown>, 'version', 'location') };
}

async function userReadBack(w: MatrixWorld, mount: string, id: string) {
  const coder = await ownerGet(w, `/api/v2/users/${id}`);
  return { scim: stable(await scimGet(w, `${mount}/Users/${id}`)), coder: omit(coder, 'last_seen_at') };
}

async function groupReadBack(w: MatrixWorld, mount: string, id: string) {
  return { scim: stable(await scimGet(w, `${mount}/Groups/${id}`)), coder: await ownerGet(w, `/api/v2/groups/${id}`) };
}

async function userFresh(w: MatrixWorld, mount: string, create: boolean): Promise<Fresh> {
  const userName = `${unique('su')}@example.com`;
  const body = oktaUser(userName);
  const vars = [userName, userName.split('@')[0], body.externalId as string];
  if (!create) return { vars, userName };
  const res = await w.t.http
    .post(`${mount}/Users`)
    .set('Authorization', `Bearer ${SCIM_KEY}`)
    .set('Content-Type', 'application/scim+json')
    .send(JSON.stringify(body))
    .expect(201);
  return { vars, userName, id: res.body.id as string };
}

async function groupFresh(w: MatrixWorld, mount: string, create: boolean): Promise<Fresh> {
  const displayName = unique('Mass Team ');
  const vars = [displayName, displayName.replace(/ /g, '-')];
  if (!create) return { vars, displayName };
  const res = await w.t.http
    .post(`${mount}/Groups`)
    .set('Authorization', `Bearer ${SCIM_KEY}`)
    .set('Content-Type', 'application/scim+json')
    .send(JSON.stringify({ schemas: [SCIM_GROUP], displayName, members: [{ value: w.A.user.userId }] }))
    .expect(201);
  return { vars, displayName, id: res.body.id as string };
}

/** A path-less PatchOp whose value object also carries the planted attributes. */
const plantInValue = (body: Record<string, unknown>, extras: Record<string, unknown>) => {
  const [op] = body.Operations as { op: string; value: Record<string, unknown> }[];
  return { ...body, ...extras, Operations: [{ ...op, value: { ...op.value, ...extras } }] };
};

function probesFor(mount: string): Record<string, MassProbe> {
  const key = (method: string, sub: string) => `${method} ${mount}${sub}`;
  return {
    [key('POST', '/Users')]: {
      noCommonExtras: true,
      setup: (w) => userFresh(w, mount, false),
      request: (_w, f) => scimRequest('post', `${mount}/Users`, oktaUser(f.userName as string)),
      extras: scimExtras,
      readBack: (w, _f, res) => userReadBack(w, mount, res.body.id as string),
    },
    [key('PUT', '/Users/:id')]: {
      noCommonExtras: true,
      setup: (w) => userFresh(w, mount, true),
      request: (_w, f) =>
        scimRequest(
          'put',
          `${mount}/Users/${f.id as string}`,
          oktaUser(f.userName as string, { displayName: 'Mass Put' }),
        ),
      extras: scimExtras,
      readBack: (w, f) => userReadBack(w, mount, f.id as string),
    },
    [key('PATCH', '/Users/:id')]: {
      noCommonExtras: true,
      setup: (w) => userFresh(w, mount, true),
      request: (_w, f) =>
        scimRequest('patch', `${mount}/Users/${f.id as string}`, {
          schemas: [SCIM_PATCH],
          Operations: [{ op: 'replace', value: { displayName: 'Mass Patch' } }],
        }),
      extras: scimExtras,
      plant: plantInValue,
      readBack: (w, f) => userReadBack(w, mount, f.id as string),
    },
    [key('POST', '/Users/.search')]: {
      noCommonExtras: true,
      setup: async (w) => ({ vars: [], userName: w.A.user.email }),
      request: (_w, f) =>
        scimRequest('post', `${mount}/Users/.search`, {
          schemas: [SEARCH],
          filter: `emails.value eq "${f.userName as string}"`,
        }),
      extras: scimExtras,
      readBack: async (_w, _f, res) => res.body,
    },
    [key('POST', '/Groups')]: {
      noCommonExtras: true,
      setup: (w) => groupFresh(w, mount, false),
      request: (w, f) =>
        scimRequest('post', `${mount}/Groups`, {
          schemas: [SCIM_GROUP],
          displayName: f.displayName,
          members: [{ value: w.A.user.userId }],
        }),
      extras: (w) => omit(scimExtras(w), 'groups'),
      readBack: (w, _f, res) => groupReadBack(w, mount, res.body.id as string),
    },
    [key('PUT', '/Groups/:id')]: {
      noCommonExtras: true,
      setup: (w) => groupFresh(w, mount, true),
      request: (_w, f) =>
        scimRequest('put', `${mount}/Groups/${f.id as string}`, {
          schemas: [SCIM_GROUP],
          displayName: f.displayName,
          members: [],
        }),
      extras: (w) => omit(scimExtras(w), 'groups'),
      readBack: (w, f) => groupReadBack(w, mount, f.id as string),
    },
    [key('PATCH', '/Groups/:id')]: {
      noCommonExtras: true,
      setup: (w) => groupFresh(w, mount, true),
      request: (_w, f) =>
        scimRequest('patch', `${mount}/Groups/${f.id as string}`, {
          schemas: [SCIM_PATCH],
          Operations: [{ op: 'replace', value: { externalId: 'mass-external' } }],
        }),
      extras: (w) => omit(scimExtras(w), 'groups'),
      plant: plantInValue,
      readBack: (w, f) => groupReadBack(w, mount, f.id as string),
    },
    [key('POST', '/Groups/.search')]: {
      noCommonExtras: true,
      setup: async (w) => ({ vars: [], name: w.A.group.name }),
      request: (_w, f) =>
        scimRequest('post', `${mount}/Groups/.search`, {
          schemas: [SEARCH],
          filter: `displayName eq "${f.name as string}"`,
        }),
      extras: (w) => omit(scimExtras(w), 'groups'),
      readBack: async (_w, _f, res) => res.body,
    },
  };
}

export const SCIM_MASS_PROBES: Record<string, MassProbe> = {
  ...probesFor('/scim/v2'),
  ...probesFor('/api/v2/scim/v2'),
};
