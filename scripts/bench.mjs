#!/usr/bin/env node
// Load tests on loopback against the built server: `npm run bench`, each section on its own
// server and fresh database (PostgreSQL, or the embedded one with BENCH_DB=embedded).
//   hot-path   autocannon on authenticated routes, SCIM and provisioner throughput (rate limit off)
//   isolation  a victim's GET /users/me p50 alone and during each abusive pattern (default rate limit)
//   embedded   start-up of the embedded PostgreSQL, and its GET /users/me req/s next to the machine's PostgreSQL
//   pipeline   our server against a bare Express app and a bare node:http + pg server (bench/baselines/) doing the
//              same work on one database: ratios against the targets, written to bench/results/latest.{json,md,svg}
// Run some sections only with `npm run bench -- isolation` or BENCH_ONLY=isolation (comma-separated).
import { runHotPath } from './bench/hot-path.mjs';
import { runIsolation } from './bench/isolation.mjs';
import { runEmbedded } from './bench/embedded.mjs';
import { runPipeline } from './bench/pipeline.mjs';

const SECTIONS = { 'hot-path': runHotPath, isolation: runIsolation, embedded: runEmbedded, pipeline: runPipeline };

const requested = process.argv.slice(2).length
  ? process.argv.slice(2)
  : (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length) {
  process.stderr.write(`unknown bench section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(SECTIONS)) {
  if (requested.length === 0 || requested.includes(name)) await run();
}
