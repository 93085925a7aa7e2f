import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/core/provisioning/protocol.js';
import { frameText } from './ws-text.js';

export type Hello = Extract<ServerMessage, { type: 'hello' }>;

/** The HTTP answer to an upgrade the server refused. */
export interface Refused {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export function servePath(org: string, query: string): string {
  return `/api/v2/organizations/${org}/provisionerdaemons/serve${query ? `?${query}` : ''}`;
}

/** A raw protocol client: every message it receives is kept, requests are matched by request_id. */
export class TestDaemon {
  readonly received: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly hello: Promise<Hello>,
  ) {
    ws.on('message', (data) => {
      const message = JSON.parse(frameText(data)) as ServerMessage;
      this.received.push(message);
      const waiter = this.waiters.find((w) => w.match(message));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message (already received or yet to come) that matches. */
  next(match: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    const seen = this.received.find(match);
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      });
    });
  }

  /** Sends a message with a fresh request_id and waits for the answer carrying it. */
  request(message: Record<string, unknown>, timeoutMs = 45_000): Promise<ServerMessage> {
    const requestId = randomUUID();
    this.send({ ...message, request_id: requestId });
    return this.next((m) => 'request_id' in m && m.request_id === requestId, timeoutMs);
  }

  close(code = 1000): Promise<{ code: number; reason: string }> {
    this.ws.close(code);
    return this.closed;
  }
}

/** Opens a socket: the daemon (once `hello` arrived) or the HTTP refusal. */
export function openDaemon(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  options: { autoPong?: boolean; localAddress?: string } = {},
): Promise<{ daemon: TestDaemon } | { refused: Refused }> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, {
    headers,
    autoPong: options.autoPong ?? true,
    localAddress: options.localAddress,
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: kept as text so the assertion shows it
        }
        resolve({ refused: { status: res.statusCode ?? 0, headers: res.headers, body } });
      });
    });
    ws.once('open', () => {
      const hello = new Promise<Hello>((ok) => ws.once('message', (data) => ok(JSON.parse(frameText(data)) as Hello)));
      const daemon = new TestDaemon(ws, hello);
      hello.then(() => resolve({ daemon }), reject);
    });
    ws.on('error', (err) => reject(err));
  });
}

export async function connectDaemon(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
  options: { autoPong?: boolean; localAddress?: string } = {},
) {
  const result = await openDaemon(baseUrl, path, headers, options);
  if ('refused' in result)
    throw new Error(`upgrade refused: ${result.refused.status} ${JSON.stringify(result.refused.body)}`);
  return result.daemon;
}

export async function refusal(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Refused> {
  const result = await openDaemon(baseUrl, path, headers);
  if ('daemon' in result) {
    await result.daemon.close();
    throw new Error('the upgrade was accepted');
  }
  return result.refused;
}
