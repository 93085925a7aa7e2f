import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { ServerMessage } from '../core/provisioning/protocol.js';

export type Hello = Extract<ServerMessage, { type: 'hello' }>;

/** A frame's payload as text (a Buffer with ws's default binaryType; fragments or an ArrayBuffer otherwise). */
function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

/** The server answered the upgrade with an HTTP error (the JSON envelope). */
export class ConnectRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: { message?: string; detail?: string },
  ) {
    super(`${status} ${body.message ?? 'refused'}${body.detail ? ` (${body.detail})` : ''}`);
  }
}

/** The server answered a request with an `error` frame. */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** At most ~83 messages a second: under the server's limit of 100 (close 4429). */
const MIN_SEND_GAP_MS = 12;
const KEEPALIVE_MS = 15_000;
const KEEPALIVE_TIMEOUT_MS = 10_000;
const HELLO_TIMEOUT_MS = 15_000;
/** Job payloads carry the template source (up to 10 MiB, base64). */
const MAX_PAYLOAD = 64 * 1024 * 1024;

interface Pending {
  resolve: (m: ServerMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One WebSocket session with the server: request/response correlation by `request_id`, paced
 * sends, an application-level keepalive that drops a dead connection, and one `closed` promise.
 */
export class DaemonConnection {
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly pending = new Map<string, Pending>();
  private nextSendAt = 0;
  private readonly keepalive: NodeJS.Timeout;

  private constructor(
    private readonly ws: WebSocket,
    readonly hello: Hello,
  ) {
    ws.on('message', (data) => this.onMessage(frameText(data)));
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        clearInterval(this.keepalive);
        for (const [, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`connection closed (${code})`));
        }
        this.pending.clear();
        resolve({ code, reason: reason.toString() });
      }),
    );
    this.keepalive = setInterval(() => {
      this.request({ type: 'ping' }, KEEPALIVE_TIMEOUT_MS).catch(() => ws.terminate());
    }, KEEPALIVE_MS);
  }

  /** Connects and waits for `hello`; an HTTP refusal rejects with ConnectRefused. */
  static open(url: string, headers: Record<string, string>): Promise<DaemonConnection> {
    const ws = new WebSocket(url, {
      headers,
      maxPayload: MAX_PAYLOAD,
      handshakeTimeout: HELLO_TIMEOUT_MS,
      perMessageDeflate: false,
    });
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('no hello from the server')), HELLO_TIMEOUT_MS);
      ws.on('error', (err) => fail(err));
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          let body: { message?: string; detail?: string } = { message: text.slice(0, 200) };
          try {
            body = JSON.parse(text) as typeof body;
          } catch {
            // not the JSON envelope: keep the start of the text
          }
          fail(new ConnectRefused(res.statusCode ?? 0, body));
        });
      });
      ws.once('message', (data) => {
        clearTimeout(timer);
        const hello = JSON.parse(frameText(data)) as ServerMessage;
        if (hello.type !== 'hello') return fail(new Error(`expected hello, got ${hello.type}`));
        resolve(new DaemonConnection(ws, hello));
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a request and resolves with its answer; an `error` frame rejects with ProtocolError. */
  async request(message: Record<string, unknown>, timeoutMs = 60_000): Promise<ServerMessage> {
    // Pace first: a pending answer registered before would be rejected (on close) unobserved.
    await this.pace();
    if (!this.isOpen) throw new Error('connection closed');
    const requestId = randomUUID();
    const answer = new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`no answer to ${String(message.type)} within ${timeoutMs / 1000}s`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
    });
    this.ws.send(JSON.stringify({ ...message, request_id: requestId }));
    return answer;
  }

  close(code: number, reason: string): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
    const force = setTimeout(() => this.ws.terminate(), 3000);
    return this.closed.finally(() => clearTimeout(force));
  }

  private async pace(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextSendAt);
    this.nextSendAt = at + MIN_SEND_GAP_MS;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }

  private onMessage(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    const requestId = 'request_id' in message ? message.request_id : undefined;
    if (requestId === undefined) return;
    if (message.type === 'error') this.settle(requestId, undefined, new ProtocolError(message.code, message.message));
    else this.settle(requestId, message);
  }

  private settle(requestId: string, message?: ServerMessage, error?: Error): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(message as ServerMessage);
  }
}
