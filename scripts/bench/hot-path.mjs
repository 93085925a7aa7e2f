// The hot path on loopback with rate limiting off: autocannon against authenticated routes, SCIM
// provisioning and lookups, and the built-in provisioner daemons' throughput.
import autocannon from 'autocannon';
import { benchLicenseKey, JSON_HEADERS as json, signIn } from './fixtures.mjs';
import { embedded, startServer } from './server.mjs';

export async function runHotPath() {
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

  // A throwaway license signing key trusted by this server only, for the SCIM part.
  const scimKey = 'bench-scim-key';
  const licenseKey = await benchLicenseKey();
  const server = await startServer({
    CODER_API_RATE_LIMIT: '-1',
    CODER_LOG_LEVEL: 'warn',
    ...licenseKey.env,
    CODER_SCIM_AUTH_HEADER: scimKey,
  });
  const { base, readyMs } = server;
  const token = await signIn(base);

  const run = (title, path, headers = { 'Coder-Session-Token': token }) =>
    autocannon({ url: `${base}${path}`, connections, duration, headers }).then((r) => ({
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

  // SCIM: BENCH_SCIM_USERS (1000) users provisioned as an identity provider would, then Okta's
  // lookup by userName and an import page.
  const scimUsers = Number(process.env.BENCH_SCIM_USERS ?? 1000);
  await licenseKey.install(base, token, { scim: 1 });
  const scimHeaders = { Authorization: `Bearer ${scimKey}`, 'Content-Type': 'application/scim+json' };
  const provisionStarted = Date.now();
  for (let i = 0; i < scimUsers; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, scimUsers - i) }, (_, k) => {
        const userName = `person${i + k}@example.com`;
        const body = {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName,
          externalId: `ext-${i + k}`,
          emails: [{ value: userName, primary: true }],
        };
        return fetch(`${base}/scim/v2/Users`, {
          method: 'POST',
          headers: scimHeaders,
          body: JSON.stringify(body),
        }).then((r) => {
          if (r.status !== 201) throw new Error(`SCIM POST answered ${r.status}`);
        });
      }),
    );
  }
  const provisionMs = Date.now() - provisionStarted;
  const lookup = encodeURIComponent(`userName eq "person${Math.floor(scimUsers / 2)}@example.com"`);
  results.push(
    await run('GET /scim/v2/Users?filter=userName eq (Okta lookup)', `/scim/v2/Users?filter=${lookup}`, scimHeaders),
  );
  results.push(
    await run(
      'GET /scim/v2/Users?startIndex&count=100 (import page)',
      `/scim/v2/Users?startIndex=${Math.floor(scimUsers / 2)}&count=100`,
      scimHeaders,
    ),
  );

  // Provisioner throughput: queue BENCH_JOBS template imports at once and let the built-in daemons
  // (CODER_PROVISIONER_DAEMONS, default 3) run them; jobs/s from the jobs' own start/end stamps.
  const jobCount = Number(process.env.BENCH_JOBS ?? 200);
  const headers = { 'Coder-Session-Token': token };
  const orgId = (await (await fetch(`${base}/api/v2/users/me/organizations`, { headers })).json())[0].id;
  const echo = JSON.stringify({
    resources: [{ name: 'dev', type: 'docker_container', daily_cost: 1 }],
    logs: ['bench'],
  });
  const file = await (
    await fetch(`${base}/api/v2/files`, { method: 'POST', headers: { ...headers, ...json }, body: echo })
  ).json();
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

  await server.stop();
  licenseKey.cleanup();

  console.log(
    `database: ${embedded ? 'embedded PostgreSQL' : 'PostgreSQL'}; ready in ${readyMs} ms; ${connections} connections, ${duration} s each`,
  );
  for (const r of results) {
    console.log(
      `${r.title.padEnd(48)} ${String(r.rps).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors}`,
    );
  }
  console.log(
    `scim: ${scimUsers} users provisioned by POST /scim/v2/Users (10 at a time) in ${provisionMs} ms (${Math.round(scimUsers / (provisionMs / 1000))}/s)`,
  );
  console.log(
    `provisioner: ${jobs.length} echo imports queued in ${queuedMs} ms, run by ${server.env.CODER_PROVISIONER_DAEMONS ?? 3} built-in daemons at ${jobsPerSecond} jobs/s (first start to last completion), ${failedJobs} failed`,
  );
}
