import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { TestApp } from './app.js';

type RequestListener = (...args: unknown[]) => unknown;

/**
 * Counts the SQL statements the server sends while handling the HTTP requests `fn` makes (the app
 * runs in-process in e2e tests). Each request the server receives meanwhile runs in an async
 * context of its own, and only statements issued from such a context are counted, so background
 * work (entitlement refreshes, heartbeats, daemons polling) never is: the count can change only
 * when the routes' own statements do.
 */
export async function countQueries<T>(t: TestApp, fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
  const inRequest = new AsyncLocalStorage<true>();
  const server = t.app.getHttpServer();
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  for (const listener of listeners) {
    server.on('request', (...args: unknown[]) => inRequest.run(true, () => listener.apply(server, args)));
  }
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const queries: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
    if (text && inRequest.getStore()) queries.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  try {
    const result = await fn();
    return { result, queries };
  } finally {
    proto.query = original;
    server.removeAllListeners('request');
    for (const listener of listeners) server.on('request', listener);
  }
}
