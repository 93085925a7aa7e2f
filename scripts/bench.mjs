#!/usr/bin/env node
// Load tests on loopback against the built server: `npm run bench`, each section on its own
// server and fresh database (PostgreSQL, or the embedded one with BENCH_DB=pglite).
//   hot-path   autocannon on authenticated routes, SCIM and provisioner throughput (rate limit off)
//   isolation  a victim's GET /users/me p50 alone and during each abusive pattern (default rate limit)
// Run some sections only with `npm run bench -- isolation` or BENCH_ONLY=isolation (comma-separated).
import { runHotPath } from './bench/hot-path.mjs';
import { runIsolation } from './bench/isolation.mjs';

const SECTIONS = { 'hot-path': runHotPath, isolation: runIsolation };

const requested = process.argv.slice(2).length ? process.argv.slice(2) : (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length) {
  process.stderr.write(`unknown bench section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(SECTIONS)) {
  if (requested.length === 0 || requested.includes(name)) await run();
}
