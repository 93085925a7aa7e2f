import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { SERVER_VERSION } from '../version.js';
import { isDatabaseUnavailable } from '../pg-errors.js';
import { ApiError, badRequest, forbidden, MESSAGES, type ErrorBody } from '../errors.js';
import { tarpit } from './tarpit.js';

/**
 * WebSocket upgrades bypass Express and Nest: the HTTP server's `upgrade` event hands over a raw
 * socket. This module routes that event by path to the features that accept WebSockets, and gives
 * them the pieces every such route needs: refusals as ordinary JSON HTTP answers (the error
 * envelope), the handshake and Origin checks, and a Request-shaped view for authentication.
 */

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

export const UPGRADE_MESSAGES = {
  badHandshake: 'Invalid WebSocket handshake.',
  foreignOrigin: (origin: string, host: string) =>
    `Request Origin ${JSON.stringify(origin)} is not authorized for Host ${JSON.stringify(host)}.`,
} as const;

/**
 * Answers a refused upgrade as an ordinary HTTP response (the error envelope, so clients read the
 * same JSON they get everywhere else) and drops the connection: the socket is never upgraded.
 */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  body: ErrorBody,
  headers: Record<string, string> = {},
): void {
  if (socket.destroyed) return;
  const json = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    `X-Coder-Build-Version: ${SERVER_VERSION}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${json}`, () => socket.destroy());
  // A peer that never reads must not keep the socket alive.
  setTimeout(() => socket.destroy(), 2000).unref();
}

/** Why a handshake is not a WebSocket handshake we can accept, or undefined. */
export function handshakeProblem(req: IncomingMessage): string | undefined {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return 'The Upgrade header must be "websocket".';
  if (!WEBSOCKET_KEY.test(req.headers['sec-websocket-key'] ?? ''))
    return 'The Sec-WebSocket-Key header is missing or invalid.';
  if (req.headers['sec-websocket-version'] !== '13')
    return 'Only WebSocket version 13 is supported (Sec-WebSocket-Version: 13).';
  return undefined;
}

/**
 * A browser's Origin naming another host (cross-site WebSocket hijacking with the session cookie),
 * refused as Coder's WebSocket library does. Non-browser clients send no Origin.
 */
export function foreignOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  try {
    if (new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase()) return undefined;
  } catch {
    // not a URL (e.g. "null"): foreign
  }
  return origin;
}

/** The handshake and Origin checks as the ApiError to answer, or undefined when the upgrade may proceed. */
export function upgradeRefusal(req: IncomingMessage): ApiError | undefined {
  const problem = handshakeProblem(req);
  if (problem) return badRequest(UPGRADE_MESSAGES.badHandshake, problem);
  const origin = foreignOrigin(req);
  if (origin) return forbidden(UPGRADE_MESSAGES.foreignOrigin(origin, req.headers.host ?? ''));
  return undefined;
}

/** Builds the Request-shaped view AuthService reads (cookie, query, header, Bearer) from a raw upgrade request. */
export function upgradeAuthRequest(
  headers: IncomingHttpHeaders,
  params: URLSearchParams,
  remoteAddress: string | undefined,
): Request {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    query[key] = all.length === 1 ? all[0] : all;
  }
  return { headers, query, ip: remoteAddress, socket: { remoteAddress } } as unknown as Request;
}

/** Handles one upgrade whose path matched; throws an ApiError to refuse it. */
export type UpgradeHandler = (
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
  match: RegExpExecArray,
) => Promise<void>;

interface UpgradeRoute {
  pattern: RegExp;
  handler: UpgradeHandler;
}

const routers = new WeakMap<Server, UpgradeRouter>();

/**
 * The one listener on a server's `upgrade` event: the first route whose pattern matches the path
 * handles it; other paths get Coder's 404. An ApiError thrown by a handler is its answer; a
 * database outage is a 503; anything else is a logged 500.
 */
export class UpgradeRouter {
  private readonly logger = new Logger('WebSocket');
  private readonly routes: UpgradeRoute[] = [];

  private constructor(private readonly server: Server) {}

  static of(server: Server): UpgradeRouter {
    let router = routers.get(server);
    if (!router) {
      router = new UpgradeRouter(server);
      routers.set(server, router);
    }
    return router;
  }

  /** Adds a route (matched against the decoded-free pathname); returns the function that removes it. */
  add(pattern: RegExp, handler: UpgradeHandler): () => void {
    const route = { pattern, handler };
    if (this.routes.length === 0) this.server.on('upgrade', this.onUpgrade);
    this.routes.push(route);
    return () => {
      const index = this.routes.indexOf(route);
      if (index >= 0) this.routes.splice(index, 1);
      if (this.routes.length === 0) this.server.off('upgrade', this.onUpgrade);
    };
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client resetting the connection must not crash the process.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const route of this.routes) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      void route.handler(req, socket, head, url, match).catch((err: unknown) => this.refuseWithError(req, socket, err));
      return;
    }
    refuseUpgrade(socket, 404, { message: MESSAGES.routeNotFound });
  };

  private refuseWithError(req: IncomingMessage, socket: Duplex, err: unknown): void {
    if (err instanceof ApiError && err.getStatus() === 429) {
      // Over a limit: answered after a pause, like every 429 (tarpit.ts).
      return tarpit(socket, () => refuseUpgrade(socket, 429, err.body, err.headers));
    }
    if (err instanceof ApiError) return refuseUpgrade(socket, err.getStatus(), err.body, err.headers);
    if (isDatabaseUnavailable(err)) {
      return refuseUpgrade(socket, 503, { message: MESSAGES.databaseUnavailable }, { 'Retry-After': '5' });
    }
    this.logger.error(
      `refused an upgrade (${req.method} ${req.url?.split('?')[0]}): ${(err as Error).stack ?? String(err)}`,
    );
    refuseUpgrade(socket, 500, { message: MESSAGES.internal });
  }
}

/** A path segment as sent, percent-decoded when it decodes. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
