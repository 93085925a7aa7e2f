import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { NOT_FOUND } from '../helpers/expectations.js';
import type { JsonObject } from '../helpers/json.js';
import { createWorkspace, echoTemplate, importVersion, waitForBuild } from '../helpers/templates.js';
import { addMember, auth, createUser, unique, type Owner, type Session } from '../helpers/world.js';

/**
 * Issue 17: the fields Coder's current Workspace, WorkspaceBuild, Template and TemplateVersion carry
 * (codersdk/workspaces.go:31, workspacebuilds.go:79, templates.go:17, templateversions.go:22), with
 * their values, next to the 2023 ones.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** The next 09:30 UTC strictly after `from` that falls on one of `weekdays` (0 = Sunday, as getUTCDay). */
function nextNineThirty(from: Date, weekdays: number[]): string {
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 9, 30));
  for (let i = 0; i <= 7; i++) {
    const at = new Date(day.getTime() + i * DAY_MS);
    if (at.getTime() > from.getTime() && weekdays.includes(at.getUTCDay())) return at.toISOString();
  }
  throw new Error('no occurrence within a week');
}

describe('current Coder shapes of workspaces, builds, templates and versions', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let outsider: Session;
  let orgId: string;
  let orgName: string;
  let template: JsonObject;

  const get = (who: Session, path: string) => t.http.get(`/api/v2${path}`).set(auth(who.token));

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    orgName = unique('shapes');
    orgId = (
      await t.http
        .post('/api/v2/organizations')
        .set(auth(owner.token))
        .send({ name: orgName, display_name: 'Shapes Org', icon: '/emojis/1f3d7.png' })
        .expect(201)
    ).body.id as string;
    member = await createUser(t, owner);
    await addMember(t, owner, orgId, member.userId);
    outsider = await createUser(t, owner);
    await t.http
      .put('/api/v2/users/me/profile')
      .set(auth(owner.token))
      .send({ username: owner.username, name: 'Olive Owner' })
      .expect(200);
    await t.http
      .put('/api/v2/users/me/profile')
      .set(auth(member.token))
      .send({ username: member.username, avatar_url: 'https://example.com/member.png' })
      .expect(200);
    template = await echoTemplate(t, owner, orgId, undefined, {
      template_use_classic_parameter_flow: true,
      require_active_version: true,
      time_til_autostop_notify_ms: 300_000,
    });
  });
  afterAll(() => closeWorld(t, db));

  describe('template', () => {
    it('carries its organization, the autostop reminder and the current settings, on the read and list routes', async () => {
      const expected = {
        organization_id: orgId,
        organization_name: orgName,
        organization_display_name: 'Shapes Org',
        organization_icon: '/emojis/1f3d7.png',
        time_til_autostop_notify_ms: 300_000,
        use_classic_parameter_flow: true,
        require_active_version: true,
        deprecated: false,
        deprecation_message: '',
        cors_behavior: 'simple',
        disable_module_cache: false,
      };
      expect(template).toMatchObject(expected);
      expect((await get(owner, `/templates/${template.id}`).expect(200)).body).toMatchObject(expected);
      const byName = await get(owner, `/organizations/${orgId}/templates/${template.name}`).expect(200);
      expect(byName.body).toMatchObject(expected);
      const list = (await get(owner, `/organizations/${orgId}/templates`).expect(200)).body as JsonObject[];
      expect(list.find((x) => x.id === template.id)).toMatchObject(expected);
    });

    it('stores time_til_autostop_notify_ms on PATCH and refuses what Coder refuses', async () => {
      const tpl = await echoTemplate(t, owner, orgId);
      expect(tpl.time_til_autostop_notify_ms).toBe(0);
      const patch = (body: Record<string, unknown>) =>
        t.http.patch(`/api/v2/templates/${tpl.id}`).set(auth(owner.token)).send(body);
      expect((await patch({ time_til_autostop_notify_ms: 600_000 }).expect(200)).body.time_til_autostop_notify_ms).toBe(
        600_000,
      );
      expect((await get(owner, `/templates/${tpl.id}`).expect(200)).body.time_til_autostop_notify_ms).toBe(600_000);
      expect((await patch({ name: tpl.name }).expect(200)).body.time_til_autostop_notify_ms).toBe(600_000);
      const short = await patch({ time_til_autostop_notify_ms: 30_000 }).expect(400);
      expect(short.body.validations).toEqual([
        { field: 'time_til_autostop_notify_ms', detail: 'Must be 0 (disabled) or at least one minute.' },
      ]);
      const negative = await patch({ time_til_autostop_notify_ms: -1 }).expect(400);
      expect(negative.body.validations).toEqual([
        { field: 'time_til_autostop_notify_ms', detail: 'Must be a positive integer.' },
      ]);
      await patch({ time_til_autostop_notify_ms: 'soon' }).expect(400);
      expect((await patch({ time_til_autostop_notify_ms: 0 }).expect(200)).body.time_til_autostop_notify_ms).toBe(0);
    });

    it('refuses a too-short reminder on create', async () => {
      const version = await importVersion(t, owner, orgId);
      const res = await t.http
        .post(`/api/v2/organizations/${orgId}/templates`)
        .set(auth(owner.token))
        .send({
          name: unique('tpl'),
          template_version_id: version.id,
          time_til_autostop_notify_ms: 59_999,
        })
        .expect(400);
      expect(res.body.validations).toEqual([
        { field: 'time_til_autostop_notify_ms', detail: 'Must be 0 (disabled) or at least one minute.' },
      ]);
    });
  });

  describe('template version', () => {
    it("shows its creator's name, whether it is archived, and no external agent", async () => {
      const path = `/templateversions/${template.active_version_id}`;
      const version = (await get(owner, path).expect(200)).body;
      expect(version.created_by).toEqual({
        id: owner.userId,
        username: owner.username,
        name: 'Olive Owner',
        avatar_url: '',
      });
      expect(version.archived).toBe(false);
      expect(version.has_external_agent).toBe(false);
      await db.query('UPDATE template_versions SET archived = true WHERE id = $1', [template.active_version_id]);
      try {
        expect((await get(owner, path).expect(200)).body.archived).toBe(true);
        const listed = (await get(owner, `/templates/${template.id}/versions`).expect(200)).body as JsonObject[];
        expect(listed.find((v) => v.id === template.active_version_id)?.archived).toBe(true);
      } finally {
        await db.query('UPDATE template_versions SET archived = false WHERE id = $1', [template.active_version_id]);
      }
    });
  });

  describe('workspace and build', () => {
    it("carries the owner's avatar, the organization, the template's flags and the next autostart", async () => {
      const before = new Date();
      const ws = await createWorkspace(t, member, orgId, template.id as string, 'me', {
        autostart_schedule: 'CRON_TZ=UTC 30 9 * * *',
      });
      const after = new Date();
      const expected = {
        owner_id: member.userId,
        owner_name: member.username,
        owner_avatar_url: 'https://example.com/member.png',
        organization_id: orgId,
        organization_name: orgName,
        template_require_active_version: true,
        template_use_classic_parameter_flow: true,
        latest_app_status: null,
        allow_renames: false,
        favorite: false,
        is_prebuild: false,
      };
      expect(ws).toMatchObject(expected);
      const everyDay = [0, 1, 2, 3, 4, 5, 6];
      expect([nextNineThirty(before, everyDay), nextNineThirty(after, everyDay)]).toContain(ws.next_start_at);

      // The template's autostart days limit it: only Mondays left.
      await t.http
        .patch(`/api/v2/templates/${template.id}`)
        .set(auth(owner.token))
        .send({ autostart_requirement: { days_of_week: ['monday'] } })
        .expect(200);
      try {
        const at = new Date();
        const read = (await get(member, `/workspaces/${ws.id}`).expect(200)).body;
        expect(read).toMatchObject(expected);
        expect([nextNineThirty(at, [1]), nextNineThirty(new Date(), [1])]).toContain(read.next_start_at);
        expect(new Date(read.next_start_at as string).getUTCDay()).toBe(1);
      } finally {
        await t.http
          .patch(`/api/v2/templates/${template.id}`)
          .set(auth(owner.token))
          .send({
            autostart_requirement: {
              days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
            },
          })
          .expect(200);
      }
      const byName = (await get(owner, `/users/${member.username}/workspace/${ws.name}`).expect(200)).body;
      expect(byName).toMatchObject({ ...expected, owner_avatar_url: 'https://example.com/member.png' });
    });

    it('has no next_start_at without an autostart schedule', async () => {
      const ws = await createWorkspace(t, member, orgId, template.id as string);
      expect(ws.next_start_at).toBeNull();
      expect(Object.keys(ws)).toContain('next_start_at');
    });

    it("builds carry the owner's avatar (absent when it has none), no preset and no external agent", async () => {
      const ws = await createWorkspace(t, member, orgId, template.id as string);
      const latest = ws.latest_build as JsonObject;
      expect(latest).toMatchObject({
        workspace_owner_avatar_url: 'https://example.com/member.png',
        template_version_preset_id: null,
        has_external_agent: false,
      });
      const done = await waitForBuild(t, member, latest.id as string);
      expect(done).toMatchObject({
        workspace_owner_avatar_url: 'https://example.com/member.png',
        template_version_preset_id: null,
        has_external_agent: false,
      });
      const listed = (await get(member, `/workspaces/${ws.id}/builds`).expect(200)).body as JsonObject[];
      expect(listed[0]).toMatchObject({ workspace_owner_avatar_url: 'https://example.com/member.png' });

      const own = await createWorkspace(t, owner, orgId, template.id as string);
      const ownBuild = (await get(owner, `/workspacebuilds/${(own.latest_build as JsonObject).id}`).expect(200)).body;
      expect(ownBuild).not.toHaveProperty('workspace_owner_avatar_url');
      expect(ownBuild.template_version_preset_id).toBeNull();
      expect(own.owner_avatar_url).toBe('');
    });
  });

  describe('favorites', () => {
    let older: JsonObject;
    let newer: JsonObject;
    let user: Session;

    const names = async (who: Session) =>
      ((await get(who, `/workspaces?q=owner:${user.username}`).expect(200)).body.workspaces as JsonObject[]).map(
        (w) => [w.name, w.favorite],
      );

    beforeAll(async () => {
      user = await createUser(t, owner);
      await addMember(t, owner, orgId, user.userId);
      older = await createWorkspace(t, user, orgId, template.id as string);
      newer = await createWorkspace(t, user, orgId, template.id as string);
      // Distinct last-used times: the list is most recently used first.
      await db.query(`UPDATE workspaces SET last_used_at = now() - interval '1 hour' WHERE id = $1`, [older.id]);
    });

    it('the owner marks and unmarks one; only the owner sees it, listed first', async () => {
      expect(await names(user)).toEqual([
        [newer.name, false],
        [older.name, false],
      ]);
      await t.http.put(`/api/v2/workspaces/${older.id}/favorite`).set(auth(user.token)).expect(204);
      // Idempotent, as Coder.
      await t.http.put(`/api/v2/workspaces/${older.id}/favorite`).set(auth(user.token)).expect(204);
      expect((await get(user, `/workspaces/${older.id}`).expect(200)).body.favorite).toBe(true);
      expect(await names(user)).toEqual([
        [older.name, true],
        [newer.name, false],
      ]);
      // Someone else (here an admin who sees it) gets neither the flag nor the order.
      expect((await get(owner, `/workspaces/${older.id}`).expect(200)).body.favorite).toBe(false);
      expect(await names(owner)).toEqual([
        [newer.name, false],
        [older.name, false],
      ]);

      await t.http.delete(`/api/v2/workspaces/${older.id}/favorite`).set(auth(user.token)).expect(204);
      expect((await get(user, `/workspaces/${older.id}`).expect(200)).body.favorite).toBe(false);
      expect(await names(user)).toEqual([
        [newer.name, false],
        [older.name, false],
      ]);
    });

    it('refuses anyone but the owner: 403 to those who see the workspace, 404 to the others', async () => {
      const put = await t.http.put(`/api/v2/workspaces/${newer.id}/favorite`).set(auth(owner.token)).expect(403);
      expect(put.body).toEqual({ message: 'You can only favorite workspaces that you own.' });
      const del = await t.http.delete(`/api/v2/workspaces/${newer.id}/favorite`).set(auth(owner.token)).expect(403);
      expect(del.body).toEqual({ message: 'You can only un-favorite workspaces that you own.' });
      const hidden = await t.http.put(`/api/v2/workspaces/${newer.id}/favorite`).set(auth(outsider.token)).expect(404);
      expect(hidden.body).toMatchObject(NOT_FOUND);
      await t.http.put(`/api/v2/workspaces/${newer.id}/favorite`).expect(401);
      expect((await get(user, `/workspaces/${newer.id}`).expect(200)).body.favorite).toBe(false);
    });

    it('answers 400 for a malformed id', async () => {
      await t.http.put('/api/v2/workspaces/not-a-uuid/favorite').set(auth(user.token)).expect(400);
    });
  });
});
