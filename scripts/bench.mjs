#!/usr/bin/env node
// Load tests on loopback against the built server: `npm run bench`, each section on its own
// server and fresh database (PostgreSQL, or the embedded one with BENCH_DB=embedded).
//   hot-path   autocannon on authenticated routes, SCIM and provisioner throughput (rate limit off)
//   isolation  a victim's GET /users/me p50 alone and during each abusive pattern (default rate limit)
//   embedded   start-up of the embedded PostgreSQL, and its GET /users/me req/s next to the machine's PostgreSQL
//   pipeline   our server against a bare Express app and a bare node:http + pg server (bench/baselines/) doing the
//              same work on one database: ratios against the targets, written to bench/results/latest.{json,md,svg}
//   scale      time per request as data grows (groups, users, audit, SCIM, job acquisition, entitlements),
//              seeded through SQL to 100k users / 1M audit rows: growth against 1.5, to bench/results/scale.{json,md}
//   pending-jobs  GET /organizations/{org}/provisionerjobs?status=pending&limit=0 at 10 and 1,000 pending jobs: the
//              ratio against 1.5 and ONE statement reading the jobs, to bench/results/pending-jobs.{json,md}
//   profile    one pipeline route under `node --cpu-prof`: self time by package and by function (not run by default)
// Run some sections only with `npm run bench -- isolation` or BENCH_ONLY=isolation (comma-separated);
// `--scale` is accepted for `scale`.
import { runHotPath } from './bench/hot-path.mjs';
import { runIsolation } from './bench/isolation.mjs';
import { runEmbedded } from './bench/embedded.mjs';
import { runPendingJobs } from './bench/pending-jobs.mjs';
import { runPipeline } from './bench/pipeline.mjs';
import { runProfile } from './bench/profile.mjs';
import { runScale } from './bench/scale.mjs';

const SECTIONS = {
  'hot-path': runHotPath,
  isolation: runIsolation,
  embedded: runEmbedded,
  pipeline: runPipeline,
  scale: runScale,
  'pending-jobs': runPendingJobs,
  profile: runProfile,
};

const ALIASES = { '--scale': 'scale' };
const requested = (
  process.argv.slice(2).length ? process.argv.slice(2) : (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean)
).map((name) => ALIASES[name] ?? name);
const unknown = requested.filter((name) => !(name in SECTIONS));
if (unknown.length) {
  process.stderr.write(`unknown bench section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}\n`);
  process.exit(2);
}
for (const [name, run] of Object.entries(SECTIONS)) {
  // `profile` is a tool for finding costs, not a measurement: it runs only when asked for.
  if (requested.length === 0 ? name !== 'profile' : requested.includes(name)) await run();
}
