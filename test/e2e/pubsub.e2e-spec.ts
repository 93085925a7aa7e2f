import { PgPubSub } from '../../src/database/pubsub/pg-pubsub.js';
import { DroppedMessagesError } from '../../src/database/pubsub/pubsub.js';
import { connect } from '../helpers/database.js';
import {
  startThrowawayPostgres,
  throwawayUnavailableReason,
  type ThrowawayPostgres,
} from '../helpers/throwaway-postgres.js';
import pg from 'pg';

function collector() {
  const messages: string[] = [];
  const errors: Error[] = [];
  const listener = (message: string | null, error?: Error) => {
    if (error) errors.push(error);
    else if (message !== null) messages.push(message);
  };
  return { messages, errors, listener };
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const reason = throwawayUnavailableReason();
const describeCluster = reason ? describe.skip : describe;
if (reason) process.stderr.write(`Skipping the PostgreSQL restart tests of PgPubSub: ${reason}\n`);

describeCluster('PgPubSub (LISTEN/NOTIFY) across a PostgreSQL restart', () => {
  let cluster: ThrowawayPostgres;
  let pool: pg.Pool;
  let pubsub: PgPubSub;

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
    pool.on('error', () => undefined);
    pubsub = new PgPubSub({
      url: cluster.url,
      notify: async (channel, message) => {
        await pool.query('SELECT pg_notify($1, $2)', [channel, message]);
      },
      pingIntervalMs: 500,
      maxBackoffMs: 500,
    });
    await pubsub.start();
  });

  afterAll(async () => {
    await pubsub?.close();
    await pool?.end();
    cluster?.destroy();
  });

  it('delivers NOTIFY from another connection, per channel', async () => {
    const c = collector();
    const other = collector();
    await pubsub.subscribe('licenses', c.listener);
    await pubsub.subscribe('replicas', other.listener);
    const client = await connect(cluster.url);
    await client.query(`NOTIFY licenses, 'from-elsewhere'`);
    await client.end();
    await pubsub.publish('licenses', 'from-us');
    await waitFor(() => c.messages.length === 2);
    expect(c.messages.sort()).toEqual(['from-elsewhere', 'from-us']);
    expect(other.messages).toEqual([]);
  });

  it('reconnects after a crash, re-listens, and signals dropped messages', async () => {
    const c = collector();
    await pubsub.subscribe('jobs', c.listener);
    const reconnectsBefore = pubsub.reconnects;
    cluster.kill();
    await waitFor(() => !pubsub.connected, 5000);
    await expect(pubsub.publish('jobs', 'lost')).rejects.toThrow();
    cluster.start();
    await waitFor(() => pubsub.connected && pubsub.reconnects === reconnectsBefore + 1, 15_000);
    expect(c.errors.some((e) => e instanceof DroppedMessagesError)).toBe(true);
    // The pool needs a moment to replace its dead connections.
    let published = false;
    for (let i = 0; i < 50 && !published; i++) {
      published = await pubsub.publish('jobs', 'after-restart').then(
        () => true,
        () => new Promise<boolean>((r) => setTimeout(() => r(false), 100)),
      );
    }
    await waitFor(() => c.messages.includes('after-restart'));
  });
});
