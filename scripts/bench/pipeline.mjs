// The request pipeline against its own baselines (issue 15): our built server next to a bare
// Express 5 app and a bare node:http + pg server (bench/baselines/), all three on one fresh
// database seeded once, each doing the same work per route (token check, SQL, JSON). A fourth
// server, the floor, is the bare Express app plus the per-request behaviour the issue keeps (request
// id, version header, metrics, request log, security headers; express.mjs with BASELINE_KEPT=1):
// it is reported next to the targets (what that behaviour alone costs over bare Express, in the
// same run) and never changes a verdict. The database is seeded through a server of its own; ours
// starts on it afterwards, as the baselines do. After a self-check (same status and keys from all
// of them) and a warm-up, interleaved rounds per route (A/B/C/D, the order rotating each round)
// under autocannon: req/s, p50/p99, server CPU µs per request
// (utime + stime from /proc/<pid>/stat ÷ requests), idle and peak RSS, errors. Medians of the
// rounds and the ratios ours ÷ baseline, checked against the issue's targets: it prints PASS/MISS
// and exits 0 either way. Writes bench/results/latest.{json,md,svg}.
//   BENCH_PIPELINE_SECONDS (6) per run, BENCH_PIPELINE_ROUNDS (3, at least 3),
//   BENCH_PIPELINE_WARMUP (5) seconds per route and server, BENCH_PIPELINE_CONNECTIONS (10).
//   BENCH_PIPELINE_SQL=1: no timing; the servers log their statements during the self-check and the
//   bench compares them route by route (same statements, in the same order).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { benchLicenseKey, JSON_HEADERS, signIn } from './fixtures.mjs';
import { CLOCK_TICKS, cpuTicks, rssBytes, sampleRss } from './proc.mjs';
import { startServer } from './server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench/results');
export const SCIM_KEY = 'bench-pipeline-scim-key';
const USERS = 50;
const GROUPS = 20;
const MB = 1024 * 1024;
/** The benched SCIM PATCH: what identity providers send again and again; the user stays active. */
const SCIM_PATCH = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'replace', path: 'active', value: true }],
});

/** The issue's targets, on the medians of one run. */
export const TARGETS = {
  rpsVsExpress: 0.75, // every route: ours ≥ 0.75 × Express req/s
  cpuVsExpress: 1.4, // CPU µs per request ≤ 1.4 × Express
  p99VsExpress: 1.5, // p99 ≤ 1.5 × Express
  rpsVsNode: 0.45, // authenticated routes: ours ≥ 0.45 × node:http req/s
  errors: 0,
  peakRssMb: 250,
};

const TARGET_NAMES = { ours: 'ours', express: 'Express', node: 'node:http', kept: 'floor' };
/** The servers doing the route's work that our answers are checked against. */
const BASELINES = ['express', 'node', 'kept'];

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ratio = (a, b) => (b > 0 ? a / b : a > 0 ? Infinity : 1);
const round1 = (x) => Math.round(x * 10) / 10;
const round2 = (x) => Math.round(x * 100) / 100;

