import { issueLicense } from '../helpers/licenses.js';
import { auth, createKeyUser, PASSWORD, unique } from '../helpers/world.js';
import { freshPasswordUser, freshSuspendedUser, freshUser } from './fresh.js';
import { omit, ownerGet, SENTINEL, type Fresh, type MassProbe } from './mass-assignment.js';
import type { MatrixWorld } from './matrix-world.js';
import type { Json } from '../helpers/json.js';

/**
 * Mass-assignment probes of licenses, sessions, users, API keys, organizations and members, and
 * the caller's own settings. Objects are made in organization A by the owner unless said
 * otherwise; organization B's ids and its member are what the extras try to plant.
 */
const NEW_PASSWORD = 'AnotherStrongPassword!2';

const userReadBack = (w: MatrixWorld, f: Fresh) => ownerGet(w, `/api/v2/users/${f.userId as string}`);

/** A fresh user of A (no password), its username and email as the run's own strings. */
async function userFresh(w: MatrixWorld): Promise<Fresh> {
  const user = await freshUser(w, w.A);
  return { vars: [user.username, user.email], userId: user.userId, token: user.token };
}

export const USER_MASS_PROBES: Record<string, MassProbe> = {
  'POST /api/v2/licenses': {
    setup: async () => ({ vars: [], license: await issueLicense({ features: { audit_log: 1 } }) }),
    request: (_w, f) => ({ method: 'post', path: '/api/v2/licenses', body: { license: f.license } }),
    extras: () => ({
      uuid: SENTINEL.id,
      uploaded_at: SENTINEL.time,
      claims: { features: { user_limit: SENTINEL.number } },
    }),
    readBack: async (w, _f, res) => {
      const stored = ((await ownerGet(w, '/api/v2/licenses')) as Json[]).find((l) => l.id === res.body.id);
      return { features: stored.claims.features, all_features: stored.claims.all_features, trial: stored.claims.trial };
    },
  },
  'POST /api/v2/users/login': {
    setup: async () => ({ vars: [] }),
    request: (w) => ({
      method: 'post',
      path: '/api/v2/users/login',
      token: null,
      body: { email: w.A.user.email, password: PASSWORD },
    }),
    extras: () => ({
      scope: 'application_connect',
      lifetime_seconds: 1,
      expires_at: SENTINEL.time,
      token_name: SENTINEL.text,
      username: SENTINEL.text,
    }),
    readBack: async (w, _f, res) => {
      const token = res.body.session_token as string;
      const me = (await w.t.http.get('/api/v2/users/me').set(auth(token)).expect(200)).body;
      const key = (
        await w.t.http
          .get(`/api/v2/users/me/keys/${token.split('-')[0]}`)
          .set(auth(token))
          .expect(200)
      ).body;
      return {
        me: { id: me.id === w.A.user.userId, roles: me.roles, status: me.status },
        key: omit(key, 'id', 'last_used'),
      };
    },
  },
  'POST /api/v2/users/logout': {
    setup: userFresh,
    request: (_w, f) => ({ method: 'post', path: '/api/v2/users/logout', token: f.token as string, body: {} }),
    // The victim's session must survive whatever the body names.
    readBack: async (w, f) => ({
      caller: (await w.t.http.get('/api/v2/users/me').set(auth(f.token as string))).status,
      victim: (await w.t.http.get('/api/v2/users/me').set(auth(w.B.user.token))).status,
    }),
  },
  'POST /api/v2/organizations': {
    setup: async () => ({ vars: [unique('morg')] }),
    request: (_w, f) => ({ method: 'post', path: '/api/v2/organizations', body: { name: f.vars[0] } }),
    readBack: (w, _f, res) => ownerGet(w, `/api/v2/organizations/${res.body.id as string}`),
  },
  'POST /api/v2/users': {
    setup: async () => {
      const username = unique('mu');
      return { vars: [username, `${username}@example.com`] };
    },
    request: (w, f) => ({
      method: 'post',
      path: '/api/v2/users',
      body: { email: f.vars[1], username: f.vars[0], password: PASSWORD, organization_id: w.A.id },
    }),
    writable: ['roles', 'login_type'],
    extras: () => ({
      email_verified: true,
      last_seen_at: SENTINEL.time,
      avatar_url: SENTINEL.url,
      theme_preference: SENTINEL.text,
    }),
    readBack: (w, _f, res) => ownerGet(w, `/api/v2/users/${res.body.id as string}`),
  },
  'PUT /api/v2/users/:user/status/suspend': {
    setup: userFresh,
    request: (_w, f) => ({ method: 'put', path: `/api/v2/users/${f.userId as string}/status/suspend`, body: {} }),
    extras: () => ({ status: 'active' }),
    readBack: (w, f) => userReadBack(w, f),
  },
  'PUT /api/v2/users/:user/status/activate': {
    setup: async (w) => {
      const user = await freshSuspendedUser(w, w.A);
      return { vars: [user.username, user.email], userId: user.userId };
    },
    request: (_w, f) => ({ method: 'put', path: `/api/v2/users/${f.userId as string}/status/activate`, body: {} }),
    readBack: (w, f) => userReadBack(w, f),
  },
  'PUT /api/v2/users/:user/roles': {
    setup: userFresh,
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/users/${f.userId as string}/roles`,
      body: { roles: ['auditor'] },
    }),
    extras: () => ({ email: `${SENTINEL.text}@example.com`, username: SENTINEL.text }),
    readBack: (w, f) => userReadBack(w, f),
  },
  'PUT /api/v2/users/:user/profile': {
    setup: userFresh,
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/users/${f.userId as string}/profile`,
      body: { username: f.vars[0], name: 'Mass Name' },
    }),
    extras: () => ({ email: `${SENTINEL.text}@example.com`, last_seen_at: SENTINEL.time }),
    readBack: (w, f) => userReadBack(w, f),
  },
  'PUT /api/v2/users/:user/password': {
    setup: async (w) => {
      const userId = await freshPasswordUser(w, w.A);
      const user = await ownerGet(w, `/api/v2/users/${userId}`);
      return { vars: [user.username, user.email], userId, email: user.email };
    },
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/users/${f.userId as string}/password`,
      body: { password: NEW_PASSWORD },
    }),
    writable: ['old_password'],
    readBack: async (w, f) => ({
      user: await userReadBack(w, f),
      login: (await w.t.http.post('/api/v2/users/login').send({ email: f.email, password: NEW_PASSWORD })).status,
    }),
  },
  'POST /api/v2/users/:user/keys': {
    setup: userFresh,
    request: (_w, f) => ({ method: 'post', path: `/api/v2/users/${f.userId as string}/keys`, body: {} }),
    extras: () => ({
      scope: 'application_connect',
      lifetime_seconds: 1,
      expires_at: SENTINEL.time,
      token_name: SENTINEL.text,
    }),
    readBack: async (w, f, res) =>
      omit(
        await ownerGet(w, `/api/v2/users/${f.userId as string}/keys/${(res.body.key as string).split('-')[0]}`),
        'id',
        'last_used',
      ),
  },
  'POST /api/v2/users/:user/keys/tokens': {
    setup: async (w) => ({ ...(await userFresh(w)), tokenName: unique('mk') }),
    request: (_w, f) => ({
      method: 'post',
      path: `/api/v2/users/${f.userId as string}/keys/tokens`,
      body: { token_name: f.tokenName, lifetime: 3_600_000_000_000 },
    }),
    extras: () => ({ lifetime_seconds: 1, expires_at: SENTINEL.time, last_used: SENTINEL.time }),
    readBack: async (w, f) =>
      omit(
        await ownerGet(w, `/api/v2/users/${f.userId as string}/keys/tokens/${f.tokenName as string}`),
        'id',
        'last_used',
        'token_name',
      ),
  },
  'POST /api/v2/organizations/:organization/members/:user': {
    setup: async (w) => {
      const user = await createKeyUser(w.t, w.owner, { orgId: w.B.id });
      return { vars: [user.username], userId: user.userId };
    },
    request: (w, f) => ({
      method: 'post',
      path: `/api/v2/organizations/${w.A.id}/members/${f.userId as string}`,
      body: {},
    }),
    extras: () => ({ roles: ['organization-admin'] }),
    readBack: async (w, f) =>
      ((await ownerGet(w, `/api/v2/organizations/${w.A.id}/members`)) as Json[]).find((m) => m.user_id === f.userId),
  },
  'PUT /api/v2/organizations/:organization/members/:user/roles': {
    setup: userFresh,
    request: (w, f) => ({
      method: 'put',
      path: `/api/v2/organizations/${w.A.id}/members/${f.userId as string}/roles`,
      body: { roles: ['organization-admin'] },
    }),
    readBack: async (w, f) => ({
      member: ((await ownerGet(w, `/api/v2/organizations/${w.A.id}/members`)) as Json[]).find(
        (m) => m.user_id === f.userId,
      ),
      user: await userReadBack(w, f),
    }),
  },
  'POST /api/v2/authcheck': {
    setup: async () => ({ vars: [] }),
    request: (w) => ({
      method: 'post',
      path: '/api/v2/authcheck',
      token: w.A.user.token,
      body: {
        checks: {
          readUsers: { object: { resource_type: 'user' }, action: 'read' },
          createOrg: { object: { resource_type: 'organization' }, action: 'create' },
        },
      },
    }),
    readBack: async (_w, _f, res) => res.body,
  },
  'PUT /api/v2/appearance': {
    setup: async (w) => ({ vars: [], current: await ownerGet(w, '/api/v2/appearance') }),
    request: (_w, f) => ({ method: 'put', path: '/api/v2/appearance', body: f.current as Record<string, unknown> }),
    readBack: (w) => ownerGet(w, '/api/v2/appearance'),
  },
  'PUT /api/v2/users/:user/quiet-hours': {
    setup: userFresh,
    request: (_w, f) => ({
      method: 'put',
      path: `/api/v2/users/${f.userId as string}/quiet-hours`,
      body: { schedule: 'CRON_TZ=UTC 0 3 * * *' },
    }),
    extras: () => ({
      user_set: false,
      user_can_set: false,
      raw_schedule: 'CRON_TZ=Europe/Paris 0 9 * * *',
      time: '09:00',
      timezone: 'Europe/Paris',
      next: SENTINEL.time,
    }),
    readBack: (w, f) => ownerGet(w, `/api/v2/users/${f.userId as string}/quiet-hours`),
  },
};
