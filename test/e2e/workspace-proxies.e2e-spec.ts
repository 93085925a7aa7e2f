import { closeWorld, openWorld, type World } from '../helpers/app.js';
import { FORBIDDEN, NOT_FOUND, dumpDatabase, isoTime, sha256 } from '../helpers/expectations.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, nonOwnerRoles, type Session } from '../helpers/world.js';

const GATE = { message: 'Workspace Proxy is an Enterprise feature. Contact sales!' };
const TOKEN_RE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{64})$/;
const RESERVED = {
  message: 'The name "primary" is reserved for the primary region.',
  detail: "Cannot name a workspace proxy 'primary'.",
  validations: [{ field: 'name', detail: 'Reserved name' }],
};

interface ProxyJson {
  id: string;
  name: string;
  display_name: string;
  icon_url: string;
  healthy: boolean;
  path_app_url: string;
  wildcard_hostname: string;
  deleted: boolean;
  status: { status: string; report: { errors: string[]; warnings: string[] }; checked_at: string };
  proxy?: ProxyJson;
  proxy_token?: string;
}

describe('/workspaceproxies', () => {
  let w: World;
  let deploymentId: string;
  let accessUrl: string;
  let licenseId: number;

  const as = (session: Session = w.owner) => ({
    get: (path: string) => w.t.http.get(`/api/v2/workspaceproxies${path}`).set(auth(session.token)),
    post: (body: unknown) =>
      w.t.http
        .post('/api/v2/workspaceproxies')
        .set(auth(session.token))
        .send(body as object),
    patch: (path: string, body: unknown) =>
      w.t.http
        .patch(`/api/v2/workspaceproxies${path}`)
        .set(auth(session.token))
        .send(body as object),
    delete: (path: string) => w.t.http.delete(`/api/v2/workspaceproxies${path}`).set(auth(session.token)),
  });
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<ProxyJson> =>
    (
      await as()
        .post({ name, display_name: `${name} display`, icon: '/emojis/1f1fa-1f1f8.png', ...extra })
        .expect(201)
    ).body;
  const register = (token: string, body: unknown) =>
    w.t.http
      .post('/api/v2/workspaceproxies/me/register')
      .set('Coder-External-Proxy-Token', token)
      .send(body as object);

  beforeAll(async () => {
    w = await openWorld();
    const info = (await w.t.http.get('/api/v2/buildinfo').expect(200)).body;
    deploymentId = info.deployment_id;
    accessUrl = info.dashboard_url;
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  describe('without the workspace_proxy entitlement', () => {
    it("answers 401 to anonymous callers first, then 403 with Coder's message on every route", async () => {
      await w.t.http.get('/api/v2/workspaceproxies').expect(401);
      await w.t.http.post('/api/v2/workspaceproxies').send({ name: 'x' }).expect(401);
      for (const res of [
        await as().get(''),
        await as().get('/primary'),
        await as().post({ name: 'x' }),
        await as().patch('/primary', { display_name: 'x' }),
        await as().delete('/x'),
      ]) {
        expect({ status: res.status, body: res.body }).toEqual({ status: 403, body: GATE });
      }
    });
  });

  describe('with the entitlement', () => {
    beforeAll(async () => {
      licenseId = (await addLicense(w.t, w.owner, ['workspace_proxy', 'audit_log'])).id;
    });

    it('lists {regions: [primary]} when there are no proxies; the primary is this deployment', async () => {
      const body = (await as().get('').expect(200)).body;
      expect(body).toEqual({
        regions: [
          {
            id: deploymentId,
            name: 'primary',
            display_name: 'Default',
            icon_url: '/emojis/1f3e1.png',
            healthy: true,
            path_app_url: accessUrl,
            wildcard_hostname: '',
            derp_enabled: true,
            derp_only: false,
            status: { status: 'ok', report: { errors: [], warnings: [] }, checked_at: isoTime() },
            created_at: isoTime(),
            updated_at: isoTime(),
            deleted: false,
            version: 'v0.1.0',
          },
        ],
      });
    });

    it('POST answers 201 with the proxy at the top level, as `proxy`, and its token once; only the hash is stored', async () => {
      const res = await as()
        .post({ name: 'us-east', display_name: 'US East', icon: '/emojis/1f1fa-1f1f8.png' })
        .expect(201);
      const body = res.body as ProxyJson;
      const { proxy, proxy_token, ...top } = body;
      expect(top).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'us-east',
        display_name: 'US East',
        icon_url: '/emojis/1f1fa-1f1f8.png',
        healthy: false,
        path_app_url: '',
        wildcard_hostname: '',
        derp_enabled: true,
        derp_only: false,
        status: { status: 'unregistered', report: { errors: [], warnings: [] }, checked_at: isoTime() },
        created_at: isoTime(),
        updated_at: isoTime(),
        deleted: false,
        version: '',
      });
      expect(proxy).toEqual(top);
      const match = TOKEN_RE.exec(proxy_token!);
      expect(match?.[1]).toBe(body.id);
      const row = await w.db.query('SELECT token_hashed_secret FROM workspace_proxies WHERE id = $1', [body.id]);
      expect((row.rows[0].token_hashed_secret as Buffer).equals(sha256(match![2]))).toBe(true);
      expect(await dumpDatabase(w.db)).not.toContain(match![2]);
      // Shown once: reading the proxy never shows a token again.
      expect(JSON.stringify((await as().get(`/${body.id}`).expect(200)).body)).not.toContain(match![2]);
    });

    it("validates the name: required, Coder's name rule, `primary` reserved in any case, unique case-insensitively", async () => {
      const missing = await as().post({ display_name: 'x' }).expect(400);
      expect(missing.body).toEqual({
        message: 'Validation failed.',
        validations: [{ field: 'name', detail: 'Validation failed for tag "required" with value: ""' }],
      });
      for (const name of ['us east', 'a_b', '-x', 'x'.repeat(33), '']) {
        const res = await as().post({ name }).expect(400);
        expect(res.body.validations.map((v: { field: string }) => v.field)).toEqual(['name']);
      }
      // Unknown fields are ignored (Coder's httpapi.Read), never echoed or stored.
      expect((await as().post({ name: 'x', nope: 1 }).expect(201)).body).not.toHaveProperty('nope');
      expect((await as().post({ name: 'primary' }).expect(400)).body).toEqual(RESERVED);
      expect((await as().post({ name: 'PRIMARY' }).expect(400)).body).toEqual(RESERVED);
      await create('eu-west');
      expect((await as().post({ name: 'EU-West' }).expect(409)).body).toEqual({
        message: 'Workspace proxy with name "EU-West" already exists.',
      });
      // Fields older SDKs send are accepted and ignored (the proxy reports its URLs itself).
      const old = await create('ap-south', {
        url: 'https://ignored.example.com',
        wildcard_hostname: '*.ignored.example.com',
      });
      expect(old.path_app_url).toBe('');
    });

    it('GET finds a proxy by id, by exact name, and the primary by `primary` or the deployment id', async () => {
      const proxy = await create('by-name');
      expect((await as().get(`/${proxy.id}`).expect(200)).body.name).toBe('by-name');
      expect((await as().get(`/${proxy.id.toUpperCase()}`).expect(200)).body.id).toBe(proxy.id);
      expect((await as().get('/by-name').expect(200)).body.id).toBe(proxy.id);
      expect((await as().get('/BY-NAME').expect(404)).body).toEqual(NOT_FOUND);
      expect((await as().get('/primary').expect(200)).body.id).toBe(deploymentId);
      expect((await as().get(`/${deploymentId}`).expect(200)).body.name).toBe('primary');
      expect((await as().get('/3fa85f64-5717-4562-b3fc-2c963f66afa6').expect(404)).body).toEqual(NOT_FOUND);
      const names = (await as().get('').expect(200)).body.regions.map((r: ProxyJson) => r.name);
      expect(names[0]).toBe('primary');
      expect(names).toEqual(expect.arrayContaining(['us-east', 'eu-west', 'by-name']));
    });

    describe('PATCH', () => {
      it('updates name, display name and icon; absent or empty fields stay; the body id is ignored', async () => {
        const proxy = await create('patch-me');
        const res = await as().patch(`/${proxy.id}`, {
          id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
          name: 'patched',
          display_name: 'Patched',
        });
        expect(res.status).toBe(200);
        const body = res.body as ProxyJson;
        expect({
          name: body.name,
          display_name: body.display_name,
          icon_url: body.icon_url,
          proxy_token: body.proxy_token,
        }).toEqual({
          name: 'patched',
          display_name: 'Patched',
          icon_url: '/emojis/1f1fa-1f1f8.png',
          proxy_token: '',
        });
        expect(body.proxy?.name).toBe('patched');
        const again = (await as().patch('/patched', { name: '', display_name: '', icon: '/icon/new.svg' }).expect(200))
          .body;
        expect({ name: again.name, display_name: again.display_name, icon_url: again.icon_url }).toEqual({
          name: 'patched',
          display_name: 'Patched',
          icon_url: '/icon/new.svg',
        });
        await as().get('/patch-me').expect(404);
      });

      it('regenerate_token answers a new token once and the old one stops working', async () => {
        const created = (await as().post({ name: 'regen' }).expect(201)).body as ProxyJson;
        const res = await as().patch(`/${created.id}`, { regenerate_token: true }).expect(200);
        const token = res.body.proxy_token as string;
        expect(token).toMatch(TOKEN_RE);
        expect(token).not.toBe(created.proxy_token);
        const old = await register(created.proxy_token!, { access_url: 'http://127.0.0.1:1' });
        expect({ status: old.status, body: old.body }).toEqual({
          status: 401,
          body: { message: 'Invalid external proxy token', detail: 'Invalid proxy token secret.' },
        });
        await register(token, { access_url: 'http://127.0.0.1:1' }).expect(201);
      });

      it('refuses a rename to an existing name (409) or to `primary` (400)', async () => {
        const proxy = await create('rename-a');
        await create('rename-b');
        expect((await as().patch(`/${proxy.id}`, { name: 'Rename-B' }).expect(409)).body).toEqual({
          message: 'Workspace proxy with name "Rename-B" already exists.',
        });
        expect((await as().patch(`/${proxy.id}`, { name: 'Primary' }).expect(400)).body).toEqual(RESERVED);
        expect((await as().patch(`/${proxy.id}`, { name: 'bad name' }).expect(400)).body.validations[0].field).toBe(
          'name',
        );
        expect(
          (await as().patch(`/${proxy.id}`, { regenerate_token: 'yes' }).expect(400)).body.validations[0].field,
        ).toBe('regenerate_token');
      });

      it('the primary: display name and icon only (stored for every replica), never its name or a token', async () => {
        const res = await as()
          .patch('/primary', { name: 'primary', display_name: 'Headquarters', icon: '/emojis/1f3e2.png' })
          .expect(200);
        expect({ ...res.body, proxy: undefined }).toMatchObject({
          id: deploymentId,
          name: 'primary',
          display_name: 'Headquarters',
          icon_url: '/emojis/1f3e2.png',
          proxy_token: '',
        });
        expect((await as().get('/primary').expect(200)).body.display_name).toBe('Headquarters');
        expect((await as().patch('/primary', { icon: '/emojis/1f3e1.png' }).expect(200)).body.display_name).toBe(
          'Headquarters',
        );
        expect((await as().patch('/primary', { name: 'main', display_name: 'x' }).expect(400)).body).toEqual({
          message: "Cannot update name of default primary proxy, did you mean to update the 'display name'?",
          validations: [{ field: 'name', detail: 'Cannot update name of default primary proxy' }],
        });
        expect((await as().patch('/primary', {}).expect(400)).body).toEqual({
          message: 'No update arguments provided. Nothing to do.',
          validations: [
            { field: 'display_name', detail: 'No value provided.' },
            { field: 'icon', detail: 'No value provided.' },
          ],
        });
        expect(
          (await as().patch(`/${deploymentId}`, { display_name: 'x', regenerate_token: true }).expect(400)).body
            .message,
        ).toBe('The primary proxy has no token to regenerate.');
      });
    });

    describe('DELETE', () => {
      it('soft-deletes: gone from the list and by name, still readable by id (deleted, status unknown); again is 200', async () => {
        const proxy = (await as().post({ name: 'doomed' }).expect(201)).body as ProxyJson;
        expect((await as().delete('/doomed').expect(200)).body).toEqual({ message: 'Proxy has been deleted!' });
        const names = (await as().get('').expect(200)).body.regions.map((r: ProxyJson) => r.name);
        expect(names).not.toContain('doomed');
        await as().get('/doomed').expect(404);
        const byId = (await as().get(`/${proxy.id}`).expect(200)).body as ProxyJson;
        expect({ deleted: byId.deleted, status: byId.status, healthy: byId.healthy }).toEqual({
          deleted: true,
          status: { status: 'unknown', report: { errors: [], warnings: [] }, checked_at: '0001-01-01T00:00:00Z' },
          healthy: false,
        });
        await as().delete(`/${proxy.id}`).expect(200);
        expect((await as().patch(`/${proxy.id}`, { display_name: 'x' }).expect(400)).body).toEqual({
          message: 'This workspace proxy has been deleted.',
        });
        // Its token stops working, and its name is free again.
        const res = await register(proxy.proxy_token!, { access_url: 'http://127.0.0.1:1' });
        expect(res.body).toEqual({ message: 'Invalid external proxy token', detail: 'Proxy has been deleted.' });
        await create('doomed');
      });

      it('refuses to delete the primary', async () => {
        for (const param of ['primary', deploymentId]) {
          expect((await as().delete(`/${param}`).expect(400)).body).toEqual({ message: 'Cannot delete primary proxy' });
        }
      });
    });

    it('audits create, write and delete without the token hash', async () => {
      const proxy = (await as().post({ name: 'audited' }).expect(201)).body as ProxyJson;
      await as().patch(`/${proxy.id}`, { display_name: 'Audited', regenerate_token: true }).expect(200);
      await as().delete(`/${proxy.id}`).expect(200);
      const rows = await w.db.query<{
        action: string;
        diff: Record<string, { old: unknown; new: unknown; secret: boolean }>;
        status_code: number;
        resource_target: string;
      }>(
        `SELECT action, diff, status_code, resource_target FROM audit_logs WHERE resource_type = 'workspace_proxy' AND resource_id = $1 ORDER BY time`,
        [proxy.id],
      );
      expect(rows.rows.map((r) => [r.action, r.status_code, r.resource_target])).toEqual([
        ['create', 201, 'audited'],
        ['write', 200, 'audited'],
        ['delete', 200, 'audited'],
      ]);
      expect(rows.rows[0].diff.name).toEqual({ old: null, new: 'audited', secret: false });
      expect(rows.rows[1].diff.display_name).toEqual({ old: '', new: 'Audited', secret: false });
      expect(rows.rows[1].diff.token_hashed_secret).toEqual({ old: '', new: '', secret: true });
      expect(JSON.stringify(rows.rows)).not.toMatch(/[0-9a-f]{64}/);
      const audit = (
        await w.t.http
          .get('/api/v2/audit')
          .query({ q: 'resource_type:workspace_proxy' })
          .set(auth(w.owner.token))
          .expect(200)
      ).body;
      expect(audit.count).toBeGreaterThanOrEqual(3);
    });

    describe('callers other than owners', () => {
      let proxy: ProxyJson;
      const roles = nonOwnerRoles(() => w);

      beforeAll(async () => {
        proxy = await create('secret-proxy');
      });

      it.each(Object.keys(roles))(
        "role %s: sees only the primary, cannot create (403), others' proxies are 404, the primary is read-only (403)",
        async (role) => {
          const session = await roles[role]();
          const list = (await as(session).get('').expect(200)).body.regions as ProxyJson[];
          expect(list.map((r) => r.name)).toEqual(['primary']);
          expect(
            (
              await as(session)
                .post({ name: `by-${role}` })
                .expect(403)
            ).body,
          ).toEqual(FORBIDDEN);
          for (const param of [proxy.id, 'secret-proxy']) {
            expect((await as(session).get(`/${param}`).expect(404)).body).toEqual(NOT_FOUND);
            expect((await as(session).patch(`/${param}`, { display_name: 'x' }).expect(404)).body).toEqual(NOT_FOUND);
            expect((await as(session).delete(`/${param}`).expect(404)).body).toEqual(NOT_FOUND);
          }
          expect((await as(session).get('/primary').expect(200)).body.name).toBe('primary');
          expect((await as(session).patch('/primary', { display_name: 'x' }).expect(403)).body).toEqual(FORBIDDEN);
          expect((await as(session).delete('/primary').expect(403)).body).toEqual(FORBIDDEN);
          expect((await as().get(`/${proxy.id}`).expect(200)).body.display_name).toBe('secret-proxy display');
        },
      );
    });

    it('the gate follows the license: deleting it makes every route 403 again', async () => {
      await deleteLicense(w.t, w.owner, licenseId);
      expect((await as().get('').expect(403)).body).toEqual(GATE);
      licenseId = (await addLicense(w.t, w.owner, ['workspace_proxy'])).id;
      await as().get('').expect(200);
    });
  });
});
