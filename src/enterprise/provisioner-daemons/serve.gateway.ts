import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, MESSAGES } from '../../common/errors.js';
import { HTTP_DRAINING_EVENT } from '../../common/http/draining.js';
import { isDatabaseUnavailable } from '../../database/pg-errors.js';
import { PROTOCOL_NAME } from '../../core/provisioning/protocol.js';
import { ProvisionerdService } from '../../core/provisioning/provisionerd.service.js';
import { LIMITS } from './client-messages.js';
import { DaemonSession, DEFAULT_TIMING, type SessionTiming } from './daemon-session.js';
import { DAEMON_MESSAGES } from './messages.js';
import { refuseUpgrade } from './raw-http.js';
import { ServeAccessService, upgradeAuthRequest, type ServeGrant } from './serve-access.service.js';

const SERVE_PATH = /^\/api\/v2\/organizations\/([^/]+)\/provisionerdaemons\/serve\/?$/;
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
/** How long shutdown waits for daemons to close before moving on. */
const SHUTDOWN_WAIT_MS = 10_000;

/** Why a handshake is not a WebSocket handshake we can accept, or undefined. */
function handshakeProblem(req: IncomingMessage): string | undefined {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'The Upgrade header must be "websocket".';
  if (!WEBSOCKET_KEY.test(req.headers['sec-websocket-key'] ?? '')) return 'The Sec-WebSocket-Key header is missing or invalid.';
  if (req.headers['sec-websocket-version'] !== '13') return 'Only WebSocket version 13 is supported (Sec-WebSocket-Version: 13).';
  return undefined;
}

/**
 * A browser's Origin naming another host (cross-site WebSocket hijacking with the session cookie),
 * refused as Coder's WebSocket library does. Daemons send no Origin.
 */
function foreignOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  try {
    if (new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase()) return undefined;
  } catch {
    // not a URL (e.g. "null"): foreign
  }
  return origin;
}

/**
 * `GET /api/v2/organizations/{organization}/provisionerdaemons/serve` as a WebSocket: every check
 * runs on the HTTP upgrade request, before a socket exists, and a refusal is a plain JSON HTTP
 * response. Owns the `upgrade` event of the HTTP server: other paths get the usual 404.
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
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly access: ServeAccessService,
    private readonly provisionerd: ProvisionerdService,
  ) {}

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.server.on(HTTP_DRAINING_EVENT, this.onDraining);
  }

  /** Closes every daemon socket with 1001 and waits (bounded) until their jobs are settled. */
  async beforeApplicationShutdown(): Promise<void> {
    this.server?.off('upgrade', this.onUpgrade);
    this.server?.off(HTTP_DRAINING_EVENT, this.onDraining);
    await this.drain();
    this.wss.close();
  }

  /** Connected daemon sessions on this replica. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  private readonly onDraining = () => void this.drain();

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

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client resetting the connection must not crash the process.
    socket.on('error', () => socket.destroy());
    void this.handleUpgrade(req, socket, head).catch((err: unknown) => this.refuseWithError(req, socket, err));
  };

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = SERVE_PATH.exec(url.pathname);
    if (!match) return refuseUpgrade(socket, 404, { message: MESSAGES.routeNotFound });
    if (req.method !== 'GET') return refuseUpgrade(socket, 405, { message: MESSAGES.methodNotAllowed }, { Allow: 'GET, HEAD' });
    if (this.draining) return refuseUpgrade(socket, 503, { message: DAEMON_MESSAGES.shuttingDown }, { 'Retry-After': '5' });
    const grant = await this.access.authorize({
      authRequest: upgradeAuthRequest(req.headers, url.searchParams, req.socket.remoteAddress),
      headers: req.headers,
      params: url.searchParams,
      organization: safeDecode(match[1]),
    });
    const problem = handshakeProblem(req);
    if (problem) return refuseUpgrade(socket, 400, { message: DAEMON_MESSAGES.badHandshake, detail: problem });
    const origin = foreignOrigin(req);
    if (origin) return refuseUpgrade(socket, 403, { message: DAEMON_MESSAGES.foreignOrigin(origin, req.headers.host ?? '') });
    if (socket.destroyed) return;
    if (this.draining) return refuseUpgrade(socket, 503, { message: DAEMON_MESSAGES.shuttingDown }, { 'Retry-After': '5' });
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, grant));
  }

  private open(ws: WebSocket, grant: ServeGrant): void {
    const session = new DaemonSession(ws, grant, { provisionerd: this.provisionerd, timing: this.timing, logger: this.logger });
    this.sessions.add(session);
    void session.closed.finally(() => this.sessions.delete(session));
    if (this.draining) session.shutdown();
  }

  private refuseWithError(req: IncomingMessage, socket: Duplex, err: unknown): void {
    if (err instanceof ApiError) return refuseUpgrade(socket, err.getStatus(), err.body, err.headers);
    if (isDatabaseUnavailable(err)) {
      return refuseUpgrade(socket, 503, { message: MESSAGES.databaseUnavailable }, { 'Retry-After': '5' });
    }
    this.logger.error(`refused a daemon upgrade (${req.method} ${req.url?.split('?')[0]}): ${(err as Error).stack ?? String(err)}`);
    refuseUpgrade(socket, 500, { message: MESSAGES.internal });
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
