import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HTTP_DRAINING_EVENT } from '../../common/http/draining.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { SERVER_VERSION } from '../../common/version.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import { PubSub, type DroppedMessagesError } from '../../database/pubsub/pubsub.js';
import type { ReplicaEntity } from './entities/replica.entity.js';
import { probeRelays, RELAY_DIAL_TIMEOUT_MS } from './relay-probe.js';
import { ReplicasRepository, type ReplicaReport } from './replicas.repository.js';

/** What a workspace proxy replica reports when its proxy registers. */
export type ProxyReplicaReport = Pick<
  ReplicaReport,
  'id' | 'hostname' | 'regionId' | 'relayAddress' | 'version' | 'error'
>;

/** Pubsub channel on which a replica announces itself (payload: its id) when it starts, changes or stops. */
export const REPLICA_CHANNEL = 'replica';
/** Coder's DERP region of the server's own (embedded) relay. */
export const PRIMARY_REGION_ID = 999;
/** A row not updated within this many heartbeat intervals is dead (Coder: 3 × 5 s). */
export const DEAD_AFTER_INTERVALS = 3;
/** Workspace proxies re-register every 30 s; their replica rows live through one missed registration. */
export const PROXY_REPLICA_TTL_MS = 60_000;
/** A graceful stop waits at most this long for the database before exiting anyway. */
const STOP_TIMEOUT_MS = 5000;

/**
 * This process as a replica (Coder's replicasync): its row in `replicas` is inserted at start,
 * refreshed every heartbeat (database latency, relay reachability of peers), announced on pubsub,
 * and marked stopped as soon as a graceful shutdown begins. The number of live replicas feeds the
 * entitlements (several without `high_availability` is an error there). Nothing here is state
 * another replica needs: the table is the truth, pubsub only makes others look sooner.
 */
