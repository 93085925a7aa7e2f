import request from 'supertest';
import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { createTemplate, importVersion, createWorkspace, waitForBuild } from '../helpers/templates.js';
import { SIGN_IN_CHECKS, signInAnswer } from '../helpers/sign-in-checks.js';
import { auth, createUser, PASSWORD, unique, type Session } from '../helpers/world.js';
import { expectShape } from './contract.js';
import { DASHBOARD_OPTION_NAMES, F6_FEATURE_NAMES } from './schemas.js';

/**
 * Coder's dashboard of Oct 2023 (site/src/api/api.ts at f6cf76cf) against this server, as a browser
 * drives it: the session lives only in the `coder_session_token` cookie that the login sets, the
 * calls come in the order the SPA mounts (../shared/spec/coder-clients.md §2), and each answer is
 * checked against the type the SPA reads. Any step the SPA cannot survive fails here.
 */

type Agent = ReturnType<typeof request.agent>;

const ALL = signInAnswer('owner');
const NONE = signInAnswer('member');

describe('contract: the Oct 2023 dashboard signs in and loads its pages with a cookie', () => {
  let w: World;
  let member: Session;
  let templateId: string;

  beforeAll(async () => {
    w = await openWorld();
    const { t, owner } = w;
    await addLicense(t, owner, 'all');
    // The license turns workspace quotas on: a budget for everyone, so the workspaces build.
    await t.http
      .patch(`/api/v2/groups/${owner.orgId}`)
      .set(auth(owner.token))
      .send({ quota_allowance: 1000 })
      .expect(200);
    member = await createUser(t, owner);
    const version = await importVersion(t, owner, owner.orgId);
    templateId = (await createTemplate(t, owner, owner.orgId, version.id as string)).id;
    const workspace = await createWorkspace(t, member, owner.orgId, templateId);
    const built = await waitForBuild(t, member, workspace.latest_build.id);
    expect((built.job as { status: string }).status).toBe('succeeded');
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  const browser = (): Agent => request.agent(w.t.baseUrl);

  /** The login page: what a signed-out browser asks (A1, then A3 in parallel). */
  async function loginPage(agent: Agent) {
    const me = await agent.get('/api/v2/users/me');
    expect(me.status).toBe(401);
    expectShape('Response', me.body);
    const [first, methods] = await Promise.all([
      agent.get('/api/v2/users/first'),
      agent.get('/api/v2/users/authmethods'),
    ]);
    expect([first.status, methods.status]).toEqual([200, 200]);
    expectShape('AuthMethods', methods.body);
    expect(methods.body.password.enabled).toBe(true);
  }

  /** `signIn`: login, then the user and the permissions in parallel. Returns the user. */
  async function signIn(agent: Agent, email: string, expected: Record<string, boolean>) {
    const login = await agent.post('/api/v2/users/login').send({ email, password: PASSWORD });
    expect(login.status).toBe(201);
    expect(String(login.headers['set-cookie'])).toMatch(/coder_session_token=/);
    const [me, authcheck] = await Promise.all([
      agent.get('/api/v2/users/me'),
      agent.post('/api/v2/authcheck').send({ checks: SIGN_IN_CHECKS }),
    ]);
    expect([me.status, authcheck.status]).toEqual([200, 200]);
    expectShape('User', me.body);
    // The SPA uses organization_ids[0] as "the" organization.
    expect(me.body.organization_ids.length).toBeGreaterThan(0);
    expectShape('AuthorizationResponse', authcheck.body);
    expect(authcheck.body).toEqual(expected);
    return me.body as { id: string; organization_ids: string[] };
  }

  /** DashboardProvider, ProxyProvider, DashboardLayout and the /workspaces landing page. */
  async function firstLoad(agent: Agent, orgId: string, permissions: Record<string, boolean>) {
    const [build, entitlements, experiments, appearance] = await Promise.all([
      agent.get('/api/v2/buildinfo'),
      agent.get('/api/v2/entitlements'),
      agent.get('/api/v2/experiments'),
      agent.get('/api/v2/appearance'),
    ]);
    expect([build.status, entitlements.status, experiments.status, appearance.status]).toEqual([200, 200, 200, 200]);
    expectShape('BuildInfoResponse', build.body);
    expectShape('Entitlements', entitlements.body);
    expectShape('Experiments', experiments.body);
    expectShape('AppearanceConfig', appearance.body);

    if (permissions.editWorkspaceProxies) {
      const proxies = await agent.get('/api/v2/workspaceproxies');
      expect(proxies.status).toBe(200);
      expectShape('WorkspaceProxiesResponse', proxies.body);
      expect(proxies.body.regions.map((r: { name: string }) => r.name)).toContain('primary');
    } else {
      const regions = await agent.get('/api/v2/regions');
      expect(regions.status).toBe(200);
      expectShape('RegionsResponse', regions.body);
      expect(regions.body.regions.map((r: { name: string }) => r.name)).toContain('primary');
    }
    if (permissions.viewUpdateCheck) {
      const update = await agent.get('/api/v2/updatecheck');
      expect(update.status).toBe(200);
      expectShape('UpdateCheckResponse', update.body);
    }
    // Fetched whatever the permissions; a refusal only hides the banner.
    const stats = await agent.get('/api/v2/deployment/stats');
    if (permissions.viewDeploymentStats) {
      expect(stats.status).toBe(200);
      expectShape('DeploymentStats', stats.body);
    } else {
      expect(stats.status).toBe(403);
      expectShape('Response', stats.body);
    }

    const [templates, workspaces, dormant] = await Promise.all([
      agent.get(`/api/v2/organizations/${orgId}/templates`),
      agent.get('/api/v2/workspaces').query({ q: 'owner:me', limit: 25, offset: 0 }),
      agent.get('/api/v2/workspaces').query({ q: 'owner:me dormant_at:1970-01-01' }),
    ]);
    expect([templates.status, workspaces.status, dormant.status]).toEqual([200, 200, 200]);
    for (const template of templates.body) expectShape('Template', template);
    expectShape('WorkspacesResponse', workspaces.body);
    expectShape('WorkspacesResponse', dormant.body);
    if (permissions.viewDeploymentValues) {
      const users = await agent.get('/api/v2/users').query({ limit: 25 });
      expect(users.status).toBe(200);
      expectShape('GetUsersResponse', users.body);
    }
    return { entitlements: entitlements.body, workspaces: workspaces.body };
  }

  async function signOut(agent: Agent) {
    const [methods, logout] = await Promise.all([
      agent.get('/api/v2/users/authmethods'),
      agent.post('/api/v2/users/logout'),
    ]);
    expect([methods.status, logout.status]).toEqual([200, 200]);
    expect((await agent.get('/api/v2/users/me')).status).toBe(401);
  }

  it('every feature name the 2023 dashboard indexes is in /entitlements, signed out too', async () => {
    const res = await browser().get('/api/v2/entitlements').expect(200);
    expectShape('Entitlements', res.body);
    expect(Object.keys(res.body.features)).toEqual(expect.arrayContaining(F6_FEATURE_NAMES));
  });

  it('an owner: login page, sign in, first load, sign out', async () => {
    const agent = browser();
    await loginPage(agent);
    const me = await signIn(agent, w.owner.email, ALL);
    const { workspaces } = await firstLoad(agent, me.organization_ids[0], ALL);
    expect(workspaces.count).toBe(0);
    await signOut(agent);
  });

  it('a member: the same sequence with the permissions of a member', async () => {
    const agent = browser();
    await loginPage(agent);
    const me = await signIn(agent, member.email, NONE);
    const { workspaces } = await firstLoad(agent, me.organization_ids[0], NONE);
    expect(workspaces.count).toBe(1);
    await signOut(agent);
  });

  it.each(['auditor', 'template-admin', 'user-admin'])(
    "a %s: sign in and first load with that role's permissions (Coder's roles.go)",
    async (role) => {
      const user = await createUser(w.t, w.owner, { roles: [role] });
      const agent = browser();
      const expected = signInAnswer(role);
      const me = await signIn(agent, user.email, expected);
      await firstLoad(agent, me.organization_ids[0], expected);
    },
  );

  it('the deployment pages: config options, licenses, appearance round trip, users and groups', async () => {
    const agent = browser();
    await signIn(agent, w.owner.email, ALL);
    const config = await agent.get('/api/v2/deployment/config').expect(200);
    expectShape('DeploymentConfig', config.body);
    const names = config.body.options.map((o: { name?: string }) => o.name);
    expect(names).toEqual(expect.arrayContaining(DASHBOARD_OPTION_NAMES));
    expect(typeof config.body.config).toBe('object');

    const licenses = await agent.get('/api/v2/licenses').expect(200);
    for (const license of licenses.body) expectShape('License', license);

    const refresh = await agent.post('/api/v2/licenses/refresh-entitlements');
    expect([200, 400]).toContain(refresh.status);
    expectShape('Response', refresh.body);

    // The Appearance form PUTs the whole GET answer back, edited.
    const before = await agent.get('/api/v2/appearance').expect(200);
    const edited = {
      ...before.body,
      application_name: 'Dev Cloud',
      service_banner: { enabled: true, message: 'hi', background_color: '#004852' },
    };
    const put = await agent.put('/api/v2/appearance').send(edited).expect(200);
    expectShape('AppearanceConfig', put.body);
    const after = await agent.get('/api/v2/appearance').expect(200);
    expectShape('AppearanceConfig', after.body);
    expect(after.body.application_name).toBe('Dev Cloud');
    expect(after.body.service_banner).toEqual(edited.service_banner);

    const ssh = await agent.get('/api/v2/deployment/ssh').expect(200);
    expectShape('SSHConfigResponse', ssh.body);

    const groups = await agent.get(`/api/v2/organizations/${w.owner.orgId}/groups`).expect(200);
    for (const group of groups.body) expectShape('Group', group);
    const audit = await agent.get('/api/v2/audit').query({ limit: 25 }).expect(200);
    expectShape('AuditLogResponse', audit.body);
    expect(audit.body.count).toBeGreaterThan(0);
  });

  it("a template's Permissions page: the ACL and the user and group picker", async () => {
    const agent = browser();
    await signIn(agent, w.owner.email, ALL);
    const acl = await agent.get(`/api/v2/templates/${templateId}/acl`).expect(200);
    expectShape('TemplateACL', acl.body);
    const available = await agent
      .get(`/api/v2/templates/${templateId}/acl/available`)
      .query({ q: member.username.slice(0, 5) })
      .expect(200);
    expectShape('ACLAvailable', available.body);
    expect(available.body.users.map((u: { id: string }) => u.id)).toContain(member.userId);
    expect(available.body.groups.map((g: { id: string }) => g.id)).toContain(w.owner.orgId);
  });

  it("a workspace's schedule page and the topbar's deadline buttons", async () => {
    // A user of its own: the first-load tests count the member's workspaces.
    const user = await createUser(w.t, w.owner);
    const agent = browser();
    await signIn(agent, user.email, NONE);
    const created = await agent
      .post(`/api/v2/organizations/${w.owner.orgId}/members/me/workspaces`)
      .send({ template_id: templateId, name: unique('sched'), ttl_ms: 3_600_000 })
      .expect(201);
    await waitForBuild(w.t, user, created.body.latest_build.id);
    const id = created.body.id as string;
    // WorkspaceSchedulePage submits autostart, then autostop (formToRequest: `ttl_ms` undefined when off).
    await agent.put(`/api/v2/workspaces/${id}/autostart`).send({ schedule: 'CRON_TZ=UTC 30 9 * * 1-5' }).expect(204);
    await agent
      .put(`/api/v2/workspaces/${id}/ttl`)
      .send({ ttl_ms: 2 * 3_600_000 })
      .expect(204);
    const after = await agent.get(`/api/v2/workspaces/${id}`).expect(200);
    expectShape('Workspace', after.body);
    expect(after.body).toMatchObject({ autostart_schedule: 'CRON_TZ=UTC 30 9 * * 1-5', ttl_ms: 2 * 3_600_000 });
    // The topbar's "+" sends the new deadline as a Dayjs (its JSON: ISO 8601 with milliseconds, UTC).
    const deadline = new Date(new Date(after.body.latest_build.deadline as string).getTime() + 3_600_000);
    const extended = await agent.put(`/api/v2/workspaces/${id}/extend`).send({ deadline: deadline.toISOString() });
    expect(extended.status).toBe(200);
    expectShape('Response', extended.body);
    const read = await agent.get(`/api/v2/workspaces/${id}`).expect(200);
    expect(read.body.latest_build.deadline).toBe(deadline.toISOString());
    await agent.put(`/api/v2/workspaces/${id}/autostart`).send({ schedule: '' }).expect(204);
    await agent.put(`/api/v2/workspaces/${id}/ttl`).send({}).expect(204);
    const off = await agent.get(`/api/v2/workspaces/${id}`).expect(200);
    expectShape('Workspace', off.body);
    expect(off.body.autostart_schedule).toBeUndefined();
    expect(off.body.ttl_ms).toBeUndefined();
  });

  it('a signed-in non-owner cannot read the deployment configuration', async () => {
    const res = await w.t.http.get('/api/v2/deployment/config').set(auth(member.token)).expect(403);
    expectShape('Response', res.body);
  });
});
