import { Logger } from '@nestjs/common';
import pg from 'pg';
import { assertPublishable, deliver, DroppedMessagesError, PubSub, type PubSubListener } from './pubsub.js';

export interface PgPubSubOptions {
  url: string;
  /** Runs `SELECT pg_notify($1, $2)` on the shared pool. */
  notify: (channel: string, message: string) => Promise<void>;
  /** Reconnect backoff bounds. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often the listening connection is pinged to detect a dead link. */
  pingIntervalMs?: number;
}

/**
 * LISTEN/NOTIFY on one dedicated connection. When the connection is lost (PostgreSQL restarted,
 * network cut) it reconnects with backoff, LISTENs again on every channel and tells every
 * subscriber that messages may have been dropped. Errors are logged, never thrown at the process.
 */
export class PgPubSub extends PubSub {
  private readonly logger = new Logger('PubSub');
  private readonly channels = new Map<string, Set<PubSubListener>>();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private backoffMs: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private everConnected = false;
  /** LISTEN, UNLISTEN and pings one after another: pg deprecates overlapping queries on a client. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Number of successful reconnections (for tests and metrics). */
  reconnects = 0;

  constructor(private readonly options: PgPubSubOptions) {
    super();
    this.backoffMs = options.minBackoffMs ?? 100;
  }

  /** Connects the listening connection; on failure keeps retrying in the background. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      this.logger.warn(`pubsub connection failed, retrying: ${(err as Error).message}`);
      this.scheduleReconnect();
    }
  }

  get connected(): boolean {
    return this.client !== null;
  }

  async publish(channel: string, message: string): Promise<void> {
    assertPublishable(channel, message);
    await this.options.notify(channel, message);
  }

  async subscribe(channel: string, listener: PubSubListener): Promise<() => void> {
    assertPublishable(channel, '');
    let set = this.channels.get(channel);
    const isNew = !set;
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
    }
    set.add(listener);
    if (isNew && this.client) {
      try {
        await this.serially(this.client, `LISTEN ${pg.escapeIdentifier(channel)}`);
      } catch (err) {
        // The connection is failing; the reconnect path LISTENs on every channel again.
        this.logger.warn(`LISTEN ${channel} failed: ${(err as Error).message}`);
      }
    }
    return () => this.unsubscribe(channel, listener);
  }

  private unsubscribe(channel: string, listener: PubSubListener): void {
    const set = this.channels.get(channel);
    if (!set) return;
    set.delete(listener);
    if (set.size > 0) return;
    this.channels.delete(channel);
    if (this.client) this.serially(this.client, `UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
  }

  private serially(client: pg.Client, sql: string): Promise<unknown> {
    const run = this.queue.then(() => client.query(sql));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async connect(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      const client = new pg.Client({
        connectionString: this.options.url,
        keepAlive: true,
        connectionTimeoutMillis: 5000,
        application_name: 'coder-pubsub',
      });
      client.on('error', (err) => this.onConnectionLost(client, err));
      client.on('end', () => this.onConnectionLost(client, new Error('connection ended')));
      client.on('notification', (msg) => this.dispatch(msg.channel, msg.payload ?? ''));
      try {
        await client.connect();
        for (const channel of this.channels.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      } catch (err) {
        client.removeAllListeners();
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
        throw err;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.backoffMs = this.options.minBackoffMs ?? 100;
      this.startPinging(client);
      if (this.everConnected) {
        this.reconnects++;
        this.logger.log('pubsub reconnected; subscribers told to resynchronise');
        this.broadcastDropped();
      }
      this.everConnected = true;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private dispatch(channel: string, payload: string): void {
    for (const listener of [...(this.channels.get(channel) ?? [])]) deliver(listener, payload);
  }

  private broadcastDropped(): void {
    const error = new DroppedMessagesError();
    for (const set of this.channels.values()) for (const listener of [...set]) deliver(listener, null, error);
  }

  private onConnectionLost(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.stopPinging();
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(`pubsub connection lost: ${err.message}`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 2000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((err) => {
        this.logger.debug?.(`pubsub reconnect failed: ${(err as Error).message}`);
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  private startPinging(client: pg.Client): void {
    this.stopPinging();
    const interval = this.options.pingIntervalMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      const timeout = setTimeout(() => this.onConnectionLost(client, new Error('ping timed out')), 5000);
      this.serially(client, 'SELECT 1')
        .catch((err: Error) => this.onConnectionLost(client, err))
        .finally(() => clearTimeout(timeout));
    }, interval);
    this.pingTimer.unref();
  }

  private stopPinging(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopPinging();
    const client = this.client;
    this.client = null;
    this.channels.clear();
    if (client) await client.end().catch(() => undefined);
  }
}
