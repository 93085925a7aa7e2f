// The requests that build the fuzzer's fixtures, as the owner (shared by their first creation and
// their repair in fixtures.mjs).
import { ECHO_SOURCE, PASSWORD } from './valid.mjs';

const SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Returns the answer's body when its status is the expected one; throws otherwise. */
export function expect(res, status, what) {
  const ok = Array.isArray(status) ? status.includes(res.status) : res.status === status;
  if (!ok) throw new Error(`fixture ${what}: expected ${status}, got ${res.status} ${String(res.text).slice(0, 200)}`);
  return res.body;
}

/** Builders over `fx` (the fixtures, read at call time: ids and the owner's token change). */
export function worldBuilders(client, fx, options) {
  const as = (token) => ({ token });
  // As the owner, signing in again when the token was revoked meanwhile (another lane may have
  // sent POST /users/logout as the owner: that is one of the fuzzed operations).
  const call = async (method, path, opts = {}) => {
    const res = await client.json(method, path, { ...opts, token: fx.owner.token });
    if (res.status !== 401 || !fx.owner.email) return res;
    fx.owner.token = await login(fx.owner.email);
    return client.json(method, path, { ...opts, token: fx.owner.token });
  };
  const scimHeaders = { Authorization: `Bearer ${options.scimKey}`, 'Content-Type': 'application/scim+json' };

  const login = async (email) =>
    expect(
      await client.json('POST', '/api/v2/users/login', { body: { email, password: PASSWORD } }),
      201,
      `login ${email}`,
    ).session_token;

  const createUser = async (prefix) => {
    const username = fx.uniq(prefix);
    const email = `${username}@example.com`;
    const body = expect(
      await call('POST', '/api/v2/users', { body: { email, username, password: PASSWORD, organization_id: fx.orgId } }),
      201,
      'user',
    );
    return { id: body.id, username, email };
  };

  const waitForJob = async (path) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = expect(await call('GET', path), 200, `job ${path}`);
      const job = body.job;
      if (!['pending', 'running'].includes(job.status)) {
        if (job.status !== 'succeeded') throw new Error(`fixture job ${path} ended ${job.status}`);
        return body;
      }
      if (Date.now() > deadline) throw new Error(`fixture job ${path} still ${job.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const importVersion = async (extra = {}) => {
    const v = expect(
      await call('POST', `/api/v2/organizations/${fx.orgId}/templateversions`, {
        body: { storage_method: 'file', provisioner: 'echo', file_id: fx.fileId, ...extra },
      }),
      201,
      'template version',
    );
    await waitForJob(`/api/v2/templateversions/${v.id}`);
    return v.id;
  };

  const createTemplate = async () => {
    const versionId = await importVersion();
    const t = expect(
      await call('POST', `/api/v2/organizations/${fx.orgId}/templates`, {
        body: { name: fx.uniq('tpl'), template_version_id: versionId },
      }),
      201,
      'template',
    );
    return { id: t.id, name: t.name, versionId };
  };

  const createGroup = async () => {
    const g = expect(
      await call('POST', `/api/v2/organizations/${fx.orgId}/groups`, {
        body: { name: fx.uniq('grp'), quota_allowance: 10 },
      }),
      201,
      'group',
    );
    return { id: g.id, name: g.name };
  };

  const createProxy = async () => {
    const p = expect(
      await call('POST', '/api/v2/workspaceproxies', { body: { name: fx.uniq('px'), display_name: 'Fuzz proxy' } }),
      201,
      'proxy',
    );
    return { id: p.proxy.id, name: p.proxy.name, token: p.proxy_token };
  };

  const createScimUser = async () => {
    const userName = `${fx.uniq('scim')}@example.com`;
    const body = {
      schemas: [SCIM_USER],
      userName,
      name: { givenName: 'Fuzz', familyName: 'Scim' },
      emails: [{ primary: true, value: userName, type: 'work' }],
      active: true,
    };
    const u = expect(await client.json('POST', '/scim/v2/Users', { headers: scimHeaders, body }), 201, 'SCIM user');
    return { id: u.id, userName };
  };

  const createScimGroup = async () => {
    const displayName = fx.uniq('scimgrp');
    const g = expect(
      await client.json('POST', '/scim/v2/Groups', {
        headers: scimHeaders,
        body: { schemas: [SCIM_GROUP], displayName, members: [{ value: fx.scimUserId }] },
      }),
      201,
      'SCIM group',
    );
    return { id: g.id, displayName };
  };

  const addLicense = async () =>
    expect(await call('POST', '/api/v2/licenses', { body: { license: await options.issueLicense() } }), 201, 'license')
      .id;

  const createWorkspace = async () => {
    const w = expect(
      await call('POST', `/api/v2/organizations/${fx.orgId}/members/${fx.target.id}/workspaces`, {
        body: { name: fx.uniq('ws'), template_id: fx.templateId },
      }),
      201,
      'workspace',
    );
    await waitForJob(`/api/v2/workspacebuilds/${w.latest_build.id}`);
    return { id: w.id, name: w.name, buildId: w.latest_build.id };
  };

  const createApiKey = async () => {
    const name = fx.uniq('key');
    const { key } = expect(
      await call('POST', `/api/v2/users/${fx.target.id}/keys/tokens`, { body: { token_name: name } }),
      201,
      'API key',
    );
    return { id: key.split('-')[0], name };
  };

  return {
    as,
    call,
    login,
    scimHeaders,
    createUser,
    waitForJob,
    importVersion,
    createTemplate,
    createGroup,
    createProxy,
    createScimUser,
    createScimGroup,
    addLicense,
    createWorkspace,
    createApiKey,
  };
}
