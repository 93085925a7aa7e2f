// The fuzzer's world, built through the API: an owner, a member and a target user, organizations,
// groups, a template with versions, a workspace with a build, a workspace proxy, an API key, SCIM
// users and groups, licenses. Valid path parameters point at these, so mutations reach deep code.
// A request may delete or disable one of them (that is the point): `heal` puts it back.
import { ECHO_SOURCE, PASSWORD } from './valid.mjs';
import { expect, worldBuilders } from './world.mjs';

/**
 * @param client  createClient(...) of ./http.mjs
 * @param options { issueLicense: () => Promise<string> (a JWT granting every feature), scimKey, psk }
 */
export async function createFixtures(client, options) {
  let seq = 0;
  const runTag = Math.random().toString(36).slice(2, 6);
  const fx = {
    scimKey: options.scimKey,
    psk: options.psk,
    uniq: (prefix) => `fz${prefix}${++seq}${runTag}`.slice(0, 32),
  };
  const {
    as,
    call,
    login,
    scimHeaders,
    createUser,
    importVersion,
    createTemplate,
    createGroup,
    createProxy,
    createScimUser,
    createScimGroup,
    addLicense,
    createWorkspace,
    createApiKey,
  } = worldBuilders(client, fx, options);
  // --- the world ---
  const first = { email: `${fx.uniq('owner')}@example.com`, username: fx.uniq('owner') };
  const created = expect(
    await client.json('POST', '/api/v2/users/first', { body: { ...first, password: PASSWORD } }),
    201,
    'first user',
  );
  fx.owner = { id: created.user_id, ...first, token: await login(first.email) };
  fx.orgId = created.organization_id;
  fx.licenseJwt = await options.issueLicense();
  expect(await call('POST', '/api/v2/licenses', { body: { license: fx.licenseJwt } }), 201, 'license');
  fx.spareLicenseId = await addLicense();
  fx.orgName = expect(await call('GET', `/api/v2/organizations/${fx.orgId}`), 200, 'organization').name;
  fx.org2Id = expect(
    await call('POST', '/api/v2/organizations', { body: { name: fx.uniq('org') } }),
    201,
    'organization',
  ).id;
  const member = await createUser('member');
  fx.member = { ...member, token: await login(member.email) };
  fx.target = await createUser('target');
  Object.assign(fx, await apiKeyFields(createApiKey));
  const group = await createGroup();
  fx.groupId = group.id;
  fx.groupName = group.name;
  expect(
    await call('PATCH', `/api/v2/groups/${fx.groupId}`, { body: { add_users: [fx.target.id, fx.member.id] } }),
    200,
    'group members',
  );
  fx.spareGroupId = (await createGroup()).id;
  fx.fileId = expect(await call('POST', '/api/v2/files', { body: JSON.stringify(ECHO_SOURCE) }), 201, 'file').hash;
  const template = await createTemplate();
  fx.templateId = template.id;
  fx.templateName = template.name;
  fx.versionId = template.versionId;
  fx.spareTemplateId = (await createTemplate()).id;
  fx.freeVersionId = await importVersion();
  const workspace = await createWorkspace();
  fx.workspaceId = workspace.id;
  fx.workspaceName = workspace.name;
  fx.buildId = workspace.buildId;
  const proxy = await createProxy();
  fx.proxyId = proxy.id;
  fx.proxyName = proxy.name;
  fx.proxyToken = proxy.token;
  fx.spareProxyId = (await createProxy()).id;
  const scimUser = await createScimUser();
  fx.scimUserId = scimUser.id;
  fx.scimUserName = scimUser.userName;
  fx.spareScimUserId = (await createScimUser()).id;
  const scimGroup = await createScimGroup();
  fx.scimGroupId = scimGroup.id;
  fx.scimGroupName = scimGroup.displayName;
  fx.spareScimGroupId = (await createScimGroup()).id;

  /** Every real object id (for "a valid id of another kind" mutations). */
  fx.allIds = () => [
    fx.owner.id,
    fx.member.id,
    fx.target.id,
    fx.orgId,
    fx.org2Id,
    fx.groupId,
    fx.templateId,
    fx.versionId,
    fx.workspaceId,
    fx.buildId,
    fx.proxyId,
    fx.scimUserId,
    fx.scimGroupId,
    fx.fileId,
  ];
  /** Secrets that must never be printed. */
  fx.secrets = () => [fx.owner.token, fx.member.token, fx.proxyToken, options.scimKey, options.psk].filter(Boolean);

  // --- healing ---
  const exists = async (path) => (await call('GET', path)).status === 200;

  // The callers: the owner's token works; the member is still an active plain member of the
  // first organization, signed in.
  const healOwner = async () => {
    if ((await client.json('GET', '/api/v2/users/me', as(fx.owner.token))).status === 200) return false;
    fx.owner.token = await login(fx.owner.email);
    return true;
  };
  const healMember = async () => {
    const me = await client.json('GET', '/api/v2/users/me', as(fx.member.token));
    const fine = (res) =>
      res.status === 200 &&
      res.body.status === 'active' &&
      res.body.roles.length === 0 &&
      res.body.organization_ids.includes(fx.orgId);
    if (fine(me)) return false;
    if (me.status === 401) {
      // Signed out (logout, a password change): signing in again is usually all it takes.
      const again = await client.json('POST', '/api/v2/users/login', {
        body: { email: fx.member.email, password: PASSWORD },
      });
      if (again.status === 201) {
        fx.member.token = again.body.session_token;
        if (fine(await client.json('GET', '/api/v2/users/me', as(fx.member.token)))) return true;
      }
    }
    return repairMember();
  };
  const repairMember = async () => {
    const user = await call('GET', `/api/v2/users/${fx.member.id}`);
    if (user.status !== 200) {
      const fresh = await createUser('member');
      fx.member = { ...fresh, token: await login(fresh.email) };
      return true;
    }
    await call('PUT', `/api/v2/users/${fx.member.id}/status/activate`);
    await call('PUT', `/api/v2/users/${fx.member.id}/roles`, { body: { roles: [] } });
    await call('POST', `/api/v2/organizations/${fx.orgId}/members/${fx.member.id}`);
    await call('PUT', `/api/v2/organizations/${fx.orgId}/members/${fx.member.id}/roles`, { body: { roles: [] } });
    // 400 "cannot match old password" when it was never changed: fine.
    await call('PUT', `/api/v2/users/${fx.member.id}/password`, { body: { password: PASSWORD } });
    const again = await client.json('POST', '/api/v2/users/login', {
      body: { email: fx.member.email, password: PASSWORD },
    });
    if (again.status === 201) fx.member.token = again.body.session_token;
    else {
      // Its email changed (a SCIM write may do that): a new member takes its place.
      const fresh = await createUser('member');
      fx.member = { ...fresh, token: await login(fresh.email) };
    }
    return true;
  };
  const healTarget = async () => {
    const user = await call('GET', `/api/v2/users/${fx.target.id}`);
    if (user.status === 200) {
      fx.target.username = user.body.username;
      if (user.body.status !== 'active') await call('PUT', `/api/v2/users/${fx.target.id}/status/activate`);
      return false;
    }
    fx.target = await createUser('target');
    Object.assign(fx, await apiKeyFields(createApiKey));
    await call('PATCH', `/api/v2/groups/${fx.groupId}`, { body: { add_users: [fx.target.id] } });
    await healWorkspace(true);
    return true;
  };
  const healWorkspace = async (force = false) => {
    const w = await call('GET', `/api/v2/workspaces/${fx.workspaceId}`);
    if (!force && w.status === 200 && w.body.latest_build?.transition !== 'delete') {
      fx.workspaceName = w.body.name;
      return false;
    }
    const workspace = await createWorkspace();
    fx.workspaceId = workspace.id;
    fx.workspaceName = workspace.name;
    fx.buildId = workspace.buildId;
    return true;
  };

  const checks = {
    owner: healOwner,
    member: healMember,
    target: healTarget,
    memberOrgRoles: async () => {
      const roles = await call('GET', `/api/v2/users/${fx.member.id}/roles`);
      if (
        roles.status === 200 &&
        (roles.body.organization_roles?.[fx.orgId] ?? []).every((r) => r === 'organization-member')
      )
        return false;
      return repairMember();
    },
    memberships: async () => {
      const me = await call('GET', '/api/v2/users/me');
      if (me.status === 200 && me.body.organization_ids.includes(fx.orgId)) return false;
      await call('POST', `/api/v2/organizations/${fx.orgId}/members/${fx.owner.id}`);
      return true;
    },
    apiKey: async () =>
      (await exists(`/api/v2/users/${fx.target.id}/keys/${fx.apiKeyId}`))
        ? false
        : (Object.assign(fx, await apiKeyFields(createApiKey)), true),
    group: async () => {
      const g = await call('GET', `/api/v2/groups/${fx.groupId}`);
      if (g.status === 200) return ((fx.groupName = g.body.name), false);
      const group = await createGroup();
      fx.groupId = group.id;
      fx.groupName = group.name;
      return true;
    },
    spareGroup: async () =>
      (await exists(`/api/v2/groups/${fx.spareGroupId}`))
        ? false
        : ((fx.spareGroupId = (await createGroup()).id), true),
    template: async () => {
      const t = await call('GET', `/api/v2/templates/${fx.templateId}`);
      if (t.status === 200) {
        fx.templateName = t.body.name;
        fx.versionId = t.body.active_version_id;
        return false;
      }
      const template = await createTemplate();
      Object.assign(fx, { templateId: template.id, templateName: template.name, versionId: template.versionId });
      await healWorkspace(true);
      return true;
    },
    spareTemplate: async () =>
      (await exists(`/api/v2/templates/${fx.spareTemplateId}`))
        ? false
        : ((fx.spareTemplateId = (await createTemplate()).id), true),
    freeVersion: async () => {
      const v = await call('GET', `/api/v2/templateversions/${fx.freeVersionId}`);
      if (v.status === 200 && !v.body.template_id) return false;
      fx.freeVersionId = await importVersion();
      return true;
    },
    workspace: () => healWorkspace(),
    proxy: async () => {
      const p = await call('GET', `/api/v2/workspaceproxies/${fx.proxyId}`);
      if (p.status === 200) return ((fx.proxyName = p.body.name), false);
      const proxy = await createProxy();
      Object.assign(fx, { proxyId: proxy.id, proxyName: proxy.name, proxyToken: proxy.token });
      return true;
    },
    spareProxy: async () =>
      (await exists(`/api/v2/workspaceproxies/${fx.spareProxyId}`))
        ? false
        : ((fx.spareProxyId = (await createProxy()).id), true),
    licenses: async () => {
      const list = await call('GET', '/api/v2/licenses');
      const ids = (list.body ?? []).map((l) => l.id);
      if (ids.includes(fx.spareLicenseId) && ids.length >= 2) return false;
      if (ids.length === 0) await addLicense();
      if (!ids.includes(fx.spareLicenseId)) fx.spareLicenseId = await addLicense();
      return true;
    },
    scimUser: async () => {
      const u = await client.json('GET', `/scim/v2/Users/${fx.scimUserId}`, { headers: scimHeaders });
      if (u.status === 200 && u.body.active === true) return ((fx.scimUserName = u.body.userName), false);
      const user = await createScimUser();
      Object.assign(fx, { scimUserId: user.id, scimUserName: user.userName });
      return true;
    },
    spareScimUser: async () => {
      const u = await client.json('GET', `/scim/v2/Users/${fx.spareScimUserId}`, { headers: scimHeaders });
      if (u.status === 200 && u.body.active === true) return false;
      fx.spareScimUserId = (await createScimUser()).id;
      return true;
    },
    scimGroup: async () => {
      const g = await client.json('GET', `/scim/v2/Groups/${fx.scimGroupId}`, { headers: scimHeaders });
      if (g.status === 200) return ((fx.scimGroupName = g.body.displayName), false);
      const group = await createScimGroup();
      Object.assign(fx, { scimGroupId: group.id, scimGroupName: group.displayName });
      return true;
    },
    spareScimGroup: async () => {
      if ((await client.json('GET', `/scim/v2/Groups/${fx.spareScimGroupId}`, { headers: scimHeaders })).status === 200)
        return false;
      fx.spareScimGroupId = (await createScimGroup()).id;
      return true;
    },
  };

  let queue = Promise.resolve();
  /**
   * Restores the named fixtures (one at a time: concurrent lanes share them). Returns the names of
   * those that had to be repaired.
   */
  fx.heal = (names) => {
    const run = queue.then(async () => {
      const repaired = [];
      for (const name of names) {
        // Retried after a pause: another lane may have deleted what this repair just created (it
        // may be fuzzing DELETE on that very object), or kept the server busy; a third failure
        // ends the run.
        for (let attempt = 1; ; attempt++) {
          try {
            if (await checks[name]()) repaired.push(name);
            break;
          } catch (err) {
            if (attempt === 3) throw err;
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
      }
      return repaired;
    });
    queue = run.catch(() => undefined);
    return run;
  };
  /** Resolves once no repair is running: lanes wait for it before sending, so a repair is never undone halfway. */
  fx.settled = () => queue;
  fx.healNames = Object.keys(checks);
  return fx;
}

async function apiKeyFields(create) {
  const key = await create();
  return { apiKeyId: key.id, apiKeyName: key.name };
}