async function call(base, method, path, { headers = {}, body } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { ...JSON_HEADERS, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`seeding: ${method} ${path} answered ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** `count` calls of `fn(i)`, `width` at a time. */
async function inBatches(count, width, fn) {
  const out = [];
  for (let i = 0; i < count; i += width) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, k) => fn(i + k)))));
  }
  return out;
}

/**
 * The owner, a license with template_rbac and scim, USERS users in the default organization,
 * GROUPS groups of USERS members each, and a user provisioned through SCIM.
 */
export async function seed(base, licenseKey) {
  const token = await signIn(base);
  const session = { 'Coder-Session-Token': token };
  await licenseKey.install(base, token, { template_rbac: 1, scim: 1 });
  const [org] = await call(base, 'GET', '/api/v2/users/me/organizations', { headers: session });
  const userIds = await inBatches(USERS, 10, async (i) => {
    const body = {
      email: `member${i}@example.com`,
      username: `member${i}`,
      login_type: 'none',
      organization_ids: [org.id],
    };
    return (await call(base, 'POST', '/api/v2/users', { headers: session, body })).id;
  });
  const groupIds = await inBatches(GROUPS, 5, async (i) => {
    const path = `/api/v2/organizations/${org.id}/groups`;
    const group = await call(base, 'POST', path, { headers: session, body: { name: `bench-group-${i}` } });
    await call(base, 'PATCH', `/api/v2/groups/${group.id}`, { headers: session, body: { add_users: userIds } });
    return group.id;
  });
  const scimUser = await call(base, 'POST', '/scim/v2/Users', {
    headers: { Authorization: `Bearer ${SCIM_KEY}` },
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'provisioned@example.com',
      externalId: 'ext-provisioned',
      name: { givenName: 'Pro', familyName: 'Visioned' },
      emails: [{ value: 'provisioned@example.com', primary: true }],
    },
  });
  // The first PATCH stores what the provisioning left implicit (the email type): from then on the
  // benched PATCH changes nothing, on every server.
  const patched = await fetch(`${base}/api/v2/scim/v2/Users/${scimUser.id}`, {
    method: 'PATCH',
    headers: { Authorization: `Bearer ${SCIM_KEY}`, 'Content-Type': 'application/scim+json' },
    body: SCIM_PATCH,
  });
  if (!patched.ok) throw new Error(`seeding: SCIM PATCH answered ${patched.status} ${await patched.text()}`);
  return { token, orgId: org.id, groupId: groupIds[0], scimUserId: scimUser.id };
}

/** The benched routes over the seeded data. */
export function routesOf({ token, orgId, groupId, scimUserId }) {
  const session = { 'Coder-Session-Token': token };
  return [
    {
      key: 'users-me',
      label: 'GET /users/me',
      title: 'GET /api/v2/users/me',
      method: 'GET',
      path: '/api/v2/users/me',
      headers: session,
    },
    {
      key: 'group',
      label: 'GET /groups/{id}',
      title: `GET /api/v2/groups/{id} (${USERS} members)`,
      method: 'GET',
      path: `/api/v2/groups/${groupId}`,
      headers: session,
    },
    {
      key: 'org-groups',
      label: 'GET /organizations/{org}/groups',
      title: `GET /api/v2/organizations/{org}/groups (${GROUPS} × ${USERS} members)`,
      method: 'GET',
      path: `/api/v2/organizations/${orgId}/groups`,
      headers: session,
    },
    {
      // The user stays active: after the seeding's first PATCH (which stores the email type) the
      // run writes nothing.
      key: 'scim-patch',
      label: 'PATCH /scim/v2/Users/{id}',
      title: 'PATCH /api/v2/scim/v2/Users/{id} (SCIM key; active: true)',
      method: 'PATCH',
      path: `/api/v2/scim/v2/Users/${scimUserId}`,
      headers: { Authorization: `Bearer ${SCIM_KEY}`, 'Content-Type': 'application/scim+json' },
      body: SCIM_PATCH,
    },
    {
      key: 'buildinfo',
      label: 'GET /buildinfo',
      title: 'GET /api/v2/buildinfo (no session)',
      method: 'GET',
      path: '/api/v2/buildinfo',
      headers: {},
      anonymous: true,
    },
  ];
}

/** Starts a baseline (bench/baselines/<file>) in its own process; it prints its port first. */
/** What a baseline needs to serve the same data as our server `ours`. */
export const baselineEnvOf = (ours) => ({
  BASELINE_DATABASE_URL: ours.env.CODER_PG_CONNECTION_URL,
  BASELINE_ACCESS_URL: ours.base,
  BASELINE_SCIM_KEY: SCIM_KEY,
  BASELINE_POOL_MAX: ours.env.CODER_PG_POOL_MAX ?? '10',
});

export async function startBaseline(file, env, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bench/baselines', file)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const lines = createInterface({ input: child.stdout });
  const port = await Promise.race([
    new Promise((resolve) => lines.once('line', (line) => resolve(Number(line.trim())))),
    exited.then((how) => {
      throw new Error(`baseline ${file} exited while starting (${how})`);
    }),
  ]);
  lines.on('line', () => undefined); // keep draining stdout
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function once(target, route) {
  const res = await fetch(`${target.base}${route.path}`, {
    method: route.method,
    headers: route.headers,
    body: route.body,
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, contentType: res.headers.get('content-type'), etag: res.headers.get('etag') };
}

const keysOf = (value) =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.keys(value).sort().join(',')
    : typeof value;

/** The top-level shape of a body: its sorted keys, or, for an array, its length and each element's keys. */
function shapeOf(body) {
  if (Array.isArray(body)) return `array(${body.length}) of ${[...new Set(body.map(keysOf))].join(' | ')}`;
  return keysOf(body);
}

/** Paths where two JSON values differ (at most `limit`). */
function differences(a, b, path = '$', out = [], limit = 5) {
  if (out.length >= limit) return out;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    out.push(`${path}: ${JSON.stringify(a)?.slice(0, 60)} ≠ ${JSON.stringify(b)?.slice(0, 60)}`);
  } else if (Array.isArray(a)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items ≠ ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length); i++) differences(a[i], b[i], `${path}[${i}]`, out, limit);
  } else if (a !== null && typeof a === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      differences(a[k], b[k], `${path}.${k}`, out, limit);
  } else if (a !== b) {
    out.push(`${path}: ${JSON.stringify(a)?.slice(0, 60)} ≠ ${JSON.stringify(b)?.slice(0, 60)}`);
  }
  return out;
}

/**
 * Each route once on each server, before any timing: the status and the top-level keys must be the
 * same everywhere, or the bench stops here. Value differences are reported, not fatal.
 */
async function selfCheck(targets, routes) {
  const failures = [];
  const report = {};
  for (const route of routes) {
    const answers = {};
    for (const [name, target] of Object.entries(targets)) answers[name] = await once(target, route);
    const ours = answers.ours;
    if (ours.status < 200 || ours.status > 299) failures.push(`${route.title}: our server answered ${ours.status}`);
    const entry = { status: ours.status, shape: shapeOf(ours.body), bodies: {} };
    for (const name of BASELINES) {
      const other = answers[name];
      if (other.status !== ours.status)
        failures.push(`${route.title}: ${TARGET_NAMES[name]} answered ${other.status}, ours ${ours.status}`);
      if (shapeOf(other.body) !== shapeOf(ours.body))
        failures.push(`${route.title}: ${TARGET_NAMES[name]} keys ${shapeOf(other.body)}, ours ${shapeOf(ours.body)}`);
      const diff = differences(ours.body, other.body);
      // SCIM's ETag is the resource's version; elsewhere it is Express's own (none on node:http).
      if (route.key === 'scim-patch' && ours.etag !== other.etag) diff.push(`ETag: ${ours.etag} ≠ ${other.etag}`);
      entry.bodies[name] = diff.length === 0 ? 'identical' : diff;
    }
    report[route.key] = entry;
  }
  if (failures.length) {
    throw new Error(`self-check failed: the baselines do not answer as our server does:\n  ${failures.join('\n  ')}`);
  }
  return report;
}

/** One timed run of `route` against one server. */
export async function measure(target, route, seconds, connections) {
  const idleRss = rssBytes(target.pid);
  const rss = sampleRss(target.pid);
  const before = cpuTicks(target.pid);
  const r = await autocannon({
    url: `${target.base}${route.path}`,
    method: route.method,
    headers: route.headers,
    body: route.body,
    connections,
    duration: seconds,
  });
  const after = cpuTicks(target.pid);
  const peakRss = rss.stop();
  const requests = r.requests.total;
  return {
    rps: Math.round(r.requests.average),
    requests,
    p50: r.latency.p50,
    p99: r.latency.p99,
    cpuUsPerRequest: requests > 0 ? Math.round(((after - before) * 1e6) / CLOCK_TICKS / requests) : NaN,
    idleRssMb: round1(idleRss / MB),
    peakRssMb: round1(peakRss / MB),
    errors: r.errors + r.non2xx, // socket errors (timeouts included) and non-2xx answers
  };
}

function summarize(routes, runs) {
  const out = {};
  for (const route of routes) {
    const byTarget = {};
    for (const name of Object.keys(TARGET_NAMES)) {
      const rs = runs.filter((r) => r.route === route.key && r.target === name);
      byTarget[name] = {
        rps: Math.round(median(rs.map((r) => r.rps))),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpuUsPerRequest: Math.round(median(rs.map((r) => r.cpuUsPerRequest))),
        idleRssMb: median(rs.map((r) => r.idleRssMb)),
        peakRssMb: median(rs.map((r) => r.peakRssMb)),
        maxPeakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
        errors: rs.reduce((n, r) => n + r.errors, 0),
      };
    }
    // Per round, ours against the baselines' runs of the same round; then the median of those.
    const rounds = [...new Set(runs.map((r) => r.round))];
    const perRound = rounds.map((round) => {
      const at = (name) => runs.find((r) => r.route === route.key && r.target === name && r.round === round);
      const [o, e, n, k] = [at('ours'), at('express'), at('node'), at('kept')];
      return {
        round,
        floorRpsVsExpress: round2(ratio(k.rps, e.rps)),
        floorCpuVsExpress: round2(ratio(k.cpuUsPerRequest, e.cpuUsPerRequest)),
        floorP99VsExpress: round2(ratio(k.p99, e.p99)),
        cpuVsFloor: round2(ratio(o.cpuUsPerRequest, k.cpuUsPerRequest)),
        rpsVsExpress: round2(ratio(o.rps, e.rps)),
        rpsVsNode: round2(ratio(o.rps, n.rps)),
        cpuVsExpress: round2(ratio(o.cpuUsPerRequest, e.cpuUsPerRequest)),
        cpuVsNode: round2(ratio(o.cpuUsPerRequest, n.cpuUsPerRequest)),
        p99VsExpress: round2(ratio(o.p99, e.p99)),
        p99VsNode: round2(ratio(o.p99, n.p99)),
      };
    });
    const ratios = {};
    for (const k of Object.keys(perRound[0]).filter((k) => k !== 'round'))
      ratios[k] = round2(median(perRound.map((r) => r[k])));
    out[route.key] = { title: route.title, anonymous: !!route.anonymous, medians: byTarget, ratios, perRound };
  }
  return out;
}

/** Each target, per route where it applies: { target, route, value, limit, pass }. */
function verdicts(routes, summary) {
  const out = [];
  const add = (target, route, value, limit, pass) => out.push({ target, route, value, limit, pass });
  for (const route of routes) {
    const { ratios, medians } = summary[route.key];
    add(
      'req/s ≥ 0.75 × Express',
      route.key,
      ratios.rpsVsExpress,
      TARGETS.rpsVsExpress,
      ratios.rpsVsExpress >= TARGETS.rpsVsExpress,
    );
    add(
      'CPU/request ≤ 1.4 × Express',
      route.key,
      ratios.cpuVsExpress,
      TARGETS.cpuVsExpress,
      ratios.cpuVsExpress <= TARGETS.cpuVsExpress,
    );
    add(
      'p99 ≤ 1.5 × Express',
      route.key,
      ratios.p99VsExpress,
      TARGETS.p99VsExpress,
      ratios.p99VsExpress <= TARGETS.p99VsExpress,
    );
    if (!route.anonymous)
      add(
        'req/s ≥ 0.45 × node:http',
        route.key,
        ratios.rpsVsNode,
        TARGETS.rpsVsNode,
        ratios.rpsVsNode >= TARGETS.rpsVsNode,
      );
    add('0 errors', route.key, medians.ours.errors, TARGETS.errors, medians.ours.errors === 0);
  }
  const peak = Math.max(...routes.map((r) => summary[r.key].medians.ours.maxPeakRssMb));
  add('peak RSS ≤ 250 MB', 'all', peak, TARGETS.peakRssMb, peak <= TARGETS.peakRssMb);
  return out;
}

const fmt = (n) => (Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));
const trio = (m, k, f = fmt) => `${f(m.ours[k])} / ${f(m.express[k])} / ${f(m.node[k])}`;

export function markdown(result) {
  const { config, routes, summary, verdicts: vs, idleRssAtStartMb } = result;
  const lines = [
    `# Request pipeline against its baselines`,
    '',
    `${config.date}, ${config.cpus} × ${config.cpuModel}, Node ${config.node}; ${config.connections} connections, ` +
      `${config.rounds} interleaved rounds of ${config.seconds} s after a ${config.warmupSeconds} s warm-up per route and server; ` +
      `medians. Ratios are medians of the per-round ratios. Produced by \`npm run bench -- pipeline\`.`,
    '',
    '| route | req/s ours / Express / node:http | ours ÷ Express | ours ÷ node:http | CPU µs/request ours / Express / node:http | p50 ms ours / Express / node:http | p99 ms ours / Express / node:http | errors ours / Express / node:http |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const route of routes) {
    const { medians: m, ratios: r, title } = summary[route.key];
    lines.push(
      `| \`${title}\` | ${trio(m, 'rps')} | ${r.rpsVsExpress.toFixed(2)} | ${r.rpsVsNode.toFixed(2)} | ${trio(m, 'cpuUsPerRequest')} | ${trio(m, 'p50')} | ${trio(m, 'p99')} | ${trio(m, 'errors')} |`,
    );
  }
  const rss = (name) =>
    `${TARGET_NAMES[name]} idle ${idleRssAtStartMb[name]} MB, peak ${Math.max(...routes.map((r) => summary[r.key].medians[name].maxPeakRssMb))} MB`;
  lines.push(
    '',
    `RSS (idle after seeding; highest sampled under load): ${['ours', 'express', 'node'].map(rss).join('; ')}.`,
    '',
    '**The floor** (not a target; it changes no verdict): the Express baseline plus the per-request behaviour ' +
      'the issue keeps, taken from our server (request id and build version headers, metrics, request log, ' +
      'security headers), measured in the same rounds. Its ratios to bare Express are what that behaviour ' +
      'alone costs, before any framework, authentication or routing of ours.',
    '',
    '| route | floor req/s ÷ Express | floor CPU ÷ Express | floor p99 ÷ Express | CPU µs/request floor | ours CPU ÷ floor |',
    '|---|---|---|---|---|---|',
    ...routes.map((route) => {
      const { medians: m, ratios: r, title } = summary[route.key];
      return `| \`${title}\` | ${r.floorRpsVsExpress.toFixed(2)} | ${r.floorCpuVsExpress.toFixed(2)} | ${r.floorP99VsExpress.toFixed(2)} | ${fmt(m.kept.cpuUsPerRequest)} | ${r.cpuVsFloor.toFixed(2)} |`;
    }),
    '',
  );
  lines.push('| target | route | value | limit | |', '|---|---|---|---|---|');
  for (const v of vs)
    lines.push(`| ${v.target} | ${v.route} | ${v.value} | ${v.limit} | ${v.pass ? 'PASS' : 'MISS'} |`);
  lines.push('', '![ratios against the targets](latest.svg)', '');
  return `${lines.join('\n')}\n`;
}

