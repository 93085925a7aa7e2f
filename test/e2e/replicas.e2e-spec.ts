import { hostname } from 'node:os';
import { closeWorld, openWorld, startTestApp, type TestApp, type World } from '../helpers/app.js';
import { NOT_FOUND, isoTime, signedOut } from '../helpers/expectations.js';
import { eventually } from '../helpers/ha.js';
import { addLicense, deleteLicense } from '../helpers/licenses.js';
import { auth, nonOwnerRoles } from '../helpers/world.js';

const HA_ERROR_UNLICENSED =
  'You have multiple replicas but high availability is an Enterprise feature. You will be unable to connect to workspaces.';
const HA_ERROR_LICENSED =
  'You have multiple replicas but your license is not entitled to high availability. You will be unable to connect to workspaces.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Short intervals keep the file fast: dead after 3 s, pruned every second. */
const env = {
  CODER_DERP_SERVER_RELAY_URL: 'http://replica-1.internal:3000',
  CODER_REPLICA_HEARTBEAT_INTERVAL: '1s',
  CODER_REPLICA_PRUNE_INTERVAL: '1s',
  CODER_PG_POOL_MAX: '5',
};

interface ReplicaJson {
  id: string;
  hostname: string;
  relay_address: string;
  region_id: number;
  error: string;
  database_latency: number;
  created_at: string;
}

