import type WebSocket from 'ws';

/** A frame's payload as text (a Buffer with ws's default binaryType; fragments or an ArrayBuffer otherwise). */
export function frameText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}
