import type { Logger } from '@nestjs/common';
import { WebSocket, type RawData } from 'ws';
import { isDatabaseUnavailable } from '../../common/pg-errors.js';
import type { ProvisionerDaemonEntity } from '../../core/provisioning/entities/provisioner-daemon.entity.js';
import {
  PROTOCOL_NAME,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ServerMessage,
} from '../../core/provisioning/protocol.js';
import { ProvisionerdError, type ProvisionerdService } from '../../core/provisioning/provisionerd.service.js';
import { RESERVED_KEY_NAMES } from '../../core/provisioning/provisioner-key-ids.js';
import { parseClientMessage } from './client-messages.js';
import { DAEMON_MESSAGES } from './provisioner-daemons.errors.js';
import { KEY_MESSAGES } from '../provisioner-keys/provisioner-keys.errors.js';
import type { ServeGrant } from './serve-access.service.js';

export interface SessionTiming {
  /** How often the server pings the daemon (each pong is a heartbeat). */
  pingIntervalMs: number;
  /** A daemon silent to pings for this long is terminated. */
  pongTimeoutMs: number;
}

export const DEFAULT_TIMING: SessionTiming = { pingIntervalMs: 10_000, pongTimeoutMs: 30_000 };

/** WebSocket close codes the server uses (docs/provisioner-protocol.md). */
export const CLOSE = { goingAway: 1001, internalError: 1011, badMessages: 4400, tooManyMessages: 4429 } as const;

const ACQUIRE_WAIT_MS = 30_000;
const MAX_BAD_MESSAGES = 10;
const MAX_MESSAGES_PER_SECOND = 100;
/** Requests queued behind a slow database before the daemon is cut off. */
const MAX_QUEUED = 200;
/** Message-driven heartbeats are written at most this often (pings always write). */
const HEARTBEAT_GAP_MS = 1000;
/** After we close, a daemon that does not finish the closing handshake is cut off. */
const CLOSE_GRACE_MS = 5000;

export interface SessionDeps {
  provisionerd: ProvisionerdService;
  timing: SessionTiming;
  logger: Logger;
  /** Whether a provisioner key still exists (a key deleted while its daemon registers cuts it off). */
  keyExists?: (keyId: string) => Promise<boolean>;
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * One external daemon's WebSocket: registers it, answers its requests in order (a long-polling
 * acquire runs beside the queue), polices malformed and flooding clients, and on close fails
 * whatever job it still held so no job is lost or run twice.
 */
