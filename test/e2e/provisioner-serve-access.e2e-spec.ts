import type pg from 'pg';
import { closeWorld, openWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { connectDaemon, openDaemon, refusal, servePath } from '../helpers/daemon-client.js';
import { NOT_FOUND, SIGNED_OUT, signedOut } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { addMember, createOrg, createUser, setupOwner, type Owner, type Session } from '../helpers/world.js';
import { rawRequest } from '../helpers/raw-request.js';

const PSK = 'psk-for-serve-access-tests-0123456789';
const GATE = { message: 'External Provisioner Daemons is an Enterprise feature. Contact sales!' };
const ORG_SCOPE_FORBIDDEN = { message: "You aren't allowed to create provisioner daemons for the organization." };
const NO_TOKEN = 'Cookie "coder_session_token" or query parameter must be provided.';
const ECHO = 'provisioner=echo';

/** Every check on `/serve` runs before the upgrade and answers an ordinary JSON HTTP response. */
describe('provisioner daemon serve: checks before the upgrade', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let templateAdmin: Session;
  let otherOrg: string;
  let otherOrgAdmin: Session;
  const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };
  const session = (s: Session) => ({ 'Coder-Session-Token': s.token });

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
  afterAll(() => closeWorld(t, db));

  describe('without the entitlement', () => {
    it('answers 401 to anonymous callers (the license state stays hidden), then 403', async () => {
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO))).toMatchObject({
        status: 401,
        body: signedOut(NO_TOKEN),
      });
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), session(owner))).toMatchObject({
        status: 403,
        body: GATE,
      });
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), psk)).toMatchObject({ status: 403, body: GATE });
      await t.http.get(`/api/v2/organizations/${owner.orgId}/provisionerdaemons`).set(session(owner)).expect(403, GATE);
    });
  });

  describe('with the entitlement', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['external_provisioner_daemons']);
    });

    it('refuses as plain JSON HTTP, never an upgraded socket', async () => {
      const refused = await refusal(t.baseUrl, servePath(owner.orgId, ECHO));
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(refused.headers.connection).toBe('close');
      expect(Number(refused.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(refused.body)));
    });

    it('401 for a missing, malformed or unknown session token', async () => {
      expect((await refusal(t.baseUrl, servePath(owner.orgId, ECHO))).body).toEqual(signedOut(NO_TOKEN));
      expect((await refusal(t.baseUrl, servePath(owner.orgId, ECHO), { 'Coder-Session-Token': 'nope' })).body).toEqual(
        signedOut('Invalid API key format: incorrect amount of API key parts, expected 2 got 1'),
      );
      expect(
        (
          await refusal(t.baseUrl, servePath(owner.orgId, ECHO), {
            Authorization: 'Bearer abcdefghij-abcdefghijabcdefghij12',
          })
        ).body,
      ).toEqual(signedOut('API key is invalid.'));
    });

    it('401 for a wrong or empty pre-shared key, without echoing it', async () => {
      for (const key of ['wrong-key', `${PSK}x`, PSK.slice(0, -1), '']) {
        const refused = await refusal(t.baseUrl, servePath(owner.orgId, ECHO), { 'Coder-Provisioner-Daemon-PSK': key });
        expect(refused).toMatchObject({
          status: 401,
          body: { message: SIGNED_OUT, detail: 'The provisioner daemon pre-shared key is invalid.' },
        });
        if (key) expect(JSON.stringify(refused)).not.toContain(key);
      }
    });

    it('a session token wins over a key: an invalid token is not rescued by a valid key', async () => {
      const refused = await refusal(t.baseUrl, servePath(owner.orgId, ECHO), {
        ...psk,
        'Coder-Session-Token': 'abcdefghij-abcdefghijabcdefghij12',
      });
      expect(refused).toMatchObject({ status: 401, body: signedOut('API key is invalid.') });
    });

    it('404 for an unknown or invisible organization, by id or by name', async () => {
      expect(await refusal(t.baseUrl, servePath('not-a-uuid', ECHO), session(owner))).toMatchObject({
        status: 404,
        body: NOT_FOUND,
      });
      expect(await refusal(t.baseUrl, servePath('not-a-uuid', ECHO), psk)).toMatchObject({
        status: 404,
        body: NOT_FOUND,
      });
      const unknown = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
      expect(await refusal(t.baseUrl, servePath(unknown, ECHO), session(owner))).toMatchObject({
        status: 404,
        body: NOT_FOUND,
      });
      expect(await refusal(t.baseUrl, servePath(unknown, ECHO), psk)).toMatchObject({ status: 404, body: NOT_FOUND });
      // A member of the default organization cannot see the other one.
      expect(await refusal(t.baseUrl, servePath(otherOrg, `${ECHO}&tag=scope=user`), session(member))).toMatchObject({
        status: 404,
        body: NOT_FOUND,
      });
    });

    it('400 for a missing or unknown provisioner and malformed tags or names', async () => {
      const cases: [string, unknown][] = [
        ['', { message: 'The provisioner query parameter must be specified.' }],
        ['tag=a=b', { message: 'The provisioner query parameter must be specified.' }],
        ['provisioner=echo&provisioner=docker', { message: 'Unknown provisioner type "docker"' }],
        [
          `${ECHO}&tag=novalue`,
          { message: 'Invalid format for tag "novalue". Key and value must be separated with =.' },
        ],
        [
          `${ECHO}&tag=${encodeURIComponent('bad key=1')}`,
          { message: 'Given tags are not acceptable to the service', detail: expect.stringContaining('bad key') },
        ],
        [
          `${ECHO}&name=${encodeURIComponent('has space')}`,
          {
            message: 'Query parameters have invalid values.',
            validations: [{ field: 'name', detail: expect.any(String) }],
          },
        ],
        [
          `${ECHO}&name=${'n'.repeat(65)}`,
          {
            message: 'Query parameters have invalid values.',
            validations: [{ field: 'name', detail: expect.any(String) }],
          },
        ],
      ];
      for (const [query, body] of cases) {
        const refused = await refusal(t.baseUrl, servePath(owner.orgId, query), psk);
        expect({ query, status: refused.status, body: refused.body }).toEqual({ query, status: 400, body });
      }
    });

    it('organization scope: owner, template admin and the organization admin only', async () => {
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), session(member))).toMatchObject({
        status: 403,
        body: ORG_SCOPE_FORBIDDEN,
      });
      // An unknown scope is coerced to organization, so it needs the same right.
      expect(
        await refusal(t.baseUrl, servePath(owner.orgId, `${ECHO}&tag=scope=galaxy`), session(member)),
      ).toMatchObject({ status: 403, body: ORG_SCOPE_FORBIDDEN });
      // An organization admin elsewhere (and a member here) has no say here.
      expect(await refusal(t.baseUrl, servePath(owner.orgId, ECHO), session(otherOrgAdmin))).toMatchObject({
        status: 403,
        body: ORG_SCOPE_FORBIDDEN,
      });
      for (const [who, org] of [
        [owner, owner.orgId],
        [templateAdmin, owner.orgId],
        [otherOrgAdmin, otherOrg],
      ] as const) {
        const daemon = await connectDaemon(t.baseUrl, servePath(org, ECHO), session(who));
        expect((await daemon.hello).daemon.tags).toEqual({ scope: 'organization' });
        await daemon.close();
      }
    });

    it('user scope: any member, pinned to the caller whatever owner it names', async () => {
      const daemon = await connectDaemon(
        t.baseUrl,
        servePath(owner.orgId, `${ECHO}&tag=scope=user&tag=owner=${owner.userId}&tag=os=linux`),
        session(member),
      );
      const hello = await daemon.hello;
      expect(hello).toEqual({
        type: 'hello',
        protocol: 'coder-provisioner-json',
        version: 1,
        daemon: {
          id: expect.any(String),
          name: expect.stringMatching(/^[a-z]+_[a-z]+$/),
          provisioners: ['echo'],
          tags: { scope: 'user', owner: member.userId, os: 'linux' },
        },
      });
      await daemon.close();
    });

    it('a pre-shared key serves any organization, `default` included, always with organization scope', async () => {
      const daemon = await connectDaemon(
        t.baseUrl,
        servePath(
          'default',
          `${ECHO}&provisioner=terraform&provisioner=echo&tag=scope=user&tag=owner=x&tag=os=linux&name=psk-daemon&version=v1.2.3`,
        ),
        psk,
      );
      expect((await daemon.hello).daemon).toMatchObject({
        name: 'psk-daemon',
        provisioners: ['echo', 'terraform'],
        tags: { scope: 'organization', os: 'linux' },
      });
      const { rows } = await db.query(
        'SELECT organization_id, builtin, version, tags FROM provisioner_daemons WHERE id = $1',
        [(await daemon.hello).daemon.id],
      );
      expect(rows[0]).toEqual({
        organization_id: owner.orgId,
        builtin: false,
        version: 'v1.2.3',
        tags: { scope: 'organization', os: 'linux' },
      });
      await daemon.close();
      const other = await connectDaemon(t.baseUrl, servePath(otherOrg, ECHO), psk);
      await other.close();
    });

    it('answers a plain GET after the same checks with 426, and documents it as public', async () => {
      const path = servePath(owner.orgId, ECHO);
      await t.http.get(path).expect(401, signedOut(NO_TOKEN));
      await t.http.get(path).set(psk).expect(426, { message: 'This endpoint only accepts WebSocket connections.' });
      await t.http.get(path).set(session(owner)).expect(426);
      await t.http
        .get(servePath(owner.orgId, ''))
        .set(psk)
        .expect(400, { message: 'The provisioner query parameter must be specified.' });
      await t.http.get(path).set(session(member)).expect(403, ORG_SCOPE_FORBIDDEN);
    });

    it('a provisioner key: alone, without tags; the plain GET answers the same', async () => {
      const created = await t.http
        .post(`/api/v2/organizations/${owner.orgId}/provisionerkeys`)
        .set(session(owner))
        .send({ name: 'serve-access', tags: { os: 'linux' } })
        .expect(201);
      const key = { 'Coder-Provisioner-Daemon-Key': created.body.key as string };
      const path = servePath(owner.orgId, ECHO);
      const both = { message: 'provisioner daemon key and psk provided, but only one is allowed' };
      expect(await refusal(t.baseUrl, path, { ...key, ...psk })).toMatchObject({ status: 400, body: both });
      await t.http
        .get(path)
        .set({ ...key, ...psk })
        .expect(400, both);
      const withSession = {
        message: 'API key and external provisioner authentication provided, but only one is allowed',
      };
      expect(await refusal(t.baseUrl, path, { ...key, ...session(member) })).toMatchObject({
        status: 400,
        body: withSession,
      });
      await t.http
        .get(servePath(owner.orgId, `${ECHO}&tag=scope=organization`))
        .set(key)
        .expect(403, {
          message: `You aren't allowed to create provisioner daemons with scope "organization"`,
          detail: 'tags are not allowed when using a provisioner key',
        });
      await t.http.get(path).set(key).expect(426);
      await t.http.get(path).set({ 'Coder-Provisioner-Daemon-Key': 'short' }).expect(400, {
        message: 'provisioner daemon key invalid',
        detail: 'must be 43 characters',
      });
      const daemon = await connectDaemon(t.baseUrl, path, key);
      expect((await daemon.hello).daemon.tags).toEqual({ os: 'linux', scope: 'organization' });
      await daemon.close();
    });

    it('refuses a broken handshake as JSON, and other upgrade paths with 404', async () => {
      const handshake = await rawRequest(t.baseUrl, {
        method: 'GET',
        path: servePath(owner.orgId, ECHO),
        headers: {
          ...psk,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'short',
        },
      });
      expect(handshake.status).toBe(400);
      expect(handshake.body).toEqual({
        message: 'Invalid WebSocket handshake.',
        detail: expect.stringContaining('Sec-WebSocket-Key'),
      });
      // A page on another site cannot ride the session cookie into a daemon socket.
      const host = new URL(t.baseUrl).host;
      const cookie = { Cookie: `coder_session_token=${owner.token}` };
      expect(
        await refusal(t.baseUrl, servePath(owner.orgId, ECHO), { ...cookie, Origin: 'https://evil.example' }),
      ).toMatchObject({
        status: 403,
        body: { message: `Request Origin "https://evil.example" is not authorized for Host "${host}".` },
      });
      const sameOrigin = await connectDaemon(t.baseUrl, servePath(owner.orgId, ECHO), { ...cookie, Origin: t.baseUrl });
      await sameOrigin.close();
      const other = await openDaemon(t.baseUrl, '/api/v2/users/me', session(owner));
      expect(other).toEqual({
        refused: expect.objectContaining({ status: 404, body: { message: 'Route not found.' } }),
      });
    });
  });

  it('a pre-shared key is refused (401) when the deployment has none', async () => {
    const bare = await startTestApp({ env: { CODER_PROVISIONER_DAEMONS: '0' } });
    try {
      const admin = await setupOwner(bare);
      await addLicense(bare, admin, ['external_provisioner_daemons']);
      for (const key of [PSK, '']) {
        expect(
          await refusal(bare.baseUrl, servePath(admin.orgId, ECHO), { 'Coder-Provisioner-Daemon-PSK': key }),
        ).toMatchObject({
          status: 401,
          body: { message: SIGNED_OUT, detail: 'The provisioner daemon pre-shared key is invalid.' },
        });
      }
    } finally {
      await bare.close();
    }
  });
});
