import { issueLicense } from '../helpers/licenses.js';
import { DEFAULT_ECHO } from '../helpers/templates.js';
import { PASSWORD, unique } from '../helpers/world.js';
import { freshLicense, freshPasswordUser, freshSuspendedUser, freshToken, freshUser } from './fresh.js';
import {
  AB,
  ABME,
  ABME_OWNER,
  get,
  ownerRoles,
  SITE,
  siteRolesOf,
  STRONG_PASSWORD_2,
  targetUser,
  tokenOf,
  userParam,
  type Probe,
} from './role-matrix.kit.js';

/** The role matrix's probes of sessions, users, API keys, organizations, members, licenses and files. */
export const USER_PROBES: Record<string, Probe> = {
  // Sessions, first user, authentication methods
  'GET /api/v2/users/first': get(SITE, () => '/api/v2/users/first'),
  'POST /api/v2/users/first': {
    targets: SITE,
    build: () => ({
      path: '/api/v2/users/first',
      body: { email: `${unique('f')}@example.com`, username: unique('f'), password: PASSWORD },
    }),
  },
  'POST /api/v2/users/login': {
    targets: SITE,
    build: ({ w }) => ({ path: '/api/v2/users/login', body: { email: w.A.user.email, password: PASSWORD } }),
  },
  'POST /api/v2/users/logout': { targets: ['me'], asClone: true, build: () => ({ path: '/api/v2/users/logout' }) },
  'GET /api/v2/users/authmethods': get(SITE, () => '/api/v2/users/authmethods'),

  // Users
  'POST /api/v2/users': {
    targets: AB,
    build: ({ org }) => {
      const username = unique('nu');
      return {
        path: '/api/v2/users',
        body: { email: `${username}@example.com`, username, password: PASSWORD, organization_id: org.id },
      };
    },
  },
  'GET /api/v2/users': get(SITE, () => '/api/v2/users'),
  'GET /api/v2/users/roles': get(SITE, () => '/api/v2/users/roles'),
  'GET /api/v2/users/:user': get(ABME, (ctx) => `/api/v2/users/${userParam(ctx)}`),
  // `owner`: another owner, whom only owners may manage (a user admin must not take over an owner).
  'DELETE /api/v2/users/:user': {
    targets: ABME_OWNER,
    asClone: true,
    build: async (ctx) => ({ path: `/api/v2/users/${await targetUser(ctx)}` }),
  },
  'PUT /api/v2/users/:user/status/suspend': {
    targets: ABME_OWNER,
    asClone: true,
    build: async (ctx) => ({ path: `/api/v2/users/${await targetUser(ctx)}/status/suspend` }),
  },
  // No `owner` target: an owner cannot be suspended in the first place.
  'PUT /api/v2/users/:user/status/activate': {
    targets: ABME,
    asClone: true,
    build: async (ctx) => ({
      path: `/api/v2/users/${ctx.target === 'me' ? 'me' : (await freshSuspendedUser(ctx.w, ctx.org)).userId}/status/activate`,
    }),
  },
  // The target's own roles again: a no-op for whoever may assign them.
  'PUT /api/v2/users/:user/roles': {
    targets: ABME_OWNER,
    build: async (ctx) => ({
      path: `/api/v2/users/${await targetUser(ctx)}/roles`,
      body: { roles: ctx.target === 'me' ? siteRolesOf(ctx.caller) : ownerRoles(ctx) },
    }),
  },
  'GET /api/v2/users/:user/roles': get(ABME, (ctx) => `/api/v2/users/${userParam(ctx)}/roles`),
  'PUT /api/v2/users/:user/profile': {
    targets: ABME_OWNER,
    build: async (ctx) => {
      if (ctx.target === 'owner') {
        const owner = await freshUser(ctx.w, ctx.org, ['owner']);
        return { path: `/api/v2/users/${owner.userId}/profile`, body: { username: owner.username } };
      }
      return {
        path: `/api/v2/users/${userParam(ctx)}/profile`,
        body: { username: ctx.target === 'me' ? (ctx.caller.user?.username ?? 'nobody') : ctx.org.user.username },
      };
    },
  },
  // One target per row (scrypt is slow): each caller sets a different password, so the callers
  // allowed to change it all succeed in any order.
  'PUT /api/v2/users/:user/password': {
    targets: ABME_OWNER,
    asClone: 'password',
    prepare: async (ctx) => (ctx.target === 'me' ? undefined : freshPasswordUser(ctx.w, ctx.org, ownerRoles(ctx))),
    build: (ctx) =>
      ctx.target === 'me'
        ? { path: '/api/v2/users/me/password', body: { old_password: PASSWORD, password: STRONG_PASSWORD_2 } }
        : {
            path: `/api/v2/users/${ctx.prepared as string}/password`,
            body: { password: `${STRONG_PASSWORD_2}-${ctx.caller.name}` },
          },
  },

  // API keys
  'POST /api/v2/users/:user/keys': {
    targets: ABME,
    build: (ctx) => ({ path: `/api/v2/users/${userParam(ctx)}/keys` }),
  },
  'POST /api/v2/users/:user/keys/tokens': {
    targets: ABME,
    build: (ctx) => ({ path: `/api/v2/users/${userParam(ctx)}/keys/tokens`, body: { token_name: unique('k') } }),
  },
  'GET /api/v2/users/:user/keys/tokens': get(ABME, (ctx) => `/api/v2/users/${userParam(ctx)}/keys/tokens`),
  'GET /api/v2/users/:user/keys/tokens/tokenconfig': get(
    ABME,
    (ctx) => `/api/v2/users/${userParam(ctx)}/keys/tokens/tokenconfig`,
  ),
  'GET /api/v2/users/:user/keys/tokens/:keyname': get(
    ABME,
    (ctx) => `/api/v2/users/${userParam(ctx)}/keys/tokens/${tokenOf(ctx).name}`,
  ),
  'GET /api/v2/users/:user/keys/:keyid': get(ABME, (ctx) => `/api/v2/users/${userParam(ctx)}/keys/${tokenOf(ctx).id}`),
  'DELETE /api/v2/users/:user/keys/:keyid': {
    targets: ABME,
    build: async (ctx) => {
      const owner = ctx.target === 'me' ? ctx.caller.user?.userId : ctx.org.user.userId;
      return { path: `/api/v2/users/${userParam(ctx)}/keys/${owner ? await freshToken(ctx.w, owner) : 'AbCdEf1234'}` };
    },
  },

  // Organizations and members
  'POST /api/v2/organizations': {
    targets: SITE,
    build: () => ({ path: '/api/v2/organizations', body: { name: unique('o') } }),
  },
  'GET /api/v2/organizations': get(SITE, () => '/api/v2/organizations'),
  'GET /api/v2/organizations/:organization': get(AB, ({ org }) => `/api/v2/organizations/${org.id}`),
  'GET /api/v2/organizations/:organization/members': get(AB, ({ org }) => `/api/v2/organizations/${org.id}/members`),
  'GET /api/v2/organizations/:organization/paginated-members': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/paginated-members`,
  ),
  'GET /api/v2/organizations/:organization/members/roles': get(
    AB,
    ({ org }) => `/api/v2/organizations/${org.id}/members/roles`,
  ),
  // A user of the other organization joins this one.
  'POST /api/v2/organizations/:organization/members/:user': {
    targets: AB,
    build: async ({ w, org }) => {
      const other = org.id === w.A.id ? w.B : w.A;
      return { path: `/api/v2/organizations/${org.id}/members/${(await freshUser(w, other)).userId}` };
    },
  },
  'DELETE /api/v2/organizations/:organization/members/:user': {
    targets: AB,
    build: async ({ w, org }) => ({
      path: `/api/v2/organizations/${org.id}/members/${(await freshUser(w, org)).userId}`,
    }),
  },
  'PUT /api/v2/organizations/:organization/members/:user/roles': {
    targets: AB,
    build: ({ org }) => ({
      path: `/api/v2/organizations/${org.id}/members/${org.user.userId}/roles`,
      body: { roles: [] },
    }),
  },
  'GET /api/v2/users/:user/organizations': get(ABME, (ctx) => `/api/v2/users/${userParam(ctx)}/organizations`),
  'GET /api/v2/users/:user/organizations/:organizationname': get(
    ABME,
    (ctx) => `/api/v2/users/${userParam(ctx)}/organizations/${ctx.org.name}`,
  ),

  // Licenses and entitlements
  'GET /api/v2/entitlements': get(SITE, () => '/api/v2/entitlements'),
  'GET /api/v2/licenses': get(SITE, () => '/api/v2/licenses'),
  'POST /api/v2/licenses': {
    targets: SITE,
    build: async () => ({ path: '/api/v2/licenses', body: { license: await issueLicense({ allFeatures: true }) } }),
  },
  // At most once a minute after the last computation: a license added just before makes the
  // owner's answer the throttle's 400 whatever ran earlier (everyone else stops at the 403).
  'POST /api/v2/licenses/refresh-entitlements': {
    targets: SITE,
    prepare: ({ w }) => freshLicense(w),
    build: () => ({ path: '/api/v2/licenses/refresh-entitlements' }),
  },
  'DELETE /api/v2/licenses/:license': {
    targets: SITE,
    build: async ({ w }) => ({ path: `/api/v2/licenses/${await freshLicense(w)}` }),
  },

  // Files
  'POST /api/v2/files': {
    targets: SITE,
    build: () => ({
      path: '/api/v2/files',
      raw: { contentType: 'application/json', data: JSON.stringify({ ...DEFAULT_ECHO, nonce: unique('n') }) },
    }),
  },
  'GET /api/v2/files/:fileID': get(AB, ({ org }) => `/api/v2/files/${org.fileId}`),
};
