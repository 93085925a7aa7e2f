import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const CANCEL_REQUEST_CODE = 80877102;
const PROTOCOL_3 = 196608;
/** A frontend message longer than this is refused (PostgreSQL's own limit is 1 GB; ours are small). */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Messages after which the client waits for the backend: the end of one unit of work. */
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

interface Connection {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  /** Complete messages not yet handed to PGlite. */
  pending: Buffer[];
  /** True while this connection's batch loop runs. */
  draining: boolean;
  closed: boolean;
}

/**
 * Serves one PGlite instance over the PostgreSQL wire protocol to several client connections.
 *
 * PGlite is a single backend, so every connection shares its session. pglite-socket's server hands
 * it one message at a time from whichever connection is next, which interleaves one client's
 * Parse/Bind/Execute/Sync with another's: the unnamed statement of one is replaced by the other's
 * ("unnamed prepared statement does not exist", or worse, a Bind against the wrong statement).
 *
 * Here a connection owns the backend from its first message until it reaches a point where the
 * backend is idle again: after a Sync or simple Query that leaves no transaction block open. So an
 * extended-query pipeline, and a whole explicit transaction, run without any other client's
 * messages in between. Others wait their turn (in arrival order); a connection that closes while
 * owning an open transaction has it rolled back.
 */
export class PgliteWireServer {
  private server: Server | null = null;
  private readonly connections = new Set<Connection>();
  private owner: Connection | null = null;
  private stopping = false;
  private readonly waiting: Array<{ conn: Connection; grant: () => void }> = [];

  constructor(
    private readonly db: PGlite,
    private readonly options: { path: string; maxConnections: number },
  ) {}

  async start(): Promise<void> {
    await this.db.waitReady;
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // After start, a listener error (rare for a Unix socket) must not crash the process.
    server.on('error', () => undefined);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const conn of this.connections) conn.socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // Let any batch that was running finish before the caller closes PGlite.
    await this.db.runExclusive(async () => undefined).catch(() => undefined);
  }

  private accept(socket: Socket): void {
    const conn: Connection = { socket, buffer: Buffer.alloc(0), started: false, pending: [], draining: false, closed: false };
    this.connections.add(conn);
    socket.on('data', (data) => this.receive(conn, data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.closed(conn));
  }

  private receive(conn: Connection, data: Buffer): void {
    if (conn.closed) return;
    conn.buffer = conn.buffer.length === 0 ? data : Buffer.concat([conn.buffer, data]);
    for (;;) {
      const message = this.takeMessage(conn);
      if (message === null) break;
      if (message === 'drop') continue;
      conn.pending.push(message);
    }
    if (!conn.draining && conn.pending.length > 0) void this.drain(conn);
  }

  /** The next complete message, `'drop'` for one answered here, or null when more bytes are needed. */
  private takeMessage(conn: Connection): Buffer | 'drop' | null {
    const buf = conn.buffer;
    if (!conn.started) {
      if (buf.length < 8) return null;
      const length = buf.readInt32BE(0);
      const code = buf.readInt32BE(4);
      if (length < 8 || length > 10_000) {
        conn.socket.destroy();
        return null;
      }
      if (buf.length < length) return null;
      conn.buffer = buf.subarray(length);
      if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
        conn.socket.write('N');
        return 'drop';
      }
      if (code === CANCEL_REQUEST_CODE) {
        // One backend, nothing to signal: PostgreSQL sends no reply either.
        conn.socket.end();
        return 'drop';
      }
      if (code !== PROTOCOL_3) {
        conn.socket.destroy();
        return null;
      }
      conn.started = true;
      return buf.subarray(0, length);
    }
    if (buf.length < 5) return null;
    const length = buf.readInt32BE(1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) {
      conn.socket.destroy();
      return null;
    }
    if (buf.length < length + 1) return null;
    conn.buffer = buf.subarray(length + 1);
    return buf.subarray(0, length + 1);
  }

  /** Runs this connection's queued messages, owning the backend until it is idle again. */
  private async drain(conn: Connection): Promise<void> {
    conn.draining = true;
    try {
      while (conn.pending.length > 0 && !conn.closed) {
        const message = conn.pending.shift()!;
        const type = conn.started ? message[0] : 0;
        if (type === TERMINATE) {
          conn.socket.end();
          break;
        }
        await this.acquire(conn);
        if (conn.closed) break;
        await this.db.runExclusive(() =>
          this.db.execProtocolRawStream(new Uint8Array(message), {
            onRawData: (out) => {
              if (!conn.closed && conn.socket.writable) conn.socket.write(Buffer.from(out));
            },
          }),
        );
        const unitDone = type === SYNC || type === QUERY || (type === 0 && message.readInt32BE(4) === PROTOCOL_3);
        if (unitDone && !this.db.isInTransaction()) this.release(conn);
      }
    } catch {
      conn.socket.destroy();
    } finally {
      conn.draining = false;
    }
  }

  private acquire(conn: Connection): Promise<void> {
    if (this.owner === conn) return Promise.resolve();
    if (this.owner === null) {
      this.owner = conn;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ conn, grant }));
  }

  private release(conn: Connection): void {
    if (this.owner !== conn) return;
    const next = this.waiting.shift();
    this.owner = next ? next.conn : null;
    next?.grant();
  }

  private async closed(conn: Connection): Promise<void> {
    if (conn.closed) return;
    conn.closed = true;
    conn.pending = [];
    this.connections.delete(conn);
    const queued = this.waiting.findIndex((w) => w.conn === conn);
    if (queued !== -1) {
      // Its drain loop is parked in acquire(): let it through so it sees `closed` and stops.
      const [entry] = this.waiting.splice(queued, 1);
      entry!.grant();
      return;
    }
    if (this.owner !== conn) return;
    try {
      // Wait for a message still inside PGlite, then undo whatever the client left open: a Sync
      // ends an unfinished extended-query pipeline (and any "skip until Sync" error state), and an
      // open transaction block is rolled back, as PostgreSQL does when a client goes away.
      while (conn.draining) await new Promise((resolve) => setImmediate(resolve));
      if (!this.stopping) {
        await this.db.runExclusive(async () => {
          await this.db.execProtocolRawStream(SYNC_MESSAGE, { onRawData: discard });
          if (this.db.isInTransaction()) await this.db.execProtocolRawStream(simpleQuery('ROLLBACK'), { onRawData: discard });
        });
      }
    } catch {
      // The database is closing; nothing left to undo.
    } finally {
      this.release(conn);
    }
  }
}

const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

/** A simple-protocol Query message. */
function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const out = Buffer.alloc(5 + text.length);
  out[0] = QUERY;
  out.writeInt32BE(4 + text.length, 1);
  text.copy(out, 5);
  return new Uint8Array(out);
}

function discard(): void {}