export class DaemonSession {
  readonly closed: Promise<void>;
  private readonly registered: Promise<ProvisionerDaemonEntity | undefined>;
  private daemon: ProvisionerDaemonEntity | undefined;
  private queue: Promise<void>;
  private queued = 0;
  private acquiring: Promise<void> | undefined;
  private heartbeat: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private closing = false;
  private badMessages = 0;
  private windowStart = 0;
  private windowCount = 0;
  private lastPong = Date.now();
  private lastBeat = Date.now();
  private disconnectReason: string;
  private readonly pinger: NodeJS.Timeout;
  private killer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly grant: ServeGrant,
    private readonly deps: SessionDeps,
  ) {
    this.disconnectReason = DAEMON_MESSAGES.disconnected(grant.name);
    this.registered = this.register();
    this.queue = this.registered.then(() => undefined);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.lastPong = Date.now();
      this.beat();
    });
    // A socket error is always followed by 'close', where the cleanup happens.
    ws.on('error', (err) => deps.logger.warn(`daemon "${grant.name}": socket error: ${err.message}`));
    this.closed = new Promise((resolve) => ws.once('close', (code) => void this.onClose(code).finally(resolve)));
    this.pinger = setInterval(() => this.tick(), deps.timing.pingIntervalMs);
    this.pinger.unref();
  }

  /** The provisioner key this daemon connected with (or a reserved key id), if any. */
  get keyId(): string | undefined {
    return this.grant.keyId;
  }

  /** Its provisioner key was deleted: close with 1001 at once; a job still running fails naming why. */
  keyDeleted(): void {
    this.disconnectReason = KEY_MESSAGES.keyDeleted(this.grant.name);
    this.closeWith(CLOSE.goingAway, 'provisioner key deleted');
  }

  /** Server shutdown: close with 1001; a job still running fails naming the shutdown. */
  shutdown(): void {
    this.disconnectReason = DAEMON_MESSAGES.serverStopped(this.grant.name);
    this.closeWith(CLOSE.goingAway, 'server shutting down');
  }

  private async register(): Promise<ProvisionerDaemonEntity | undefined> {
    const { name, provisioners, tags, organization, version, keyId } = this.grant;
    try {
      const daemon = await this.deps.provisionerd.registerDaemon({
        name,
        provisioners,
        tags,
        organizationId: organization.id,
        builtin: false,
        version,
        keyId,
      });
      this.daemon = daemon;
      // A key deleted after it was checked but before this session could hear of it.
      if (keyId && !RESERVED_KEY_NAMES[keyId] && this.deps.keyExists && !(await this.deps.keyExists(keyId))) {
        this.keyDeleted();
        return daemon;
      }
      this.lastBeat = Date.now();
      this.deps.logger.log(`daemon "${name}" (${daemon.id}) connected to organization ${organization.name}`);
      this.send({
        type: 'hello',
        protocol: PROTOCOL_NAME,
        version: PROTOCOL_VERSION,
        daemon: { id: daemon.id, name, provisioners, tags },
      });
      return daemon;
    } catch (err) {
      this.deps.logger.error(`daemon "${name}" could not be registered: ${(err as Error).message}`);
      this.closeWith(CLOSE.internalError, 'could not register the daemon');
      return undefined;
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > MAX_MESSAGES_PER_SECOND) {
      this.closeWith(CLOSE.tooManyMessages, `more than ${MAX_MESSAGES_PER_SECOND} messages in one second`);
      return;
    }
    this.beat();
    if (isBinary)
      return this.reject(
        undefined,
        'binary_not_supported',
        'binary frames are not part of the protocol; send JSON text frames',
      );
    const parsed = parseClientMessage(frameText(data));
    if (!parsed.ok) return this.reject(parsed.requestId, parsed.code, parsed.message);
    if (this.queued >= MAX_QUEUED) {
      this.closeWith(CLOSE.tooManyMessages, 'too many requests waiting for an answer');
      return;
    }
    this.enqueue(parsed.message);
  }

  private reject(requestId: string | undefined, code: string, message: string): void {
    this.send({ type: 'error', ...(requestId !== undefined ? { request_id: requestId } : {}), code, message });
    if (++this.badMessages >= MAX_BAD_MESSAGES)
      this.closeWith(CLOSE.badMessages, `${MAX_BAD_MESSAGES} invalid messages`);
  }

  private enqueue(message: ClientMessage): void {
    this.queued++;
    this.queue = this.queue
      .then(() => this.handle(message))
      .catch((err: unknown) => this.replyError(message.request_id, err))
      .finally(() => {
        this.queued--;
      });
  }

  private async handle(message: ClientMessage): Promise<void> {
    const daemon = this.daemon;
    if (!daemon) return;
    const { provisionerd } = this.deps;
    switch (message.type) {
      case 'ping':
        await provisionerd.heartbeat(daemon);
        this.lastBeat = Date.now();
        return this.send({
          type: 'pong',
          ...(message.request_id !== undefined ? { request_id: message.request_id } : {}),
        });
      case 'acquire_job':
        return this.startAcquire(daemon, message.request_id, message.wait === true);
      case 'update_job':
        // `canceled` tells the daemon the job was canceled (Coder's UpdateJobResponse.canceled).
        if (await provisionerd.updateJob(daemon, message.job_id, message.logs)) {
          return this.send({ type: 'ack', request_id: message.request_id, canceled: true });
        }
        return this.send({ type: 'ack', request_id: message.request_id });
      case 'commit_quota': {
        const result = await provisionerd.commitQuota(daemon, message.job_id, message.daily_cost);
        return this.send({ type: 'quota', request_id: message.request_id, ...result });
      }
      case 'complete_job':
        await provisionerd.completeJob(daemon, message.job_id, message.resources, message.stop_resources);
        return this.send({ type: 'ack', request_id: message.request_id });
      case 'fail_job':
        await provisionerd.failJob(daemon, message.job_id, message.error, message.error_code);
        return this.send({ type: 'ack', request_id: message.request_id });
    }
  }

  /** The acquire runs beside the queue so a long poll never delays pings or job updates. */
  private startAcquire(daemon: ProvisionerDaemonEntity, requestId: string, wait: boolean): void {
    if (this.closing) return;
    if (this.acquiring) throw new ProvisionerdError('acquire_in_progress', 'an acquire_job request is already waiting');
    this.acquiring = (async () => {
      try {
        const job = await this.deps.provisionerd.acquireJob(daemon, wait ? ACQUIRE_WAIT_MS : 0, this.abort.signal);
        if (job) this.deps.logger.log(`daemon "${daemon.name}" acquired job ${job.job_id}`);
        // If the socket closed meanwhile, the close handler fails the job: it is never handed out again.
        this.send({ type: 'job', request_id: requestId, job });
      } catch (err) {
        this.replyError(requestId, err);
      } finally {
        this.acquiring = undefined;
      }
    })();
  }

  private replyError(requestId: string | undefined, err: unknown): void {
    const rid = requestId !== undefined ? { request_id: requestId } : {};
    if (err instanceof ProvisionerdError)
      return this.send({ type: 'error', ...rid, code: err.code, message: err.message });
    if (isDatabaseUnavailable(err)) {
      return this.send({
        type: 'error',
        ...rid,
        code: 'unavailable',
        message: 'the database is unavailable; retry shortly',
      });
    }
    this.deps.logger.error(`daemon "${this.grant.name}": ${(err as Error).stack ?? String(err)}`);
    this.send({ type: 'error', ...rid, code: 'internal', message: 'internal server error' });
  }

  /** Liveness from traffic: at most one write a second, never two at once. */
  private beat(): void {
    const daemon = this.daemon;
    if (!daemon || this.heartbeat || Date.now() - this.lastBeat < HEARTBEAT_GAP_MS) return;
    this.lastBeat = Date.now();
    this.heartbeat = this.deps.provisionerd
      .heartbeat(daemon)
      .catch((err: Error) => this.deps.logger.warn(`daemon "${daemon.name}": heartbeat failed: ${err.message}`))
      .finally(() => {
        this.heartbeat = undefined;
      });
  }

  private tick(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastPong > this.deps.timing.pongTimeoutMs) {
      this.deps.logger.warn(`daemon "${this.grant.name}" stopped answering pings; disconnecting it`);
      this.closing = true;
      this.ws.terminate();
      return;
    }
    this.ws.ping();
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private closeWith(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.abort.abort();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
    this.killer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.killer.unref();
  }

  private async onClose(code: number): Promise<void> {
    this.closing = true;
    this.abort.abort();
    clearInterval(this.pinger);
    clearTimeout(this.killer);
    const daemon = await this.registered;
    // Let requests already received finish first, so a daemon that sent complete_job and hung up
    // still gets its job recorded, and a job acquired in the meantime is failed below.
    await this.queue;
    await this.acquiring;
    await this.heartbeat;
    if (!daemon) return;
    try {
      const failed = await this.deps.provisionerd.disconnectDaemon(daemon, this.disconnectReason);
      const jobs = failed.length > 0 ? `; failed its unfinished job(s) ${failed.join(', ')}` : '';
      this.deps.logger.log(`daemon "${daemon.name}" (${daemon.id}) disconnected (code ${code})${jobs}`);
    } catch (err) {
      this.deps.logger.error(`daemon "${daemon.name}": could not record the disconnect: ${(err as Error).message}`);
    }
  }
}
