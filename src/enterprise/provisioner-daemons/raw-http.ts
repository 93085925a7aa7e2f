import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { SERVER_VERSION } from '../../core/buildinfo/version.js';
import type { ErrorBody } from '../../common/errors.js';

/**
 * Answers a refused upgrade as an ordinary HTTP response (the error envelope, so clients read the
 * same JSON they get everywhere else) and drops the connection: the socket is never upgraded.
 */
export function refuseUpgrade(socket: Duplex, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
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
