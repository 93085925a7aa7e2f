import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTP_DRAINING_EVENT } from '../../common/http/draining.js';
import { decodeSegment, upgradeAuthRequest, upgradeRefusal, UpgradeRouter } from '../../common/http/upgrade.js';
import { PROTOCOL_NAME } from '../../core/provisioning/protocol.js';
import { RESERVED_KEY_NAMES } from '../../core/provisioning/provisioner-key-ids.js';
import { ProvisionerdService } from '../../core/provisioning/provisionerd.service.js';
import { LIMITS } from './client-messages.js';
import { DaemonSession, DEFAULT_TIMING, type SessionTiming } from './daemon-session.js';
import { serveMethodNotAllowed, shuttingDown } from './provisioner-daemons.errors.js';
import { ServeAccessService, type ServeGrant } from './serve-access.service.js';
import { ProvisionerKeyEvents } from '../provisioner-keys/provisioner-key-events.js';
import { ProvisionerKeysRepository } from '../provisioner-keys/provisioner-keys.repository.js';

const SERVE_PATH = /^\/api\/v2\/organizations\/([^/]+)\/provisionerdaemons\/serve\/?$/;
/** How long shutdown waits for daemons to close before moving on. */
const SHUTDOWN_WAIT_MS = 10_000;

/**
 * `GET /api/v2/organizations/{serveorg}/provisionerdaemons/serve` as a WebSocket: every check
 * runs on the HTTP upgrade request, before a socket exists, and a refusal is a plain JSON HTTP
 * response (routed by the server's UpgradeRouter).
 */
@Injectable()
export class ServeGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Ping cadence for new sessions (tests shorten it). */
  timing: SessionTiming = { ...DEFAULT_TIMING };
  private readonly logger = new Logger('ProvisionerDaemons');
  private readonly sessions = new Set<DaemonSession>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxPayloadBytes,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has(PROTOCOL_NAME) ? PROTOCOL_NAME : false),
  });
  private server: Server | undefined;
  private removeRoute: (() => void) | undefined;
  private stopKeyEvents: (() => void) | undefined;
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly access: ServeAccessService,
    private readonly provisionerd: ProvisionerdService,
    private readonly keyEvents: ProvisionerKeyEvents,
    private readonly keys: ProvisionerKeysRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.removeRoute = UpgradeRouter.of(this.server).add(SERVE_PATH, (req, socket, head, url, match) =>
      this.handleUpgrade(req, socket, head, url, match),
    );
    this.server.on(HTTP_DRAINING_EVENT, this.onDraining);
    this.stopKeyEvents = this.keyEvents.listen((keyId) => void this.onKeyDeleted(keyId));
  }

  /** Closes every daemon socket with 1001 and waits (bounded) until their jobs are settled. */
  async beforeApplicationShutdown(): Promise<void> {
    this.removeRoute?.();
    this.stopKeyEvents?.();
    this.server?.off(HTTP_DRAINING_EVENT, this.onDraining);
    await this.drain();
    this.wss.close();
  }

  /** Connected daemon sessions on this replica. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private readonly onDraining = () => void this.drain();

  private readonly keyExists = async (keyId: string): Promise<boolean> => (await this.keys.findById(keyId)) !== null;

  /**
   * A provisioner key was deleted (on any replica): cut off the daemons that connected with it.
   * Undefined means announcements may have been lost: every key in use here is checked again.
   */
  private async onKeyDeleted(keyId: string | undefined): Promise<void> {
    let gone: Set<string>;
    if (keyId !== undefined) {
      gone = new Set([keyId]);
    } else {
      gone = new Set();
      const inUse = new Set([...this.sessions].map((s) => s.keyId).filter((id) => id && !RESERVED_KEY_NAMES[id]));
      try {
        for (const id of inUse) if (!(await this.keyExists(id!))) gone.add(id!);
      } catch (err) {
        this.logger.warn(`could not recheck provisioner keys: ${(err as Error).message}`);
      }
    }
    for (const session of [...this.sessions]) {
      if (session.keyId && gone.has(session.keyId)) session.keyDeleted();
    }
  }

  private async drain(): Promise<void> {
    this.draining = true;
    const sessions = [...this.sessions];
    for (const session of sessions) session.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      timer.unref();
    });
    await Promise.race([Promise.allSettled(sessions.map((s) => s.closed)), timeout]);
    clearTimeout(timer);
  }

  private async handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    url: URL,
    match: RegExpExecArray,
  ): Promise<void> {
    if (req.method !== 'GET') throw serveMethodNotAllowed();
    if (this.draining) throw shuttingDown();
    const grant = await this.access.authorize({
      authRequest: upgradeAuthRequest(req.headers, url.searchParams, req.socket.remoteAddress),
      headers: req.headers,
      params: url.searchParams,
      organization: decodeSegment(match[1]),
    });
    const refusal = upgradeRefusal(req);
    if (refusal) throw refusal;
    if (socket.destroyed) return;
    if (this.draining) throw shuttingDown();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, grant));
  }

  private open(ws: WebSocket, grant: ServeGrant): void {
    const session = new DaemonSession(ws, grant, {
      provisionerd: this.provisionerd,
      timing: this.timing,
      logger: this.logger,
      keyExists: this.keyExists,
    });
    this.sessions.add(session);
    void session.closed.finally(() => this.sessions.delete(session));
    if (this.draining) session.shutdown();
  }
}
