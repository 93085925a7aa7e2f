import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Polls `check` until it returns a value other than undefined/false; returns it with the elapsed
 * milliseconds. Throws (with the last value seen) after `timeoutMs`.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last !== undefined && last !== false) return { value: last as T, ms: Date.now() - start };
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export type FakeProxyMode =
  | { kind: 'report'; body: unknown }
  | { kind: 'raw'; status: number; body: string; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'redirect'; location: string };

/**
 * A tiny stand-in for an external workspace proxy on loopback: answers `/healthz-report` the way
 * it is told to, and records every request it gets.
 */
export interface FakeProxy {
  url: string;
  requests: { method: string; path: string }[];
  setMode(mode: FakeProxyMode): void;
  close(): Promise<void>;
}

export async function startFakeProxy(
  initial: FakeProxyMode = { kind: 'report', body: { errors: [], warnings: [] } },
): Promise<FakeProxy> {
  let mode = initial;
  const requests: { method: string; path: string }[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '' });
    if (req.url !== '/healthz-report') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    switch (mode.kind) {
      case 'report':
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(mode.body));
        return;
      case 'raw':
        res.writeHead(mode.status, { 'Content-Type': 'text/html', ...mode.headers }).end(mode.body);
        return;
      case 'redirect':
        res.writeHead(302, { Location: mode.location }).end();
        return;
      case 'hang':
        hanging.add(res);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMode(next) {
      mode = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