describe('/replicas and the replica set (in-process replicas)', () => {
  let w: World;
  let selfId: string;

  const list = async (t: TestApp = w.t): Promise<ReplicaJson[]> =>
    (await t.http.get('/api/v2/replicas').set(auth(w.owner.token)).expect(200)).body as ReplicaJson[];
  const errors = async (t: TestApp = w.t): Promise<string[]> =>
    (await t.http.get('/api/v2/entitlements').expect(200)).body.errors;

  beforeAll(async () => {
    w = await openWorld({ env });
    const rows = await w.db.query<{ id: string }>('SELECT id FROM replicas');
    expect(rows.rows).toHaveLength(1);
    selfId = rows.rows[0].id;
  });
  afterAll(() => closeWorld(w?.t, w?.db));

  it("lists this replica for owners, in Coder's shape", async () => {
    const replicas = await list();
    expect(replicas).toEqual([
      {
        id: selfId,
        hostname: hostname(),
        created_at: isoTime(),
        relay_address: 'http://replica-1.internal:3000',
        region_id: 999,
        error: '',
        database_latency: expect.any(Number),
      },
    ]);
    expect(replicas[0].id).toMatch(UUID);
    expect(Number.isInteger(replicas[0].database_latency) && replicas[0].database_latency > 0).toBe(true);
    const row = await w.db.query(
      'SELECT version, "primary", stopped_at, started_at <= updated_at AS ordered FROM replicas WHERE id = $1',
      [selfId],
    );
    expect(row.rows[0]).toEqual({ version: 'v0.1.0', primary: true, stopped_at: null, ordered: true });
  });

  it('heartbeats: updated_at moves on', async () => {
    const before = await w.db.query<{ updated_at: Date }>('SELECT updated_at FROM replicas WHERE id = $1', [selfId]);
    await eventually(async () => {
      const now = await w.db.query<{ updated_at: Date }>('SELECT updated_at FROM replicas WHERE id = $1', [selfId]);
      return now.rows[0].updated_at > before.rows[0].updated_at;
    }, 5000);
  });

  describe('who may list', () => {
    const others = nonOwnerRoles(() => w);

    it.each(Object.keys(others))('role %s gets 404, as if the route did not exist', async (role) => {
      const session = await others[role]();
      const res = await w.t.http.get('/api/v2/replicas').set(auth(session.token));
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: NOT_FOUND });
    });

    it('an anonymous caller gets 401', async () => {
      const res = await w.t.http.get('/api/v2/replicas');
      expect(res.status).toBe(401);
      expect(res.body).toEqual(signedOut('Cookie "coder_session_token" or query parameter must be provided.'));
    });
  });

  it('does not list dead, stopped or workspace proxy replicas, and prunes dead rows', async () => {
    const insert = (id: string, ageSeconds: number, stopped: boolean, primary: boolean) =>
      w.db.query(
        `INSERT INTO replicas (id, created_at, started_at, stopped_at, updated_at, hostname, region_id, relay_address, database_latency, version, error, "primary")
         VALUES ($1, now() - interval '1 hour', now() - interval '1 hour', $2, now() - $3 * interval '1 second', 'other', $4, '', 10, 'v0', '', $5)`,
        [id, stopped ? new Date() : null, ageSeconds, primary ? 999 : 10001, primary],
      );
    const dead = '11111111-1111-4111-8111-111111111111';
    const stopped = '22222222-2222-4222-8222-222222222222';
    const proxyReplica = '33333333-3333-4333-8333-333333333333';
    await insert(dead, 3600, false, true);
    await insert(stopped, 0, true, true);
    await insert(proxyReplica, 0, false, false);
    expect((await list()).map((r) => r.id)).toEqual([selfId]);
    expect(await errors()).toEqual([]);
    // The prune loop deletes the server replica dead for an hour; live and fresh rows stay until they age.
    await eventually(
      async () => (await w.db.query('SELECT 1 FROM replicas WHERE id = $1', [dead])).rowCount === 0,
      5000,
    );
    const left = await w.db.query<{ id: string }>('SELECT id FROM replicas WHERE id = ANY($1)', [
      [stopped, proxyReplica],
    ]);
    expect(left.rows.map((r) => r.id).sort()).toEqual([stopped, proxyReplica].sort());
    await w.db.query('DELETE FROM replicas WHERE id = ANY($1)', [[stopped, proxyReplica]]);
  });

  it('reports a peer whose relay address does not answer in its error, until the peer is dead', async () => {
    // A peer that heartbeats (this test refreshes its row) but whose relay address refuses connections.
    const peer = '44444444-4444-4444-8444-444444444444';
    const relay = 'http://127.0.0.1:9';
    await w.db.query(
      `INSERT INTO replicas (id, created_at, started_at, updated_at, hostname, region_id, relay_address, database_latency, version)
       VALUES ($1, now(), now(), now(), 'peer-host', 999, $2, 5, 'v0.1.0')`,
      [peer, relay],
    );
    const keepAlive = setInterval(
      () => void w.db.query('UPDATE replicas SET updated_at = now() WHERE id = $1', [peer]),
      300,
    );
    try {
      const { value } = await eventually(async () => {
        const self = (await list()).find((r) => r.id === selfId);
        return self && self.error !== '' ? self.error : undefined;
      }, 8000);
      expect(value).toMatch(/^Failed to dial peers: relay peer-host \(http:\/\/127\.0\.0\.1:9\): /);
      // The peer counts as a second replica: without high_availability that is Coder's error.
      await eventually(async () => (await errors()).includes(HA_ERROR_UNLICENSED), 5000);
      const replicas = await list();
      expect(replicas.map((r) => r.id)).toEqual([peer, selfId]);
    } finally {
      clearInterval(keepAlive);
    }
    // Once the peer stops heartbeating it is dead within 3 intervals: the error and the HA error go.
    await eventually(async () => {
      const replicas = await list();
      return replicas.length === 1 && replicas[0].error === '' && (await errors()).length === 0;
    }, 10_000);
  });

  describe('a second replica on the same database', () => {
    let second: TestApp;

    beforeAll(async () => {
      second = await startTestApp({
        databaseUrl: w.t.databaseUrl,
        env: { ...env, CODER_DERP_SERVER_RELAY_URL: 'http://replica-2.internal:3000' },
      });
    });
    afterAll(async () => {
      await second?.close().catch(() => undefined);
    });

    it("both list both; without high_availability /entitlements carries Coder's error on each", async () => {
      for (const t of [w.t, second]) {
        await eventually(async () => ((await list(t)).length === 2 ? true : undefined), 5000);
        await eventually(async () => (await errors(t)).includes(HA_ERROR_UNLICENSED), 5000);
      }
      const fromSecond = await list(second);
      expect(fromSecond.map((r) => r.relay_address)).toEqual([
        'http://replica-1.internal:3000',
        'http://replica-2.internal:3000',
      ]);
      expect(fromSecond[0].id).toBe(selfId);
    });

    it('a license without high_availability changes the wording; with it the error is gone; without again it is back', async () => {
      // License changes reach the other app through PostgreSQL NOTIFY.
      const apps = [w.t, second];
      await addLicense(w.t, w.owner, ['template_rbac']);
      for (const t of apps) await eventually(async () => (await errors(t)).includes(HA_ERROR_LICENSED), 5000);
      const ha = await addLicense(w.t, w.owner, ['high_availability']);
      for (const t of apps) await eventually(async () => (await errors(t)).length === 0, 5000);
      const entitlements = (await apps.at(-1)!.http.get('/api/v2/entitlements').expect(200)).body;
      expect(entitlements.features.high_availability).toEqual({ entitlement: 'entitled', enabled: true });
      await deleteLicense(w.t, w.owner, ha.id);
      for (const t of apps) await eventually(async () => (await errors(t)).includes(HA_ERROR_LICENSED), 5000);
    });

    it('closing one marks it stopped at once; the other lists itself alone and the error clears', async () => {
      const secondId = (await list(second)).at(-1)!.id;
      expect(secondId).not.toBe(selfId);
      await second.close();
      const row = await w.db.query('SELECT stopped_at FROM replicas WHERE id = $1', [secondId]);
      expect(row.rows[0].stopped_at).toBeInstanceOf(Date);
      await eventually(async () => (await list()).length === 1, 5000);
      await eventually(async () => (await errors()).length === 0, 5000);
    });
  });
});
