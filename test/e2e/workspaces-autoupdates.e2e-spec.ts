import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import { build, createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

describe('workspace automatic_updates', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let other: Session;
  let templateAdmin: Session;
  let outsider: Session;
  let template: JsonObject;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    other = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
    template = await echoTemplate(t, owner, owner.orgId);
  });
  afterAll(() => closeWorld(t, db));

  const put = (who: Session, id: string, body: unknown) =>
    t.http
      .put(`/api/v2/workspaces/${id}/autoupdates`)
      .set(auth(who.token))
      .send(body as object);
  const read = async (id: string) =>
    (await t.http.get(`/api/v2/workspaces/${id}`).set(auth(owner.token)).expect(200)).body;
  const post = (body: Record<string, unknown>) =>
    t.http
      .post(`/api/v2/organizations/${owner.orgId}/members/me/workspaces`)
      .set(auth(member.token))
      .send({ template_id: template.id, name: unique('ws'), ...body });

  it('defaults to "never", is set on create, and is in every Workspace answer', async () => {
    const plain = await createWorkspace(t, member, owner.orgId, template.id);
    expect(plain.automatic_updates).toBe('never');
    for (const value of [null, ''])
      expect((await post({ automatic_updates: value }).expect(201)).body.automatic_updates).toBe('never');
    const always = (await post({ automatic_updates: 'always' }).expect(201)).body;
    expect(always.automatic_updates).toBe('always');
    expect((await read(always.id)).automatic_updates).toBe('always');
    const listed = (await t.http.get('/api/v2/workspaces?q=owner:me').set(auth(member.token)).expect(200)).body
      .workspaces;
    expect(listed.find((w: { id: string }) => w.id === always.id).automatic_updates).toBe('always');
    expect(listed.find((w: { id: string }) => w.id === plain.id).automatic_updates).toBe('never');
    const byName = (await t.http.get(`/api/v2/users/me/workspace/${always.name}`).set(auth(member.token)).expect(200))
      .body;
    expect(byName.automatic_updates).toBe('always');
    expect(
      (await db.query('SELECT automatic_updates FROM workspaces WHERE id = $1', [always.id])).rows[0].automatic_updates,
    ).toBe('always');
  });

  it("refuses another value on create with Coder's message", async () => {
    expect((await post({ automatic_updates: 'sometimes' }).expect(400)).body).toEqual({
      message: 'Invalid Workspace Automatic Updates setting.',
      validations: [{ field: 'automatic_updates', detail: 'Automatic updates must be always or never' }],
    });
    expect((await post({ automatic_updates: true }).expect(400)).body.message).toBe('Validation failed.');
  });

  it('PUT /workspaces/{workspace}/autoupdates: 204, stored, audited', async () => {
    const ws = await createWorkspace(t, member, owner.orgId, template.id);
    const res = await put(member, ws.id, { automatic_updates: 'always' }).expect(204);
    expect(res.text).toBe('');
    expect((await read(ws.id)).automatic_updates).toBe('always');
    await put(owner, ws.id, { automatic_updates: 'never' }).expect(204);
    expect((await read(ws.id)).automatic_updates).toBe('never');
    const audit = await db.query(
      `SELECT user_id, status_code, diff FROM audit_logs WHERE resource_id = $1 AND action = 'write' ORDER BY time`,
      [ws.id],
    );
    expect(audit.rows).toEqual([
      {
        user_id: member.userId,
        status_code: 204,
        diff: { automatic_updates: { old: 'never', new: 'always', secret: false } },
      },
      {
        user_id: owner.userId,
        status_code: 204,
        diff: { automatic_updates: { old: 'always', new: 'never', secret: false } },
      },
    ]);
  });

  it("validates the value with Coder's message (a missing value too)", async () => {
    const ws = await createWorkspace(t, member, owner.orgId, template.id);
    const invalid = {
      message: 'Invalid request',
      validations: [{ field: 'automatic_updates', detail: 'must be always or never' }],
    };
    for (const body of [{ automatic_updates: 'weekly' }, { automatic_updates: '' }, {}, { automatic_updates: null }]) {
      expect((await put(member, ws.id, body).expect(400)).body).toEqual(invalid);
    }
    expect((await put(member, ws.id, { automatic_updates: 1 }).expect(400)).body.message).toBe('Validation failed.');
    expect((await read(ws.id)).automatic_updates).toBe('never');
  });

  it('needs update permission on the workspace: 403 for a reader, 404 for the rest', async () => {
    const ws = await createWorkspace(t, member, owner.orgId, template.id);
    expect((await put(templateAdmin, ws.id, { automatic_updates: 'always' }).expect(403)).body).toEqual({
      message: 'You do not have permission to update this workspace.',
    });
    expect((await put(other, ws.id, { automatic_updates: 'always' }).expect(404)).body).toEqual(NOT_FOUND);
    expect((await put(outsider, ws.id, { automatic_updates: 'always' }).expect(404)).body).toEqual(NOT_FOUND);
    await put(owner, randomUUID(), { automatic_updates: 'always' }).expect(404);
    await put(owner, 'nope', { automatic_updates: 'always' }).expect(400);
    await t.http.put(`/api/v2/workspaces/${ws.id}/autoupdates`).send({ automatic_updates: 'always' }).expect(401);
    expect((await read(ws.id)).automatic_updates).toBe('never');
  });

  it('a deleted workspace answers 410', async () => {
    const ws = await createWorkspace(t, member, owner.orgId, template.id);
    await waitForBuild(t, member, ws.latest_build.id);
    await waitForBuild(t, member, (await build(t, member, ws.id, 'delete')).id);
    const res = await put(member, ws.id, { automatic_updates: 'always' }).expect(410);
    expect(res.body.message).toContain('was deleted');
  });
});
