#!/usr/bin/env node
// Load test of the hot path on loopback: `npm run bench`. Starts the built server on a fresh
// PostgreSQL database (BENCH_DATABASE_URL's server, default the local one) or, with BENCH_DB=pglite,
// on the embedded database; creates a user; then runs autocannon against authenticated routes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

const duration = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const embedded = process.env.BENCH_DB === 'pglite';

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

const env = { ...process.env, CODER_HTTP_ADDRESS: `127.0.0.1:${port}`, CODER_API_RATE_LIMIT: '-1', CODER_LOG_LEVEL: 'warn' };
let cleanup = async () => {};
if (embedded) {
  const dir = mkdtempSync(join(tmpdir(), 'coder-bench-'));
  env.CODER_DATA_DIR = dir;
  delete env.CODER_PG_CONNECTION_URL;
  cleanup = async () => rmSync(dir, { recursive: true, force: true });
} else {
  const admin = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `coder_bench_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  env.CODER_PG_CONNECTION_URL = url.toString();
  cleanup = async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
}

const started = Date.now();
const server = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
for (;;) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
const readyMs = Date.now() - started;

const json = { 'Content-Type': 'application/json' };
const user = { email: 'bench@example.com', username: 'bench', password: 'SomeStrongPassword!' };
await fetch(`${base}/api/v2/users/first`, { method: 'POST', headers: json, body: JSON.stringify(user) });
const { session_token: token } = await (
  await fetch(`${base}/api/v2/users/login`, { method: 'POST', headers: json, body: JSON.stringify({ email: user.email, password: user.password }) })
).json();

const run = (title, path) =>
  autocannon({ url: `${base}${path}`, connections, duration, headers: { 'Coder-Session-Token': token } }).then((r) => ({
    title,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  }));

const results = [];
results.push(await run('GET /healthz', '/healthz'));
results.push(await run('GET /api/v2/users/me (session lookup + user)', '/api/v2/users/me'));
results.push(await run('GET /api/v2/users (list)', '/api/v2/users'));

// Provisioner throughput: queue BENCH_JOBS template imports at once and let the built-in daemons
// (CODER_PROVISIONER_DAEMONS, default 3) run them; jobs/s from the jobs' own start/end stamps.
const jobCount = Number(process.env.BENCH_JOBS ?? 200);
const headers = { 'Coder-Session-Token': token };
const orgId = (await (await fetch(`${base}/api/v2/users/me/organizations`, { headers })).json())[0].id;
const echo = JSON.stringify({ resources: [{ name: 'dev', type: 'docker_container', daily_cost: 1 }], logs: ['bench'] });
const file = await (await fetch(`${base}/api/v2/files`, { method: 'POST', headers: { ...headers, ...json }, body: echo })).json();
const versionIds = [];
const queueStarted = Date.now();
for (let i = 0; i < jobCount; i += connections) {
  const batch = Array.from({ length: Math.min(connections, jobCount - i) }, async () => {
    const res = await fetch(`${base}/api/v2/organizations/${orgId}/templateversions`, {
      method: 'POST',
      headers: { ...headers, ...json },
      body: JSON.stringify({ storage_method: 'file', provisioner: 'echo', file_id: file.hash }),
    });
    if (res.status !== 201) throw new Error(`template version: ${res.status} ${await res.text()}`);
    versionIds.push((await res.json()).id);
  });
  await Promise.all(batch);
}
const queuedMs = Date.now() - queueStarted;
const jobs = [];
for (const id of versionIds) {
  for (;;) {
    const v = await (await fetch(`${base}/api/v2/templateversions/${id}`, { headers })).json();
    if (!['pending', 'running'].includes(v.job.status)) {
      jobs.push(v.job);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
const firstStart = Math.min(...jobs.map((j) => Date.parse(j.started_at)));
const lastEnd = Math.max(...jobs.map((j) => Date.parse(j.completed_at)));
const failedJobs = jobs.filter((j) => j.status !== 'succeeded').length;
const jobsPerSecond = (jobs.length / ((lastEnd - firstStart) / 1000)).toFixed(1);

server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
await cleanup();

console.log(`database: ${embedded ? 'embedded PGlite' : 'PostgreSQL'}; ready in ${readyMs} ms; ${connections} connections, ${duration} s each`);
for (const r of results) {
  console.log(`${r.title.padEnd(48)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`);
}
console.log(`provisioner: ${jobs.length} echo imports queued in ${queuedMs} ms, run by ${env.CODER_PROVISIONER_DAEMONS ?? 3} built-in daemons at ${jobsPerSecond} jobs/s (first start to last completion), ${failedJobs} failed`);
