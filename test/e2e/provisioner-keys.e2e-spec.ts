import type pg from 'pg';
import { closeWorld, openWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { connectDaemon, openDaemon, refusal, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { FORBIDDEN, NOT_FOUND, isoTime, sha256 } from '../helpers/expectations.js';
import { createImportJob, getJob, waitForCompletion } from '../helpers/jobs.js';
import { addLicense } from '../helpers/licenses.js';
import { addMember, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const PSK = 'provisioner-keys-test-psk-0123456789';
const GATE = { message: 'External Provisioner Daemons is an Enterprise feature. Contact sales!' };
const KEY_RE = /^[0-9A-Za-z]{43}$/;
const ECHO = 'provisioner=echo';
const RESERVED = [
  { id: '00000000-0000-0000-0000-000000000001', name: 'built-in' },
  { id: '00000000-0000-0000-0000-000000000003', name: 'psk' },
  { id: '00000000-0000-0000-0000-000000000002', name: 'user-auth' },
];
const nameError = (message: string) => ({ message, validations: [{ field: 'name', detail: message }] });
const keyHeader = (key: string) => ({ 'Coder-Provisioner-Daemon-Key': key });

describe('provisioner keys', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let otherOrg: string;
  let otherOrgAdmin: Session;
  const daemons: TestDaemon[] = [];
  const session = (s: Session) => ({ 'Coder-Session-Token': s.token });
  const keysPath = (org: string) => `/api/v2/organizations/${org}/provisionerkeys`;

  async function createKey(org: string, body: object, who: Session = owner): Promise<string> {
    const res = await t.http.post(keysPath(org)).set(session(who)).send(body).expect(201);
    expect(res.body).toEqual({ key: expect.stringMatching(KEY_RE) });
    return (res.body as { key: string }).key;
  }
  async function keyDaemon(key: string, query = ECHO, org = owner.orgId): Promise<TestDaemon> {
    const d = await connectDaemon(t.baseUrl, servePath(org, query), keyHeader(key));
    daemons.push(d);
    return d;
  }

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
    }));
    member = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    otherOrg = await createOrg(t, owner);
    otherOrgAdmin = await createUser(t, owner);
    await addMember(t, owner, otherOrg, otherOrgAdmin.userId, ['organization-admin']);
  });
  afterAll(async () => {
    for (const d of daemons) d.ws.terminate();
    await closeWorld(t, db);
  });

  it('without the entitlement: 403 on the organization routes', async () => {
    await t.http.get(keysPath(owner.orgId)).set(session(owner)).expect(403, GATE);
    await t.http.post(keysPath(owner.orgId)).set(session(owner)).send({ name: 'x' }).expect(403, GATE);
    await t.http
      .get(`${keysPath(owner.orgId)}/daemons`)
      .set(session(owner))
      .expect(403, GATE);
    await t.http
      .delete(`${keysPath(owner.orgId)}/x`)
      .set(session(owner))
      .expect(403, GATE);
  });

  describe('with the entitlement', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['external_provisioner_daemons']);
    });

    it('creates a key: the secret once, only its sha256 stored, the name lower-cased', async () => {
      const secret = await createKey(owner.orgId, { name: 'CI-Runners', tags: { pool: 'ci' }, unknown: 1 });
      const { rows } = await db.query('SELECT * FROM provisioner_keys WHERE organization_id = $1', [owner.orgId]);
      expect(rows).toEqual([
        {
          id: expect.any(String),
          created_at: expect.any(Date),
          organization_id: owner.orgId,
          name: 'ci-runners',
          hashed_secret: sha256(secret),
          tags: { pool: 'ci' },
        },
      ]);
      expect(JSON.stringify(rows)).not.toContain(secret);
      const listed = await t.http.get(keysPath(owner.orgId)).set(session(owner)).expect(200);
      expect(listed.body).toEqual([
        { id: rows[0].id, created_at: isoTime(), organization: owner.orgId, name: 'ci-runners', tags: { pool: 'ci' } },
      ]);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      // `default` names the default organization; tags may be absent or null.
      await createKey('default', { name: 'second' });
      await createKey(owner.orgId, { name: 'third', tags: null });
      const again = await t.http.get(keysPath('default')).set(session(member)).expect(200);
      expect((again.body as { name: string }[]).map((k) => k.name)).toEqual(['ci-runners', 'second', 'third']);
      expect((again.body as { tags: object }[]).map((k) => k.tags)).toEqual([{ pool: 'ci' }, {}, {}]);
      for (const name of ['second', 'third']) {
        await t.http
          .delete(`${keysPath(owner.orgId)}/${name}`)
          .set(session(owner))
          .expect(204);
      }
      await t.http
        .delete(`${keysPath(owner.orgId)}/CI-RUNNERS`)
        .set(session(owner))
        .expect(204, '');
      await t.http.get(keysPath(owner.orgId)).set(session(owner)).expect(200, []);
    });

    it('refuses bad names, reserved names, duplicates and bad tags with Coder wording', async () => {
      const post = (body: unknown) =>
        t.http
          .post(keysPath(owner.orgId))
          .set(session(owner))
          .send(body as object);
      await post({}).expect(400, nameError('Name is required'));
      await post({ name: '' }).expect(400, nameError('Name is required'));
      await post({ name: 'n'.repeat(65) }).expect(400, nameError('Name must be at most 64 characters'));
      // 64 bytes, not characters: 22 three-byte characters are 66 bytes.
      await post({ name: '€'.repeat(22) }).expect(400, nameError('Name must be at most 64 characters'));
      for (const name of ['built-in', 'User-Auth', 'PSK']) {
        await post({ name }).expect(400, nameError(`Name cannot be reserved name '${name}'`));
      }
      await post({ name: 'dup' }).expect(201);
      await post({ name: 'DUP' }).expect(409, {
        message: "Provisioner key with name 'DUP' already exists in organization",
      });
      // The same name is free in another organization.
      await createKey(otherOrg, { name: 'dup' });
      for (const tags of [{ a: 1 }, { 'bad key': 'x' }, { a: 'nul\u0000' }]) {
        const res = await post({ name: 'tagged', tags }).expect(400);
        expect(res.body).toEqual({
          message: 'Validation failed.',
          validations: [{ field: 'tags', detail: expect.any(String) }],
        });
      }
      for (const body of [{ name: 5 }, { name: 'x', tags: 'a=b' }, { name: 'x', tags: ['a'] }]) {
        const res = await post(body).expect(400);
        expect(res.body).toMatchObject({ message: expect.any(String) });
      }
      await t.http
        .post(keysPath(owner.orgId))
        .set(session(owner))
        .set('Content-Type', 'application/json')
        .send('{')
        .expect(400);
      // Any text is a name (no character set, as Coder), but not one PostgreSQL cannot store.
      await post({ name: 'Ünïcode key / with spaces' }).expect(201);
      await t.http
        .delete(`${keysPath(owner.orgId)}/${encodeURIComponent('ÜNÏCODE KEY / WITH SPACES')}`)
        .set(session(owner))
        .expect(204);
      expect((await post({ name: 'a\u0000b' }).expect(400)).body.message).toBe(
        'Request contains text that cannot be stored.',
      );
      expect((await t.http.delete(`${keysPath(owner.orgId)}/a%00b`).set(session(owner))).status).toBe(400);
      await t.http
        .delete(`${keysPath(owner.orgId)}/dup`)
        .set(session(owner))
        .expect(204);
      await t.http
        .delete(`${keysPath(otherOrg)}/dup`)
        .set(session(owner))
        .expect(204);
    });

    it('deletes by name: 404 when absent, 400 for the reserved names', async () => {
      await t.http
        .delete(`${keysPath(owner.orgId)}/nothing`)
        .set(session(owner))
        .expect(404, NOT_FOUND);
      for (const name of ['built-in', 'PSK', 'user-auth']) {
        await t.http
          .delete(`${keysPath(owner.orgId)}/${name}`)
          .set(session(owner))
          .expect(400, { message: `Cannot delete reserved '${name.toLowerCase()}' provisioner key` });
      }
    });

    it('roles: admins create and delete, members only read, outsiders see nothing', async () => {
      const admins: [Session, string][] = [
        [owner, owner.orgId],
        [templateAdmin, owner.orgId],
        [otherOrgAdmin, otherOrg],
      ];
      for (const [who, org] of admins) {
        await createKey(org, { name: 'by-admin' }, who);
        await t.http.get(keysPath(org)).set(session(who)).expect(200);
        await t.http
          .delete(`${keysPath(org)}/by-admin`)
          .set(session(who))
          .expect(204);
      }
      await createKey(owner.orgId, { name: 'kept' });
      const listed = await t.http.get(keysPath(owner.orgId)).set(session(member)).expect(200);
      expect((listed.body as { name: string }[]).map((k) => k.name)).toEqual(['kept']);
      await t.http
        .get(`${keysPath(owner.orgId)}/daemons`)
        .set(session(member))
        .expect(200);
      await t.http.post(keysPath(owner.orgId)).set(session(member)).send({ name: 'mine' }).expect(403, FORBIDDEN);
      await t.http
        .delete(`${keysPath(owner.orgId)}/kept`)
        .set(session(member))
        .expect(403, FORBIDDEN);
      // An organization admin elsewhere is only a member here; the member is a stranger there.
      await t.http.get(keysPath(owner.orgId)).set(session(otherOrgAdmin)).expect(200);
      await t.http.post(keysPath(owner.orgId)).set(session(otherOrgAdmin)).send({ name: 'x' }).expect(403, FORBIDDEN);
      await t.http.get(keysPath(otherOrg)).set(session(member)).expect(404, NOT_FOUND);
      await t.http
        .get(`${keysPath(otherOrg)}/daemons`)
        .set(session(member))
        .expect(404, NOT_FOUND);
      await t.http.post(keysPath(otherOrg)).set(session(member)).send({ name: 'x' }).expect(404, NOT_FOUND);
      await t.http
        .delete(`${keysPath(otherOrg)}/kept`)
        .set(session(member))
        .expect(404, NOT_FOUND);
      await t.http.get(keysPath(owner.orgId)).expect(401);
      await t.http
        .delete(`${keysPath(owner.orgId)}/kept`)
        .set(session(owner))
        .expect(204);
    });

    it('GET /provisionerkeys/{key}: the key of the header, whatever the path says', async () => {
      const secret = await createKey(owner.orgId, { name: 'fetched', tags: { os: 'linux' } });
      const res = await t.http.get('/api/v2/provisionerkeys/anything').set(keyHeader(secret)).expect(200);
      expect(res.body).toEqual({
        id: expect.any(String),
        created_at: isoTime(),
        organization: owner.orgId,
        name: 'fetched',
        tags: { os: 'linux' },
      });
      await t.http.get(`/api/v2/provisionerkeys/${secret}`).expect(401, { message: 'provisioner daemon key required' });
      await t.http
        .get('/api/v2/provisionerkeys/x')
        .set(keyHeader('short'))
        .expect(400, { message: 'provisioner daemon key invalid', detail: 'must be 43 characters' });
      await t.http
        .get('/api/v2/provisionerkeys/x')
        .set(keyHeader('A'.repeat(43)))
        .expect(401, { message: 'provisioner daemon key invalid' });
      // A session alone is no key.
      await t.http.get('/api/v2/provisionerkeys/x').set(session(owner)).expect(401);
      await t.http
        .delete(`${keysPath(owner.orgId)}/fetched`)
        .set(session(owner))
        .expect(204);
      await t.http.get('/api/v2/provisionerkeys/x').set(keyHeader(secret)).expect(401);
    });

    it("serves with a key: the key's organization and tags, no query tags, no other credential", async () => {
      const secret = await createKey(
        otherOrg,
        { name: 'serving', tags: { pool: 'keyed', scope: 'user' } },
        otherOrgAdmin,
      );
      // The URL's organization must resolve, but the key's organization is served.
      const d = await keyDaemon(secret, `${ECHO}&name=keyed-daemon`, owner.orgId);
      const hello = await d.hello;
      expect(hello.daemon).toMatchObject({ name: 'keyed-daemon', tags: { pool: 'keyed', scope: 'user', owner: '' } });
      const { rows } = await db.query(
        `SELECT d.organization_id, d.key_id, k.name FROM provisioner_daemons d JOIN provisioner_keys k ON k.id = d.key_id
          WHERE d.id = $1`,
        [hello.daemon.id],
      );
      expect(rows).toEqual([{ organization_id: otherOrg, key_id: expect.any(String), name: 'serving' }]);
      await d.close();

      expect(await refusal(t.baseUrl, servePath(owner.orgId, `${ECHO}&tag=a=b`), keyHeader(secret))).toMatchObject({
        status: 403,
        body: {
          message: `You aren't allowed to create provisioner daemons with scope ""`,
          detail: 'tags are not allowed when using a provisioner key',
        },
      });
      expect(
        await refusal(t.baseUrl, servePath(owner.orgId, `${ECHO}&tag=scope=user`), keyHeader(secret)),
      ).toMatchObject({
        status: 403,
        body: { message: `You aren't allowed to create provisioner daemons with scope "user"` },
      });
      expect(
        await refusal(t.baseUrl, servePath(owner.orgId, ECHO), {
          ...keyHeader(secret),
          'Coder-Provisioner-Daemon-PSK': PSK,
        }),
      ).toMatchObject({
        status: 400,
        body: { message: 'provisioner daemon key and psk provided, but only one is allowed' },
      });
      expect(
        await refusal(t.baseUrl, servePath(owner.orgId, ECHO), { ...keyHeader(secret), ...session(owner) }),
      ).toMatchObject({
        status: 400,
        body: { message: 'API key and external provisioner authentication provided, but only one is allowed' },
      });
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), keyHeader('x'.repeat(10)))).toMatchObject({
        status: 400,
        body: { message: 'provisioner daemon key invalid', detail: 'must be 43 characters' },
      });
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), keyHeader('B'.repeat(43)))).toMatchObject({
        status: 401,
        body: { message: 'provisioner daemon key invalid' },
      });
      expect(
        await refusal(t.baseUrl, servePath('3fa85f64-5717-4562-b3fc-2c963f66afa6', ECHO), keyHeader(secret)),
      ).toMatchObject({ status: 404, body: NOT_FOUND });
      await t.http
        .delete(`${keysPath(otherOrg)}/serving`)
        .set(session(owner))
        .expect(204);
    });

    it('lists each key with its recent daemons, then the reserved pseudo-keys', async () => {
      const secret = await createKey(owner.orgId, { name: 'listed', tags: { pool: 'listed' } });
      const keyed = await keyDaemon(secret, `${ECHO}&name=zeta`);
      const keyed2 = await keyDaemon(secret, `${ECHO}&name=alpha`);
      const viaPsk = await connectDaemon(t.baseUrl, servePath(owner.orgId, `${ECHO}&name=by-psk`), {
        'Coder-Provisioner-Daemon-PSK': PSK,
      });
      daemons.push(viaPsk);
      const viaSession = await connectDaemon(t.baseUrl, servePath(owner.orgId, `${ECHO}&name=by-user`), session(owner));
      daemons.push(viaSession);
      const res = await t.http
        .get(`${keysPath(owner.orgId)}/daemons`)
        .set(session(member))
        .expect(200);
      const body = res.body as { key: { id: string; name: string }; daemons: { name: string; id: string }[] }[];
      const keyRow = await db.query('SELECT id FROM provisioner_keys WHERE name = $1', ['listed']);
      expect(body.map((e) => e.key)).toEqual([
        {
          id: keyRow.rows[0].id,
          created_at: isoTime(),
          organization: owner.orgId,
          name: 'listed',
          tags: { pool: 'listed' },
        },
        ...RESERVED.map((r) => ({ ...r, created_at: '0001-01-01T00:00:00Z', organization: owner.orgId, tags: {} })),
      ]);
      expect(body.map((e) => e.daemons.map((d) => d.name))).toEqual([['alpha', 'zeta'], [], ['by-psk'], ['by-user']]);
      expect(body[0].daemons[0]).toMatchObject({
        id: (await keyed2.hello).daemon.id,
        tags: { pool: 'listed', scope: 'organization' },
        // Superset: Coder answers null for these on this route.
        key_name: 'listed',
        status: 'idle',
        // As Coder: no jobs here (every member may list the key daemons).
        current_job: null,
        previous_job: null,
      });
      expect(body[2].daemons[0]).toMatchObject({ key_name: 'psk' });
      // The other organization sees only the pseudo-keys, without these daemons.
      const other = await t.http
        .get(`${keysPath(otherOrg)}/daemons`)
        .set(session(owner))
        .expect(200);
      expect((other.body as typeof body).map((e) => [e.key.name, e.daemons.length])).toEqual([
        ['built-in', 0],
        ['psk', 0],
        ['user-auth', 0],
      ]);
      for (const d of [keyed, keyed2, viaPsk, viaSession]) await d.close();
      await t.http
        .delete(`${keysPath(owner.orgId)}/listed`)
        .set(session(owner))
        .expect(204);
    });

    it('deleting a key cuts off its daemons at once, fails their running job and deletes their rows', async () => {
      const secret = await createKey(owner.orgId, { name: 'doomed', tags: { pool: 'doomed' } });
      const d = await keyDaemon(secret, `${ECHO}&name=doomed-daemon`);
      const daemonId = (await d.hello).daemon.id;
      const { jobId } = await createImportJob(t, {
        organizationId: owner.orgId,
        initiatorId: owner.userId,
        tags: { scope: 'organization', pool: 'doomed' },
      });
      expect(await d.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
      await t.http
        .delete(`${keysPath(owner.orgId)}/Doomed`)
        .set(session(owner))
        .expect(204);
      expect(await d.closed).toEqual({ code: 1001, reason: 'provisioner key deleted' });
      expect(await waitForCompletion(t, jobId)).toMatchObject({
        error:
          'Provisioner daemon "doomed-daemon" disconnected while running this job: its provisioner key was deleted.',
        worker_id: daemonId,
      });
      expect((await db.query('SELECT 1 FROM provisioner_daemons WHERE id = $1', [daemonId])).rowCount).toBe(0);
      // The deleted key can no longer serve.
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), keyHeader(secret))).toMatchObject({ status: 401 });
    });

    it('rotates a key: a new key serves while the old one is deleted', async () => {
      const tags = { pool: 'rotate' };
      const oldSecret = await createKey(owner.orgId, { name: 'rotate-1', tags });
      const oldDaemon = await keyDaemon(oldSecret, `${ECHO}&name=rotate-old`);
      const newSecret = await createKey(owner.orgId, { name: 'rotate-2', tags });
      const newDaemon = await keyDaemon(newSecret, `${ECHO}&name=rotate-new`);
      await t.http
        .delete(`${keysPath(owner.orgId)}/rotate-1`)
        .set(session(owner))
        .expect(204);
      expect((await oldDaemon.closed).reason).toBe('provisioner key deleted');
      const { jobId } = await createImportJob(t, {
        organizationId: owner.orgId,
        initiatorId: owner.userId,
        tags: { scope: 'organization', pool: 'rotate' },
      });
      expect(await newDaemon.request({ type: 'acquire_job', wait: true })).toMatchObject({ job: { job_id: jobId } });
      expect(await newDaemon.request({ type: 'complete_job', job_id: jobId, resources: [] })).toMatchObject({
        type: 'ack',
      });
      expect((await getJob(t, jobId)).error).toBeNull();
      expect(newDaemon.ws.readyState).toBe(newDaemon.ws.OPEN);
      await newDaemon.close();
      await t.http
        .delete(`${keysPath(owner.orgId)}/rotate-2`)
        .set(session(owner))
        .expect(204);
    });

    describe('with a second replica', () => {
      let t2: TestApp;
      beforeAll(async () => {
        t2 = await startTestApp({
          databaseUrl: t.databaseUrl,
          env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
        });
      });
      afterAll(() => t2?.close());

      it('a deletion on one replica cuts off the daemons connected to another', async () => {
        const secret = await createKey(owner.orgId, { name: 'ha-key' });
        const d = await connectDaemon(t2.baseUrl, servePath(owner.orgId, `${ECHO}&name=ha-daemon`), keyHeader(secret));
        daemons.push(d);
        await d.hello;
        await t.http
          .delete(`${keysPath(owner.orgId)}/ha-key`)
          .set(session(owner))
          .expect(204);
        expect(await d.closed).toEqual({ code: 1001, reason: 'provisioner key deleted' });
      });

      it('a replica that may have missed announcements rechecks the keys of its daemons', async () => {
        const secret = await createKey(owner.orgId, { name: 'missed' });
        const kept = await createKey(owner.orgId, { name: 'kept-after-resync' });
        const d = await connectDaemon(t2.baseUrl, servePath(owner.orgId, ECHO), keyHeader(secret));
        const other = await connectDaemon(t2.baseUrl, servePath(owner.orgId, ECHO), keyHeader(kept));
        daemons.push(d, other);
        await Promise.all([d.hello, other.hello]);
        // Deleted behind the server's back: no announcement. Cutting the pubsub connections makes
        // every replica reconnect and signal that messages may have been lost.
        await db.query("DELETE FROM provisioner_keys WHERE name = 'missed'");
        await db.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'coder-pubsub' AND datname = current_database()",
        );
        expect(await d.closed).toEqual({ code: 1001, reason: 'provisioner key deleted' });
        expect(other.ws.readyState).toBe(other.ws.OPEN);
        await other.close();
        await t.http
          .delete(`${keysPath(owner.orgId)}/kept-after-resync`)
          .set(session(owner))
          .expect(204);
      });
    });

    it('wrong keys are rate limited per address (429), a right key still works', async () => {
      const secret = await createKey(owner.orgId, { name: 'limited' });
      const statuses: number[] = [];
      for (let i = 0; i < 25 && !statuses.includes(429); i++) {
        const res = await openDaemon(t.baseUrl, servePath(owner.orgId, ECHO), keyHeader('C'.repeat(43)), {
          localAddress: '127.0.0.7',
        });
        if ('daemon' in res) throw new Error('accepted a wrong key');
        statuses.push(res.refused.status);
      }
      expect(statuses.at(-1)).toBe(429);
      expect(new Set(statuses.slice(0, -1))).toEqual(new Set([401]));
      const ok = await connectDaemon(t.baseUrl, servePath(owner.orgId, ECHO), keyHeader(secret), {
        localAddress: '127.0.0.7',
      });
      await ok.close();
      // The fetch route counts against the same limit.
      let fetched = 0;
      for (let i = 0; i < 25; i++) {
        const res = await t.http.get('/api/v2/provisionerkeys/x').set(keyHeader('D'.repeat(43)));
        fetched = res.status;
        if (fetched === 429) break;
      }
      expect(fetched).toBe(429);
      await t.http.get('/api/v2/provisionerkeys/x').set(keyHeader(secret)).expect(200);
    });
  });
});

