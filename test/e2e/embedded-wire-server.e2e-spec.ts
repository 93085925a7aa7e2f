import pg from 'pg';
import { usingEmbeddedDatabase } from '../helpers/database.js';

// The embedded database's wire server (src/database/pglite-wire-server.ts) is what every pooled
// connection of `npm start` goes through; the PGlite suite of CI runs these against it.
const embedded = usingEmbeddedDatabase();
if (!embedded) process.stderr.write('Skipping the embedded wire server tests: they run in the PGlite suite (TEST_DB=pglite)\n');

(embedded ? describe : describe.skip)('embedded database wire server', () => {
  const url = () => process.env.TEST_PGLITE_URL!;
  const clients: pg.Client[] = [];

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url() });
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    const c = await client();
    await c.query('DROP TABLE IF EXISTS wire_test');
    await c.query('CREATE TABLE wire_test (id int PRIMARY KEY, owner text NOT NULL)');
  });

  // The server accepts at most EMBEDDED_MAX_CONNECTIONS clients: each test closes its own.
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  });

  afterAll(async () => {
    const c = await client();
    await c.query('DROP TABLE IF EXISTS wire_test');
    await c.end();
  });

  it('keeps each connection’s parameterised statements apart under concurrency', async () => {
    const conns = await Promise.all(Array.from({ length: 8 }, () => client()));
    const results = await Promise.all(
      conns.flatMap((c, i) =>
        Array.from({ length: 40 }, async (_, j) => {
          const res = await c.query('SELECT $1::int * 1000 + $2::int AS n, $3::text AS tag', [i, j, `c${i}`]);
          return { expected: i * 1000 + j, got: res.rows[0].n, tag: res.rows[0].tag, want: `c${i}` };
        }),
      ),
    );
    expect(results).toHaveLength(320);
    for (const r of results) {
      expect(r.got).toBe(r.expected);
      expect(r.tag).toBe(r.want);
    }
  });

  it('serves a pool mixing transactions and single statements, as the app does', async () => {
    const pool = new pg.Pool({ connectionString: url(), max: 6 });
    const poolErrors: Error[] = [];
    pool.on('error', (err) => poolErrors.push(err));
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 90 }, async (_, k) => {
          if (k % 3 !== 0) return pool.query('SELECT count(*)::int AS n FROM wire_test WHERE id > $1', [k]);
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await c.query('INSERT INTO wire_test (id, owner) VALUES ($1, $2)', [1000 + k, 'pool']);
            await c.query('SELECT id FROM wire_test WHERE id = $1 FOR UPDATE', [1000 + k]);
            return await c.query('COMMIT');
          } finally {
            c.release();
          }
        }),
      );
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(poolErrors).toEqual([]);
      const rows = await pool.query('SELECT count(*)::int AS n FROM wire_test WHERE owner = $1', ['pool']);
      expect(rows.rows[0].n).toBe(30);
    } finally {
      await pool.end();
    }
  });

  it('runs a transaction without other connections’ statements in between', async () => {
    const [a, b] = [await client(), await client()];
    await a.query('BEGIN');
    await a.query('INSERT INTO wire_test (id, owner) VALUES ($1, $2)', [1, 'a']);
    // b's statement waits for a's transaction; it must neither see the uncommitted row nor run inside it.
    let bDone = false;
    const bRead = b.query('SELECT count(*)::int AS n FROM wire_test WHERE owner = $1', ['a']).then((r) => {
      bDone = true;
      return r.rows[0].n as number;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(bDone).toBe(false);
    await a.query('INSERT INTO wire_test (id, owner) VALUES ($1, $2)', [2, 'a']);
    await a.query('COMMIT');
    expect(await bRead).toBe(2);
  });

  it('rolls back the open transaction of a client that goes away, and serves the others', async () => {
    const a = await client();
    const b = await client();
    await a.query('BEGIN');
    await a.query('INSERT INTO wire_test (id, owner) VALUES ($1, $2)', [10, 'gone']);
    const waiting = b.query('SELECT count(*)::int AS n FROM wire_test WHERE owner = $1', ['gone']);
    // Drop the connection without COMMIT or ROLLBACK, as a crashed process would.
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await waiting).rows[0].n).toBe(0);
    const after = await b.query('SELECT count(*)::int AS n FROM wire_test WHERE owner = $1', ['gone']);
    expect(after.rows[0].n).toBe(0);
  });

  it('confines a failing statement to its own connection', async () => {
    const [a, b] = [await client(), await client()];
    const [bad, good] = await Promise.allSettled([
      a.query('SELECT $1::int AS n', ['not a number']),
      b.query('SELECT $1::int AS n', [7]),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good).toEqual({ status: 'fulfilled', value: expect.objectContaining({ rows: [{ n: 7 }] }) });
    // Both connections stay usable.
    expect((await a.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await b.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });
});
