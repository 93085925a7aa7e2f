import request from 'supertest';
import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { addLicense } from '../helpers/licenses.js';
import { createTemplate, createWorkspace, importVersion, waitForBuild } from '../helpers/templates.js';
import { auth, createUser, PASSWORD, unique, type Session } from '../helpers/world.js';
import { expectShape } from './contract.js';
import { FEATURE_NAMES_2026 } from './schemas-2024.js';

/**
 * Coder's current dashboard (site/src/api/api.ts of 2026) on the routes we serve: the calls its
 * pages make, with the parameters it sends (organization and group names in paths, `exclude_members`
 * always present, `has_member`, the member pages), each answer checked against the 2024+ shape set of
 * schemas-2024.ts. The Oct 2023 dashboard keeps its own suite (dashboard.e2e-spec.ts); both hold.
 */

type Agent = ReturnType<typeof request.agent>;

describe('contract: the 2024+ dashboard reads the current shapes', () => {
  let w: World;
  let member: Session;
  let templateId: string;
  let orgName: string;
  let groupName: string;
  let groupId: string;
  let agent: Agent;

  beforeAll(async () => {
    w = await openWorld();
    const { t, owner } = w;
    await addLicense(t, owner, 'all');
    member = await createUser(t, owner);
    const version = await importVersion(t, owner, owner.orgId);
    templateId = (await createTemplate(t, owner, owner.orgId, version.id as string)).id;
    const workspace = await createWorkspace(t, member, owner.orgId, templateId);
    await waitForBuild(t, member, workspace.latest_build.id);
    orgName = (await t.http.get(`/api/v2/organizations/${owner.orgId}`).set(auth(owner.token)).expect(200)).body.name;
    groupName = unique('devs');
    const group = await t.http
      .post(`/api/v2/organizations/${orgName}/groups`)
      .set(auth(owner.token))
      .send({ name: groupName, quota_allowance: 5 });
    if (group.status !== 201) throw new Error(JSON.stringify(group.body));
    expectShape('v2024-Group', group.body);
    groupId = group.body.id;
    await t.http
      .patch(`/api/v2/groups/${groupId}`)
      .set(auth(owner.token))
      .send({ add_users: [member.userId] })
      .expect(200);
    agent = request.agent(t.baseUrl);
    await agent.post('/api/v2/users/login').send({ email: owner.email, password: PASSWORD }).expect(201);
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  it('entitlements: every 2026 feature name, in the current Feature shape, signed out too', async () => {
    const res = await request(w.t.baseUrl).get('/api/v2/entitlements').expect(200);
    expectShape('v2024-Entitlements', res.body);
    expect(Object.keys(res.body.features)).toEqual(expect.arrayContaining(FEATURE_NAMES_2026));
  });

  it('appearance: announcement banners and support links with a location round-trip', async () => {
    const before = await agent.get('/api/v2/appearance').expect(200);
    expectShape('v2024-AppearanceConfig', before.body);
    const edited = {
      ...before.body,
      announcement_banners: [{ enabled: true, message: 'Maintenance at 6', background_color: '#004852' }],
      support_links: [{ name: 'Wiki', target: 'https://wiki.example.com', icon: 'docs', location: 'navbar' }],
    };
    expectShape('v2024-AppearanceConfig', (await agent.put('/api/v2/appearance').send(edited).expect(200)).body);
    const after = await agent.get('/api/v2/appearance').expect(200);
    expectShape('v2024-AppearanceConfig', after.body);
    expect(after.body.announcement_banners).toEqual(edited.announcement_banners);
    expect(after.body.support_links).toEqual(edited.support_links);
  });

  it("createWorkspace: POST /users/{userId}/workspaces with the current dashboard's body", async () => {
    const body = {
      template_id: templateId,
      name: unique('dash'),
      rich_parameter_values: [],
      autostart_schedule: undefined,
      ttl_ms: 3_600_000,
      automatic_updates: 'never',
      template_version_preset_id: undefined,
    };
    const res = await w.t.http.post(`/api/v2/users/${member.userId}/workspaces`).set(auth(member.token)).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: body.name,
      owner_id: member.userId,
      template_id: templateId,
      ttl_ms: 3_600_000,
    });
    await waitForBuild(w.t, member, res.body.latest_build.id);
  });

  it('organizations: the current Organization shape', async () => {
    const res = await agent.get('/api/v2/users/me/organizations').expect(200);
    for (const org of res.body) expectShape('v2024-Organization', org);
  });

  it('users: the current User shape', async () => {
    const res = await agent.get('/api/v2/users').query({ limit: 25 }).expect(200);
    for (const user of res.body.users) expectShape('v2024-User', user);
  });

  it('groups: the list with has_member and organization, one group by id and by name, its member page', async () => {
    const list = await agent
      .get('/api/v2/groups')
      .query({ organization: orgName, has_member: member.userId })
      .expect(200);
    for (const group of list.body) expectShape('v2024-Group', group);
    expect(list.body.map((g: { id: string }) => g.id)).toEqual(expect.arrayContaining([groupId, w.owner.orgId]));

    const byOrg = await agent.get(`/api/v2/organizations/${orgName}/groups`).expect(200);
    for (const group of byOrg.body) expectShape('v2024-Group', group);

    const byId = await agent.get(`/api/v2/groups/${groupId}`).query({ exclude_members: false }).expect(200);
    expectShape('v2024-Group', byId.body);
    expect(byId.body.total_member_count).toBe(1);
    const slim = await agent.get(`/api/v2/groups/${groupId}`).query({ exclude_members: true }).expect(200);
    expectShape('v2024-Group', slim.body);
    expect(slim.body.members).toEqual([]);
    expect(slim.body.total_member_count).toBe(1);

    const byName = await agent
      .get(`/api/v2/organizations/${orgName}/groups/${groupName}`)
      .query({ exclude_members: true })
      .expect(200);
    expectShape('v2024-Group', byName.body);
    expect(byName.body.organization_name).toBe(orgName);

    const members = await agent
      .get(`/api/v2/organizations/${orgName}/groups/${groupName}/members`)
      .query({ limit: 25, offset: 0 })
      .expect(200);
    expectShape('v2024-GroupMembersResponse', members.body);
    expect(members.body.count).toBe(1);
    expect(members.body.users.map((u: { id: string }) => u.id)).toEqual([member.userId]);
  });

  it("a template's Permissions page: the ACL and the picker in the current shapes", async () => {
    await agent
      .patch(`/api/v2/templates/${templateId}/acl`)
      .send({ user_perms: { [member.userId]: 'use' }, group_perms: { [groupId]: 'admin' } })
      .expect(200);
    const acl = await agent.get(`/api/v2/templates/${templateId}/acl`).expect(200);
    expectShape('v2024-TemplateACL', acl.body);
    const available = await agent
      .get(`/api/v2/templates/${templateId}/acl/available`)
      .query({ q: member.username.slice(0, 5) })
      .expect(200);
    expectShape('v2024-ACLAvailable', available.body);
  });

  it("a member's quota in the organization, by organization name and username, and quiet hours", async () => {
    const quota = await agent
      .get(`/api/v2/organizations/${orgName}/members/${member.username}/workspace-quota`)
      .expect(200);
    expectShape('v2024-WorkspaceQuota', quota.body);
    expect(quota.body.budget).toBe(5);
    const quiet = await agent.get(`/api/v2/users/${member.userId}/quiet-hours`).expect(200);
    expectShape('v2024-UserQuietHoursScheduleResponse', quiet.body);
  });

  it('provisioners: daemons, key groups and the jobs page', async () => {
    const daemons = await agent.get(`/api/v2/organizations/${orgName}/provisionerdaemons`).expect(200);
    for (const daemon of daemons.body) expectShape('v2024-ProvisionerDaemon', daemon);
    const keys = await agent
      .post(`/api/v2/organizations/${orgName}/provisionerkeys`)
      .send({ name: unique('key'), tags: { pool: 'x' } })
      .expect(201);
    expect(typeof keys.body.key).toBe('string');
    const groups = await agent.get(`/api/v2/organizations/${orgName}/provisionerkeys/daemons`).expect(200);
    for (const group of groups.body) expectShape('v2024-ProvisionerKeyDaemons', group);
    const jobs = await agent.get(`/api/v2/organizations/${w.owner.orgId}/provisionerjobs`).expect(200);
    expect(jobs.body.length).toBeGreaterThan(0);
    for (const job of jobs.body) expectShape('v2024-ProvisionerJob', job);
  });
});
