import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND } from '../helpers/expectations.js';
import { createTemplate, echoTemplate, importVersion } from '../helpers/templates.js';
import { auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const INVALID = 'Invalid request to update template metadata!';
const ALL_DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

describe('PATCH /templates/{template} and the newer template settings', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let orgAdmin: Session;
  let outsider: Session;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    orgAdmin = await createUser(t, owner);
    await t.http
      .put(`/api/v2/organizations/${owner.orgId}/members/${orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
  });
  afterAll(() => closeWorld(t, db));

  const patch = (who: Session, id: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v2/templates/${id}`).set(auth(who.token)).send(body);
  const fresh = (extra: Record<string, unknown> = {}) => echoTemplate(t, owner, owner.orgId, undefined, extra);
  const writes = async (id: string) =>
    (
      await db.query(
        `SELECT diff, status_code, user_id FROM audit_logs WHERE resource_id = $1 AND action = 'write' ORDER BY time`,
        [id],
      )
    ).rows;

  it('changes only the fields sent, answers 200 with the template, and audits the difference', async () => {
    const tpl = await fresh();
    const res = await patch(owner, tpl.id, {
      display_name: 'Docker Dev',
      description: 'new description',
      default_ttl_ms: 7_200_000,
      activity_bump_ms: 1_800_000,
      autostop_requirement: { days_of_week: ['Sunday', 'saturday'], weeks: 2 },
      autostart_requirement: { days_of_week: ['monday', 'friday'] },
      allow_user_autostop: false,
      failure_ttl_ms: 120_000,
      time_til_dormant_ms: 3_600_000,
      time_til_dormant_autodelete_ms: 7_200_000,
      require_active_version: true,
      max_port_share_level: 'authenticated',
      cors_behavior: 'passthru',
      use_classic_parameter_flow: true,
      agents_allowed: false,
      disable_module_cache: true,
    }).expect(200);
    expect(res.body).toMatchObject({
      id: tpl.id,
      name: tpl.name,
      icon: tpl.icon,
      display_name: 'Docker Dev',
      description: 'new description',
      default_ttl_ms: 7_200_000,
      activity_bump_ms: 1_800_000,
      autostop_requirement: { days_of_week: ['saturday', 'sunday'], weeks: 2 },
      restart_requirement: { days_of_week: ['saturday', 'sunday'], weeks: 2 },
      autostart_requirement: { days_of_week: ['monday', 'friday'] },
      allow_user_autostart: true,
      allow_user_autostop: false,
      failure_ttl_ms: 120_000,
      time_til_dormant_ms: 3_600_000,
      inactivity_ttl_ms: 3_600_000,
      time_til_dormant_autodelete_ms: 7_200_000,
      require_active_version: true,
      max_port_share_level: 'authenticated',
      cors_behavior: 'passthru',
      use_classic_parameter_flow: true,
      agents_allowed: false,
      disable_module_cache: true,
    });
    expect(new Date(res.body.updated_at).getTime()).toBeGreaterThan(new Date(tpl.updated_at).getTime());
    expect((await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200)).body).toEqual(res.body);
    const [entry] = await writes(tpl.id);
    expect(entry.status_code).toBe(200);
    expect(entry.user_id).toBe(owner.userId);
    expect(entry.diff.display_name).toEqual({ old: '', new: 'Docker Dev', secret: false });
    expect(entry.diff.max_port_sharing_level).toEqual({ old: 'owner', new: 'authenticated', secret: false });
    expect(entry.diff).not.toHaveProperty('name');
    expect(entry.diff).not.toHaveProperty('icon');
  });

  it("answers 200 (not Coder's 304) to a request that changes nothing, without writing or auditing", async () => {
    const tpl = await fresh();
    const same = await patch(owner, tpl.id, {
      name: tpl.name,
      default_ttl_ms: 0,
      autostop_requirement: { days_of_week: [], weeks: 0 },
      autostart_requirement: { days_of_week: ALL_DAYS },
      max_port_share_level: 'owner',
      disable_everyone_group_access: false,
      cors_behavior: '',
      deprecation_message: '',
    }).expect(200);
    expect(same.body).toEqual(tpl);
    expect((await patch(owner, tpl.id, {}).expect(200)).body).toEqual(tpl);
    // null is absent, as for every field.
    expect((await patch(owner, tpl.id, { display_name: null, max_port_share_level: null }).expect(200)).body).toEqual(
      tpl,
    );
    expect(await writes(tpl.id)).toEqual([]);
  });

  it("validates every field with Coder's messages, all at once, and changes nothing", async () => {
    const tpl = await fresh();
    const bad = await patch(owner, tpl.id, {
      default_ttl_ms: -1,
      activity_bump_ms: -5,
      autostop_requirement: { days_of_week: ['funday'], weeks: 17 },
      autostart_requirement: { days_of_week: ['someday'] },
      failure_ttl_ms: 59_999,
      time_til_dormant_ms: -1,
      time_til_dormant_autodelete_ms: 1,
      max_port_share_level: 'everyone',
      cors_behavior: 'strict',
    }).expect(400);
    expect(bad.body).toEqual({
      message: INVALID,
      validations: [
        { field: 'default_ttl_ms', detail: 'Must be a positive integer.' },
        { field: 'activity_bump_ms', detail: 'Must be a positive integer.' },
        { field: 'autostop_requirement.days_of_week', detail: 'invalid weekday "funday"' },
        { field: 'autostop_requirement.weeks', detail: 'Must be less than 16.' },
        { field: 'autostart_requirement.days_of_week', detail: 'invalid weekday "someday"' },
        { field: 'failure_ttl_ms', detail: 'Value must be at least one minute.' },
        { field: 'time_til_dormant_ms', detail: 'Value must be at least one minute.' },
        { field: 'time_til_dormant_autodelete_ms', detail: 'Value must be at least one minute.' },
        {
          field: 'max_port_share_level',
          detail: "invalid max port sharing level, value must be 'authenticated', 'organization', or 'public'.",
        },
        { field: 'cors_behavior', detail: 'Invalid CORS behavior "strict". Must be one of [simple, passthru]' },
      ],
    });
    expect(
      (await patch(owner, tpl.id, { max_ttl_ms: 3_600_000, default_ttl_ms: 7_200_000 }).expect(400)).body.validations,
    ).toEqual([{ field: 'default_ttl_ms', detail: 'Must be less than or equal to max_ttl_ms if max_ttl_ms is set.' }]);
    // Wrong JSON types and Coder's name rules are the validation pipe's.
    expect(
      (await patch(owner, tpl.id, { default_ttl_ms: '1h', require_active_version: 'yes' }).expect(400)).body,
    ).toEqual({
      message: 'Validation failed.',
      validations: [
        { field: 'default_ttl_ms', detail: expect.any(String) },
        { field: 'require_active_version', detail: expect.any(String) },
      ],
    });
    expect((await patch(owner, tpl.id, { name: 'has space' }).expect(400)).body.validations).toEqual([
      { field: 'name', detail: 'Validation failed for tag "template_name" with value: "has space"' },
    ]);
    expect((await patch(owner, tpl.id, { display_name: ' padded' }).expect(400)).body.validations[0].field).toBe(
      'display_name',
    );
    expect((await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200)).body).toEqual(tpl);
    expect(await writes(tpl.id)).toEqual([]);
  });

  it('accepts the mid-2023 names of renamed fields', async () => {
    const tpl = await fresh();
    const res = await patch(owner, tpl.id, {
      max_ttl_ms: 36_000_000,
      restart_requirement: { days_of_week: ['monday'], weeks: 1 },
      inactivity_ttl_ms: 600_000,
      locked_ttl_ms: 1_200_000,
    }).expect(200);
    expect(res.body).toMatchObject({
      max_ttl_ms: 36_000_000,
      autostop_requirement: { days_of_week: ['monday'], weeks: 1 },
      time_til_dormant_ms: 600_000,
      time_til_dormant_autodelete_ms: 1_200_000,
    });
  });

  it('renames within the organization: an empty name keeps it, a taken one (any case) is 409', async () => {
    const a = await fresh();
    const b = await fresh();
    const name = unique('renamed');
    expect((await patch(owner, a.id, { name }).expect(200)).body.name).toBe(name);
    expect((await patch(owner, a.id, { name: '' }).expect(200)).body.name).toBe(name);
    expect((await patch(owner, b.id, { name: name.toUpperCase() }).expect(409)).body).toEqual({
      message: `Template with name "${name.toUpperCase()}" already exists.`,
      validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
    });
    // A change of case of its own name is allowed.
    expect((await patch(owner, a.id, { name: name.toUpperCase() }).expect(200)).body.name).toBe(name.toUpperCase());
    await t.http.get(`/api/v2/organizations/${owner.orgId}/templates/${name}`).set(auth(owner.token)).expect(200);
  });

  it('disable_everyone_group_access removes the Everyone group, so plain members lose the template', async () => {
    const tpl = await fresh();
    await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(member.token)).expect(200);
    await patch(owner, tpl.id, { disable_everyone_group_access: true }).expect(200);
    expect((await db.query('SELECT group_acl FROM templates WHERE id = $1', [tpl.id])).rows[0].group_acl).toEqual({});
    await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(member.token)).expect(404);
    expect((await writes(tpl.id))[0].diff.group_acl).toEqual({
      old: { [owner.orgId]: ['read'] },
      new: {},
      secret: false,
    });
  });

  it('a deprecation message deprecates the template: no new workspaces, with Coder\'s message; "" undeprecates', async () => {
    const tpl = await fresh();
    const res = await patch(owner, tpl.id, { deprecation_message: 'Use the v2 template.' }).expect(200);
    expect(res.body).toMatchObject({ deprecated: true, deprecation_message: 'Use the v2 template.' });
    const refused = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/members/me/workspaces`)
      .set(auth(member.token))
      .send({ template_id: tpl.id, name: unique('ws') })
      .expect(400);
    expect(refused.body).toEqual({
      message: `Template "${tpl.name}" has been deprecated, and cannot be used to create a new workspace.`,
      detail: 'Use the v2 template.',
    });
    expect((await patch(owner, tpl.id, { deprecation_message: '' }).expect(200)).body).toMatchObject({
      deprecated: false,
      deprecation_message: '',
    });
    await t.http
      .post(`/api/v2/organizations/${owner.orgId}/members/me/workspaces`)
      .set(auth(member.token))
      .send({ template_id: tpl.id, name: unique('ws') })
      .expect(201);
  });

  it('lets owners, template admins and organization admins update; a member who uses it gets 403; others 404', async () => {
    const tpl = await fresh();
    for (const [who, description] of [
      [owner, 'o'],
      [templateAdmin, 'ta'],
      [orgAdmin, 'oa'],
    ] as const) {
      expect((await patch(who, tpl.id, { description }).expect(200)).body.description).toBe(description);
    }
    expect((await patch(member, tpl.id, { description: 'm' }).expect(403)).body).toEqual(FORBIDDEN);
    expect((await patch(outsider, tpl.id, { description: 'x' }).expect(404)).body).toEqual(NOT_FOUND);
    const hidden = await fresh({ disable_everyone_group_access: true });
    expect((await patch(member, hidden.id, { description: 'm' }).expect(404)).body).toEqual(NOT_FOUND);
    // Permission before validation: a member's bad body is still 403.
    await patch(member, tpl.id, { default_ttl_ms: -1 }).expect(403);
    await patch(owner, randomUUID(), {}).expect(404);
    expect((await patch(owner, 'not-a-uuid', {}).expect(400)).body.message).toBe('Invalid UUID "template".');
    await t.http.patch(`/api/v2/templates/${tpl.id}`).send({}).expect(401);
    expect((await db.query('SELECT description FROM templates WHERE id = $1', [tpl.id])).rows[0].description).toBe(
      'oa',
    );
  });

  it('a deleted template is gone (404)', async () => {
    const tpl = await fresh();
    await t.http.delete(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200);
    await patch(owner, tpl.id, { description: 'x' }).expect(404);
  });

  describe('POST /organizations/{organization}/templates with the newer fields', () => {
    it('stores and returns them', async () => {
      const version = await importVersion(t, owner, owner.orgId);
      const tpl = await createTemplate(t, owner, owner.orgId, version.id as string, {
        activity_bump_ms: 0,
        autostart_requirement: { days_of_week: ['monday'] },
        require_active_version: true,
        max_port_share_level: 'public',
        cors_behavior: 'passthru',
        template_use_classic_parameter_flow: true,
        agents_allowed: false,
        dormant_ttl_ms: 600_000,
        delete_ttl_ms: 1_200_000,
      });
      expect(tpl).toMatchObject({
        activity_bump_ms: 0,
        autostart_requirement: { days_of_week: ['monday'] },
        require_active_version: true,
        max_port_share_level: 'public',
        cors_behavior: 'passthru',
        use_classic_parameter_flow: true,
        agents_allowed: false,
        time_til_dormant_ms: 600_000,
        time_til_dormant_autodelete_ms: 1_200_000,
      });
      expect((await t.http.get(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).expect(200)).body).toEqual(tpl);
    });

    it("takes null as Coder's defaults", async () => {
      const version = await importVersion(t, owner, owner.orgId);
      const tpl = await createTemplate(t, owner, owner.orgId, version.id as string, {
        max_port_share_level: null,
        cors_behavior: null,
        activity_bump_ms: null,
        autostart_requirement: null,
        require_active_version: null,
        agents_allowed: null,
      });
      expect(tpl).toMatchObject({
        max_port_share_level: 'owner',
        cors_behavior: 'simple',
        activity_bump_ms: 3_600_000,
        autostart_requirement: { days_of_week: ALL_DAYS },
        require_active_version: false,
        agents_allowed: true,
      });
    });

    it("validates them with Coder's messages", async () => {
      const version = await importVersion(t, owner, owner.orgId);
      const res = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/templates`)
        .set(auth(owner.token))
        .send({
          name: unique('bad'),
          template_version_id: version.id,
          activity_bump_ms: -1,
          autostart_requirement: { days_of_week: ['noday'] },
          max_port_share_level: 'world',
          cors_behavior: '',
          dormant_ttl_ms: -1,
        })
        .expect(400);
      expect(res.body).toEqual({
        message: 'Invalid create template request.',
        validations: [
          { field: 'activity_bump_ms', detail: 'Must be a positive integer.' },
          { field: 'autostart_requirement.days_of_week', detail: 'invalid weekday "noday"' },
          {
            field: 'max_port_share_level',
            detail: "invalid max port sharing level, value must be 'authenticated', 'organization', or 'public'.",
          },
          { field: 'cors_behavior', detail: 'Invalid CORS behavior "". Must be one of [simple, passthru]' },
          { field: 'dormant_ttl_ms', detail: 'Must be a positive integer.' },
        ],
      });
      const typed = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/templates`)
        .set(auth(owner.token))
        .send({ name: unique('bad'), template_version_id: version.id, agents_allowed: 'yes' })
        .expect(400);
      expect(typed.body.validations).toEqual([{ field: 'agents_allowed', detail: expect.any(String) }]);
    });
  });
});