@Injectable()
export class ReplicasService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Replicas');
  readonly id = randomUUID();
  private readonly startedAt = new Date();
  private readonly hostname = hostname();
  private error = '';
  private stopped = false;
  private stopping: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private inflight: Promise<void> = Promise.resolve();
  private syncing: Promise<void> | null = null;
  private resync = false;
  private failing = false;
  private unsubscribe: (() => void) | undefined;
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: ReplicasRepository,
    private readonly pubsub: PubSub,
    private readonly entitlements: EntitlementsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Rows not updated for this long are dead. */
  get deadAfterMs(): number {
    return this.config.replicaHeartbeatIntervalMs * DEAD_AFTER_INTERVALS;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The first row is written before serving: a replica that cannot register does not start (Coder).
    await this.writeRow(await this.repo.measureLatencyMicros());
    this.unsubscribe = await this.pubsub.subscribe(REPLICA_CHANNEL, (message, error) =>
      this.onAnnouncement(message, error),
    );
    await this.announce();
    await this.sync();
    this.scheduleHeartbeat();
    this.pruneTimer = setInterval(() => void this.prune(), this.config.replicaPruneIntervalMs);
    this.pruneTimer.unref();
    this.server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    this.server?.on(HTTP_DRAINING_EVENT, this.onDraining);
    this.logger.log(`replica ${this.id} (${this.hostname}) registered`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /**
   * `GET /replicas`: the live peers, oldest first, followed by this replica (Coder's order; this
   * one is listed while it runs even if a slow heartbeat made its row look stale).
   */
  async list(): Promise<ReplicaEntity[]> {
    const live = await this.listLive();
    const peers = live.filter((replica) => replica.id !== this.id);
    const self =
      live.find((replica) => replica.id === this.id) ?? (this.stopped ? null : await this.repo.getReplicaById(this.id));
    return self && !self.stoppedAt ? [...peers, self] : peers;
  }

  /** Server replicas updated within the dead threshold and not stopped, oldest first. */
  private listLive(): Promise<ReplicaEntity[]> {
    return this.repo.listLivePrimaryReplicas(this.deadAfterMs);
  }

  /** A workspace proxy replica's registration: inserted, or refreshed (never revived once stopped). */
  recordProxyReplica(report: ProxyReplicaReport): Promise<void> {
    return this.repo.upsertReplica({ ...report, startedAt: new Date(), databaseLatency: 0, primary: false });
  }

  getReplica(id: string): Promise<ReplicaEntity | null> {
    return this.repo.getReplicaById(id);
  }

  markReplicaStopped(id: string): Promise<boolean> {
    return this.repo.markReplicaStopped(id);
  }

  /** Live replicas of one workspace proxy (its DERP region), oldest first. */
  liveProxyReplicas(regionId: number): Promise<ReplicaEntity[]> {
    return this.repo.listLiveReplicasInRegion(regionId, Math.max(this.deadAfterMs, PROXY_REPLICA_TTL_MS));
  }

  /** Tells every replica (this one too) to re-read the replica set: a proxy replica changed. */
  async announceChange(): Promise<void> {
    await this.announce('00000000-0000-0000-0000-000000000000');
  }

  /** Marks this replica stopped (at once, before requests drain) and tells the others. Idempotent. */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    clearTimeout(this.heartbeatTimer);
    clearInterval(this.pruneTimer);
    this.server?.off(HTTP_DRAINING_EVENT, this.onDraining);
    this.unsubscribe?.();
    const work = (async () => {
      // Not after the heartbeat in flight (it may be dialling a dead peer for seconds): a late
      // heartbeat cannot revive a stopped row, and it is awaited below so the pool outlives it.
      try {
        await this.repo.markReplicaStopped(this.id);
        await this.announce();
        this.logger.log(`replica ${this.id} marked stopped`);
      } catch (err) {
        this.logger.warn(`could not mark replica ${this.id} stopped: ${(err as Error).message}`);
      }
      await this.inflight;
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      timer.unref();
    });
    this.stopping = Promise.race([work, timeout]).finally(() => clearTimeout(timer));
    return this.stopping;
  }

  private readonly onDraining = () => void this.stop();

  private scheduleHeartbeat(): void {
    if (this.stopped) return;
    this.heartbeatTimer = setTimeout(() => {
      this.inflight = this.heartbeat().finally(() => this.scheduleHeartbeat());
    }, this.config.replicaHeartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  /** One heartbeat: dial the peers' relays, refresh the row, recount. Never throws (outages are logged). */
  private async heartbeat(): Promise<void> {
    try {
      const peers = (await this.listLive()).filter((replica) => replica.id !== this.id);
      const regional = peers.filter((peer) => peer.regionId === PRIMARY_REGION_ID);
      // A dial never outlasts the interval, or a dead peer would make this replica look dead too.
      const error = await probeRelays(
        regional,
        undefined,
        Math.min(RELAY_DIAL_TIMEOUT_MS, this.config.replicaHeartbeatIntervalMs),
      );
      if (this.stopped) return;
      await this.writeRow(await this.repo.measureLatencyMicros(), error);
      this.entitlements.setReplicaCount(peers.length + 1);
      if (error !== this.error) {
        this.error = error;
        await this.announce();
      }
      if (this.failing) this.logger.log('replica heartbeat recovered');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn(`replica heartbeat failed (will retry): ${(err as Error).message}`);
      this.failing = true;
    }
  }

  private writeRow(databaseLatency: number, error = this.error): Promise<void> {
    return this.repo.upsertReplica({
      id: this.id,
      startedAt: this.startedAt,
      hostname: this.hostname,
      regionId: PRIMARY_REGION_ID,
      relayAddress: this.config.derpServerRelayUrl ?? '',
      version: SERVER_VERSION,
      databaseLatency,
      error,
      primary: true,
    });
  }

  /** Another replica started, changed or stopped, or messages were lost while reconnecting: recount. */
  private onAnnouncement(message: string | null, dropped?: DroppedMessagesError): void {
    if (this.stopped) return;
    if (!dropped && message === this.id) return;
    void this.sync();
  }

  /** Re-reads the live replica set; concurrent calls coalesce into one more run. */
  private sync(): Promise<void> {
    if (this.syncing) {
      this.resync = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.resync = false;
        try {
          const live = await this.listLive();
          this.entitlements.setReplicaCount(live.filter((replica) => replica.id !== this.id).length + 1);
        } catch (err) {
          this.logger.warn(`could not read the replica set: ${(err as Error).message}`);
        }
      } while (this.resync && !this.stopped);
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async announce(id = this.id): Promise<void> {
    try {
      await this.pubsub.publish(REPLICA_CHANNEL, id);
    } catch (err) {
      this.logger.warn(`could not announce on pubsub: ${(err as Error).message}`);
    }
  }

  private async prune(): Promise<void> {
    try {
      const deleted = await this.repo.deleteDeadReplicas(
        this.deadAfterMs,
        Math.max(this.deadAfterMs, PROXY_REPLICA_TTL_MS),
      );
      if (deleted > 0) this.logger.log(`pruned ${deleted} dead replica row(s)`);
    } catch (err) {
      this.logger.warn(`could not prune dead replicas: ${(err as Error).message}`);
    }
  }
}
