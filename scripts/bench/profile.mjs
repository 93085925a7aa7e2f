// Where the request pipeline spends its CPU: our built server under `node --cpu-prof`, seeded as
// the pipeline section seeds it, one route under autocannon, then the profile's self time summed
// by package (or our own file) and by function, startup excluded. The .cpuprofile is kept for
// Chrome DevTools / speedscope.
//   BENCH_PROFILE_ROUTE (users-me; a pipeline route key: users-me, group, org-groups, scim-patch, buildinfo)
//   BENCH_PROFILE_TARGET (ours; or express, node: profile that baseline instead, on the same seeded database)
//   BENCH_PROFILE_SECONDS (10), BENCH_PROFILE_CONNECTIONS (10), BENCH_PROFILE_TOP (25 functions)
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchLicenseKey } from './fixtures.mjs';
import { baselineEnvOf, measure, routesOf, SCIM_KEY, seed, startBaseline } from './pipeline.mjs';
import { startServer } from './server.mjs';

const BASELINES = { express: 'express.mjs', node: 'node-http.mjs' };

/** The package a profile frame belongs to: `pkg` or `@scope/pkg` under node_modules, our file under dist, or node's internals. */
function ownerOf(url) {
  if (!url) return '(native/gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 6);
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url;
}

/** Self time per owner and per function, over the samples taken after `fromUs` (profile clock). */
function summarize(profile, fromUs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs) continue;
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const owners = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    total += us;
    const owner = ownerOf(callFrame.url);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${owner}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, owners: sorted(owners), functions: sorted(functions) };
}

export async function runProfile() {
  const key = process.env.BENCH_PROFILE_ROUTE ?? 'users-me';
  const target = process.env.BENCH_PROFILE_TARGET ?? 'ours';
  if (target !== 'ours' && !(target in BASELINES)) throw new Error(`BENCH_PROFILE_TARGET: ours, express or node`);
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 10);
  const connections = Number(process.env.BENCH_PROFILE_CONNECTIONS ?? 10);
  const top = Number(process.env.BENCH_PROFILE_TOP ?? 25);
  const dir = mkdtempSync(join(tmpdir(), 'coder-bench-profile-'));
  const licenseKey = await benchLicenseKey();
  const profiling = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
  const env = {
    CODER_API_RATE_LIMIT: '-1',
    CODER_LOG_LEVEL: undefined,
    ...licenseKey.env,
    CODER_SCIM_AUTH_HEADER: SCIM_KEY,
  };
  // As in the pipeline section: seeded through a server of its own, the profiled one started after.
  const seeder = await startServer(env, { database: 'external' });
  let server;
  let run;
  let startedAt;
  let baseline;
  try {
    const route = routesOf(await seed(seeder.base, licenseKey)).find((r) => r.key === key);
    await seeder.stop({ keepDatabase: true });
    if (!route) throw new Error(`unknown route ${key}`);
    server = await startServer(
      { ...env, CODER_PG_CONNECTION_URL: seeder.env.CODER_PG_CONNECTION_URL },
      { database: 'given', nodeArgs: target === 'ours' ? profiling : [] },
    );
    if (target !== 'ours') baseline = await startBaseline(BASELINES[target], baselineEnvOf(server), profiling);
    const profiled = baseline ?? server;
    await measure(profiled, route, 2, connections); // warm-up, not summed
    startedAt = process.hrtime.bigint();
    run = await measure(profiled, route, seconds, connections);
  } finally {
    await baseline?.stop();
    await server?.stop();
    await seeder.stop();
    licenseKey.cleanup();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  // The profile's clock is the process' monotonic clock in µs: samples from the measured run on.
  const fromUs = Number(startedAt / 1000n);
  const { total, owners, functions } = summarize(profile, fromUs);
  const pct = (us) => `${((us / total) * 100).toFixed(1)}%`.padStart(6);
  const perRequest = (us) => `${(us / run.requests).toFixed(1)} µs/req`.padStart(14);
  console.log(
    `\n## profile of ${key} on ${target}: ${run.rps} req/s, ${run.cpuUsPerRequest} µs CPU/request over ${seconds} s`,
  );
  console.log(`profile: ${join(dir, file)}\n\nself time by package or file:`);
  for (const [owner, us] of owners.slice(0, top)) console.log(`${pct(us)} ${perRequest(us)}  ${owner}`);
  console.log('\nself time by function:');
  for (const [fn, us] of functions.slice(0, top)) console.log(`${pct(us)} ${perRequest(us)}  ${fn}`);
}