const escapeXml = (s) =>
  String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** A bar chart of the ratios, one panel per target, the limit drawn as a dashed line; no dependency. */
export function svgChart(result) {
  const { routes, summary } = result;
  const panels = [
    {
      title: 'req/s ours ÷ Express (higher is better)',
      key: 'rpsVsExpress',
      limit: TARGETS.rpsVsExpress,
      higher: true,
    },
    {
      title: 'req/s ours ÷ node:http (higher is better; authenticated routes)',
      key: 'rpsVsNode',
      limit: TARGETS.rpsVsNode,
      higher: true,
      authOnly: true,
    },
    {
      title: 'CPU per request ours ÷ Express (lower is better)',
      key: 'cpuVsExpress',
      limit: TARGETS.cpuVsExpress,
      higher: false,
    },
    { title: 'p99 ours ÷ Express (lower is better)', key: 'p99VsExpress', limit: TARGETS.p99VsExpress, higher: false },
  ];
  const width = 860;
  const labelWidth = 250;
  const barArea = width - labelWidth - 70;
  const rowHeight = 22;
  const parts = [];
  let y = 10;
  for (const panel of panels) {
    const rows = routes.filter((r) => !(panel.authOnly && r.anonymous));
    const values = rows.map((r) => summary[r.key].ratios[panel.key]);
    const scaleMax = Math.max(panel.limit * 1.5, ...values.filter(Number.isFinite), 1) * 1.05;
    const x = (v) => labelWidth + (Math.min(v, scaleMax) / scaleMax) * barArea;
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    y += 22;
    const top = y;
    rows.forEach((route, i) => {
      const v = summary[route.key].ratios[panel.key];
      const pass = panel.higher ? v >= panel.limit : v <= panel.limit;
      const ry = top + i * rowHeight;
      parts.push(`<text x="10" y="${ry + 15}">${escapeXml(route.label)}</text>`);
      parts.push(
        `<rect x="${labelWidth}" y="${ry + 3}" width="${Math.max(1, x(v) - labelWidth).toFixed(1)}" height="${rowHeight - 6}" fill="${pass ? '#2e7d32' : '#c62828'}"/>`,
      );
      parts.push(`<text x="${(x(v) + 5).toFixed(1)}" y="${ry + 15}">${Number.isFinite(v) ? v.toFixed(2) : '∞'}</text>`);
    });
    const lx = x(panel.limit).toFixed(1);
    const bottom = top + rows.length * rowHeight;
    parts.push(`<line x1="${lx}" y1="${top}" x2="${lx}" y2="${bottom}" stroke="#000" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${lx}" y="${bottom + 12}" text-anchor="middle" font-size="11">target ${panel.limit}</text>`);
    y = bottom + 26;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** BENCH_PIPELINE_SQL=1: each route's statements on our server and on the baselines, compared. */
function compareStatements(logs, routes) {
  const read = (file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  const byTarget = Object.fromEntries(Object.entries(logs).map(([name, file]) => [name, read(file)]));
  let same = true;
  for (const route of routes) {
    const request = `${route.method} ${route.path}`;
    const of = (name) => byTarget[name].filter((s) => s.request === request).map((s) => s.text);
    const ours = of('ours');
    console.log(`\n${route.title}: ${ours.length} statements on our server`);
    for (const statement of ours) console.log(`  ${statement.slice(0, 160)}`);
    for (const name of BASELINES) {
      const theirs = of(name);
      const match = theirs.length === ours.length && theirs.every((s, i) => s === ours[i]);
      same &&= match;
      console.log(`  ${TARGET_NAMES[name]}: ${match ? 'the same statements' : 'DIFFERENT:'}`);
      if (match) continue;
      for (const statement of theirs) console.log(`    ${statement.slice(0, 160)}`);
      const i = theirs.findIndex((t, k) => t !== ours[k]);
      if (i >= 0)
        console.log(`    first difference, statement ${i + 1}:\n    ours: ${ours[i]}\n    ${name}: ${theirs[i]}`);
    }
  }
  return same;
}

export async function runPipeline() {
  const seconds = Number(process.env.BENCH_PIPELINE_SECONDS ?? 6);
  const rounds = Math.max(3, Number(process.env.BENCH_PIPELINE_ROUNDS ?? 3));
  const warmupSeconds = Number(process.env.BENCH_PIPELINE_WARMUP ?? 5);
  const connections = Number(process.env.BENCH_PIPELINE_CONNECTIONS ?? 10);
  const sqlCheck = process.env.BENCH_PIPELINE_SQL === '1';

  const logDir = sqlCheck ? mkdtempSync(join(tmpdir(), 'coder-bench-sql-')) : undefined;
  const logs = sqlCheck
    ? {
        ours: join(logDir, 'ours'),
        express: join(logDir, 'express'),
        node: join(logDir, 'node'),
        kept: join(logDir, 'kept'),
      }
    : {};
  const hook = (name) =>
    sqlCheck
      ? {
          NODE_OPTIONS:
            `${process.env.NODE_OPTIONS ?? ''} --import=${join(ROOT, 'scripts/bench/statement-log.mjs')}`.trim(),
          STATEMENT_LOG_FILE: logs[name],
        }
      : {};

  const licenseKey = await benchLicenseKey();
  const targets = {};
  let seeder;
  try {
    // The baselines need the database's URL: always a PostgreSQL database, never the embedded one.
    const oursEnv = {
      CODER_API_RATE_LIMIT: '-1',
      CODER_LOG_LEVEL: undefined,
      ...licenseKey.env,
      CODER_SCIM_AUTH_HEADER: SCIM_KEY,
    };
    // Seeded through a server of its own, which then stops (its database kept): the measured server
    // starts on the seeded database as the baselines do, so all four have done the same work before
    // the warm-up. Measuring the server that seeded (sign-ups, logins, groups, SCIM: a hundred
    // requests over a dozen routes) left it 1.3-1.6x costlier per request on the same routes than a
    // server started after it, in two runs side by side (its JIT and heap shaped by the seeding).
    seeder = await startServer(oursEnv, { database: 'external' });
    const seeded = await seed(seeder.base, licenseKey);
    await seeder.stop({ keepDatabase: true });
    targets.ours = await startServer(
      { ...oursEnv, CODER_PG_CONNECTION_URL: seeder.env.CODER_PG_CONNECTION_URL, ...hook('ours') },
      { database: 'given' },
    );
    const ours = targets.ours;
    const routes = routesOf(seeded);
    const baselineEnv = (name) => ({
      ...baselineEnvOf(ours),
      ...hook(name),
    });
    targets.express = await startBaseline('express.mjs', baselineEnv('express'));
    targets.node = await startBaseline('node-http.mjs', baselineEnv('node'));
    targets.kept = await startBaseline('express.mjs', { ...baselineEnv('kept'), BASELINE_KEPT: '1' });
    let check = await selfCheck(targets, routes);
    if (sqlCheck) {
      // Statements of a second pass: the first may fill caches (the SCIM organization) or, on our
      // server, carry the seeding's.
      for (const file of Object.values(logs)) writeFileSync(file, '');
      check = await selfCheck(targets, routes);
    }
    console.log('\n## request pipeline against bare Express and bare node:http (same database, same work)');
    console.log('self-check: same status and top-level keys from all four servers on every route');
    for (const route of routes) {
      const { status, bodies } = check[route.key];
      const note = BASELINES.map(
        (n) => `${TARGET_NAMES[n]} ${bodies[n] === 'identical' ? 'identical' : `differs: ${bodies[n].join('; ')}`}`,
      ).join(', ');
      console.log(`  ${route.title}: ${status}; body ${note}`);
    }
    if (sqlCheck) {
      const same = compareStatements(logs, routes);
      console.log(
        `\nstatements: ${same ? 'the same on all four servers' : 'DIFFERENT (see above)'}; no timing in this mode`,
      );
      return;
    }

    console.log(
      `${connections} connections; warm-up ${warmupSeconds} s per route and server, then ${rounds} interleaved rounds of ${seconds} s`,
    );
    const names = Object.keys(TARGET_NAMES);
    const idleRssAtStartMb = Object.fromEntries(names.map((n) => [n, round1((rssBytes(targets[n].pid) ?? 0) / MB)]));
    for (const route of routes) for (const n of names) await measure(targets[n], route, warmupSeconds, connections);

    const runs = [];
    for (let round = 1; round <= rounds; round++) {
      for (const route of routes) {
        const order = names.map((_, i) => names[(i + round - 1) % names.length]);
        for (const name of order) {
          const run = await measure(targets[name], route, seconds, connections);
          runs.push({ round, route: route.key, target: name, ...run });
          console.log(
            `  round ${round} ${route.key.padEnd(10)} ${TARGET_NAMES[name].padEnd(9)} ${String(run.rps).padStart(6)} req/s` +
              `  p50 ${run.p50} ms  p99 ${run.p99} ms  ${run.cpuUsPerRequest} µs CPU/request` +
              `  RSS ${run.idleRssMb} → ${run.peakRssMb} MB  errors ${run.errors}`,
          );
        }
      }
    }
    for (const [name, target] of Object.entries(targets)) {
      if (target.alive && !target.alive()) throw new Error(`${TARGET_NAMES[name]} exited during the run`);
    }

    const summary = summarize(routes, runs);
    const result = {
      config: {
        date: new Date().toISOString(),
        node: process.versions.node,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        seconds,
        rounds,
        warmupSeconds,
        connections,
        users: USERS,
        groups: GROUPS,
        clockTicks: CLOCK_TICKS,
      },
      targets: TARGETS,
      idleRssAtStartMb,
      routes: routes.map(({ key, label, title, method, anonymous }) => ({
        key,
        label,
        title,
        method,
        anonymous: !!anonymous,
      })),
      selfCheck: check,
      runs,
      summary,
    };
    result.verdicts = verdicts(routes, summary);

    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const md = markdown(result);
    writeFileSync(join(RESULTS_DIR, 'latest.md'), md);
    writeFileSync(join(RESULTS_DIR, 'latest.svg'), svgChart(result));

    console.log(`\n${md}`);
    for (const v of result.verdicts)
      console.log(`${v.pass ? 'PASS' : 'MISS'} ${v.target} (${v.route}): ${v.value} vs ${v.limit}`);
    for (const route of routes) {
      for (const name of BASELINES) {
        const errors = summary[route.key].medians[name].errors;
        if (errors > 0)
          console.log(
            `warning: ${TARGET_NAMES[name]} had ${errors} errors on ${route.key}: its figures there are not a baseline`,
          );
      }
    }
    const misses = result.verdicts.filter((v) => !v.pass).length;
    console.log(
      `${misses === 0 ? 'all targets met' : `${misses} target(s) missed`}; written to bench/results/latest.{json,md,svg}`,
    );
  } finally {
    for (const target of Object.values(targets).reverse()) await target.stop();
    await seeder?.stop();
    licenseKey.cleanup();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  }
}
