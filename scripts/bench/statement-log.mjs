// Loaded with `node --import` into a server under test (ours or a baseline) by the pipeline bench's
// statement check (BENCH_PIPELINE_SQL=1): appends to STATEMENT_LOG_FILE, one JSON line each, every
// SQL statement sent while an HTTP request is being handled, with that request's method and URL.
// Background work (daemons polling, entitlement refreshes) is left out, as in
// test/helpers/query-counter.ts. Never loaded while the bench measures.
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';

const file = process.env.STATEMENT_LOG_FILE;
// The servers' own `pg` (the one in the project's node_modules), whose Client every pool uses.
const pg = createRequire(new URL('../../package.json', import.meta.url))('pg');
const inRequest = new AsyncLocalStorage();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event !== 'request') return emit.call(this, event, ...args);
  const [req] = args;
  return inRequest.run(`${req.method} ${req.url}`, () => emit.call(this, event, ...args));
};

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  const request = inRequest.getStore();
  const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
  if (file && request && text) {
    appendFileSync(file, `${JSON.stringify({ request, text: text.replace(/\s+/g, ' ').trim() })}\n`);
  }
  return query.apply(this, args);
};