describe('provisioner keys in the OpenAPI document', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('documents every key route, its answers and the key header', async () => {
    t = await startTestApp();
    const doc = (await t.http.get('/swagger/doc.json').expect(200)).body;
    const org = '/api/v2/organizations/{orgref}/provisionerkeys';
    const ops = {
      [`get ${org}`]: ['200', '400', '401', '404'],
      [`post ${org}`]: ['201', '400', '401', '403', '404', '409'],
      [`get ${org}/daemons`]: ['200', '400', '401', '404'],
      [`delete ${org}/{provisionerkey}`]: ['204', '400', '401', '403', '404'],
      ['get /api/v2/provisionerkeys/{provisionerkey}']: ['200', '400', '401', '429'],
    };
    for (const [op, statuses] of Object.entries(ops)) {
      const [method, path] = op.split(' ');
      const operation = doc.paths[path]?.[method];
      expect({ op, statuses: Object.keys(operation?.responses ?? {}).sort() }).toEqual({
        op,
        statuses: expect.arrayContaining(statuses),
      });
    }
    const fetch = doc.paths['/api/v2/provisionerkeys/{provisionerkey}'].get;
    expect(fetch.security).toBeUndefined();
    expect(fetch.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'header', name: 'Coder-Provisioner-Daemon-Key', required: true }),
      ]),
    );
    const serve = doc.paths['/api/v2/organizations/{serveorg}/provisionerdaemons/serve'].get;
    expect(serve.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Coder-Provisioner-Daemon-Key' })]),
    );
    expect(doc.paths[org].post.requestBody).toBeDefined();
  });
});
