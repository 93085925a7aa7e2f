// The pending-jobs list (issue 16, item 6): GET /api/v2/organizations/{org}/provisionerjobs?status=pending&limit=0
// with 10 and then 1,000 pending jobs, seeded through SQL on a fresh database (no built-in daemons,
// so nothing takes them). The jobs alternate between three tag sets: two served by a (seeded)
// daemon each, one by none, so the queue places are computed per daemon set and per provisioner.
// After each size: VACUUM ANALYZE, a warm-up, then sequential requests timed from send to the last
// byte (median, p90; the answer is parsed and checked after the clock stops). Reported: the ratio of the medians (target at most 1.5, PASS/MISS, never a
// failure of the process) and the time per listed job. A second server on the same database, with
// scripts/bench/statement-log.mjs loaded (never the timed one), answers the same request once at the
// largest size: the route must send exactly ONE statement that reads provisioner_jobs.
// Additional figure, same run: with the largest queue, the list with limit=10 against the list of
// every job (the ratio shows what listing the whole queue costs over a page of it; not part of the
// PASS/MISS line).
// Writes bench/results/pending-jobs.{json,md}.
//   BENCH_PENDING_REQUESTS (50) timed requests per size, BENCH_PENDING_WARMUP (20) before them.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DAEMON_KNOWN_SECONDS, JOB_VIEWS_SQL } from '../../dist/src/core/provisioning/job-views.query.js';
import { DAEMON_LIVENESS_SECONDS } from '../../dist/src/core/provisioning/jobs.repository.js';
import { benchLicenseKey, signIn } from './fixtures.mjs';
import { startServer } from './server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench/results');
export const RATIO_TARGET = 1.5;
const SIZES = [10, 1000];
const LIMITED = 10;
const REQUESTS = Number(process.env.BENCH_PENDING_REQUESTS ?? 50);
const WARMUP = Number(process.env.BENCH_PENDING_WARMUP ?? 20);
const PSK_KEY_ID = '00000000-0000-0000-0000-000000000003';
const TAG_SETS = [
  { scope: 'organization', pool: 'a' },
  { scope: 'organization', pool: 'b' },
  { scope: 'organization', pool: 'nobody' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round2 = (x) => Math.round(x * 100) / 100;

/** The list's answer, read to its last byte (the timed part). */
async function fetchJobs(base, token, orgId, limit = 0) {
  const res = await fetch(`${base}/api/v2/organizations/${orgId}/provisionerjobs?status=pending&limit=${limit}`, {
    headers: { 'Coder-Session-Token': token },
  });
  return { status: res.status, text: await res.text() };
}

/** Checks an answer (untimed): 200 and the expected number of jobs. */
function checkJobs({ status, text }, expected) {
  if (status !== 200) throw new Error(`list: ${status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text);
  if (body.length !== expected) throw new Error(`list: ${body.length} jobs, expected ${expected}`);
  return body;
}

async function getJobs(base, token, orgId, expected, limit = 0) {
  return checkJobs(await fetchJobs(base, token, orgId, limit), expected);
}

async function seed(db, orgId, ownerId) {
  const fileId = randomUUID();
  await db.query(
    `INSERT INTO files (id, hash, created_at, created_by, mimetype, data) VALUES ($1, 'bench-pending', now(), $2, 'application/json', $3)`,
    [fileId, ownerId, Buffer.from('{}')],
  );
  for (const [i, tags] of TAG_SETS.slice(0, 2).entries()) {
    await db.query(
      `INSERT INTO provisioner_daemons (id, created_at, last_seen_at, name, provisioners, tags, organization_id, builtin, version, key_id)
       VALUES (gen_random_uuid(), now(), now(), $1, '{echo}', $2, $3, false, '', $4)`,
      [`bench-daemon-${i}`, JSON.stringify(tags), orgId, PSK_KEY_ID],
    );
  }
  return fileId;
}

async function grow(db, ctx, size) {
  await db.query(
    `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner,
                                   storage_method, type, input, file_id, tags)
     SELECT gen_random_uuid(), $1::timestamptz + i * interval '1 millisecond', $1::timestamptz + i * interval '1 millisecond',
            $2::uuid, $3::uuid, 'echo', 'file', 'template_version_import',
            jsonb_build_object('template_version_id', gen_random_uuid()), $4::uuid, ($5::jsonb)->(i % 3)
       FROM generate_series($6::int, $7::int) i`,
    [ctx.base, ctx.orgId, ctx.ownerId, ctx.fileId, JSON.stringify(TAG_SETS), ctx.jobs + 1, size],
  );
  ctx.jobs = size;
  await db.query('VACUUM (ANALYZE) provisioner_jobs');
}

/** Times `fn` from call to resolution; `check` (untimed) verifies each result. */
async function time(fn, check = () => {}) {
  for (let i = 0; i < WARMUP; i++) check(await fn());
  const samples = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const result = await fn();
    samples.push(performance.now() - started);
    check(result);
  }
  return samples;
}

/** The statements the hooked server sent for one list request. */
async function statementsOfOneRequest(server, token, orgId, expected, logFile) {
  writeFileSync(logFile, '');
  await getJobs(server.base, token, orgId, expected);
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((s) => s.request.includes('/provisionerjobs'))
    .map((s) => s.text);
}

function markdown(result) {
  const rows = result.sizes.map(
    (s) =>
      `| ${s.jobs.toLocaleString('en-US')} | ${s.medianMs} | ${s.p90Ms} | ${s.perJobUs} | ${s.statementMedianMs} | ${s.loadAverage} |`,
  );
  return [
    '# Pending provisioner jobs list',
    '',
    `\`GET /api/v2/organizations/{org}/provisionerjobs?status=pending&limit=0\`, ${result.requests} sequential requests per size ` +
      `after ${result.warmup} untimed ones; jobs seeded through SQL over three tag sets (two served by one daemon each, ` +
      `one by none). ${result.machine}.`,
    '',
    '| pending jobs | median ms | p90 ms | µs per job (median) | statement alone, median ms | load average |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Ratio of the medians (${result.sizes.at(-1).jobs.toLocaleString('en-US')} ÷ ${result.sizes[0].jobs}): ` +
      `**${result.ratio}** (target ≤ ${RATIO_TARGET}: ${result.ratio <= RATIO_TARGET ? 'PASS' : 'MISS'}).`,
    '',
    `Additional figure (not part of the target): with ${result.limited.queue.toLocaleString('en-US')} pending jobs, ` +
      `listing all of them against listing ${result.limited.listed} (\`limit=${result.limited.listed}\`): ` +
      `median ${result.sizes.at(-1).medianMs} ms ÷ ${result.limited.medianMs} ms (p90 ${result.limited.p90Ms} ms) = ` +
      `**${result.limited.ratio}**; the statement alone ${result.sizes.at(-1).statementMedianMs} ms ÷ ` +
      `${result.limited.statementMedianMs} ms = ${result.limited.statementRatio}.`,
    '',
    `Statements of one request at the largest size: ${result.statements.total} in all, ` +
      `${result.statements.readingJobs} reading provisioner_jobs (required: 1, ${result.statements.readingJobs === 1 ? 'PASS' : 'FAIL'}).`,
    '',
    result.note,
    '',
  ].join('\n');
}

export async function runPendingJobs() {
  const licenseKey = await benchLicenseKey();
  const logDir = mkdtempSync(join(tmpdir(), 'coder-bench-pending-'));
  const logFile = join(logDir, 'statements');
  let server;
  let hooked;
  let db;
  try {
    server = await startServer({
      CODER_API_RATE_LIMIT: '-1',
      CODER_LOG_LEVEL: undefined,
      CODER_PROVISIONER_DAEMONS: '0',
      ...licenseKey.env,
    });
    db = new pg.Client({ connectionString: server.env.CODER_PG_CONNECTION_URL });
    await db.connect();
    const token = await signIn(server.base);
    const me = await fetch(`${server.base}/api/v2/users/me/organizations`, {
      headers: { 'Coder-Session-Token': token },
    });
    const [org] = await me.json();
    const ownerId = (await db.query(`SELECT id FROM users WHERE username = 'bench'`)).rows[0].id;
    // A minute old: well inside CODER_JOB_PENDING_TIMEOUT, so the job reaper never fails them mid-run.
    const ctx = { orgId: org.id, ownerId, jobs: 0, base: new Date(Date.now() - 60_000) };
    ctx.fileId = await seed(db, org.id, ownerId);

    const sizes = [];
    for (const size of SIZES) {
      await grow(db, ctx, size);
      const samples = await time(
        () => fetchJobs(server.base, token, org.id),
        (answer) => checkJobs(answer, size),
      );
      const med = median(samples);
      // The route's statement alone, as the repository sends it (status=pending, no limit).
      const params = [null, org.id, ['pending'], null, null, null, null, DAEMON_LIVENESS_SECONDS, DAEMON_KNOWN_SECONDS];
      const sqlSamples = await time(() => db.query(JOB_VIEWS_SQL, params));
      sizes.push({
        jobs: size,
        medianMs: round2(med),
        p90Ms: round2(percentile(samples, 90)),
        perJobUs: round2((med * 1000) / size),
        statementMedianMs: round2(median(sqlSamples)),
        loadAverage: round2(loadavg()[0]),
      });
      process.stderr.write(`pending-jobs: ${size} jobs, median ${round2(med)} ms\n`);
    }

    const largest = sizes.at(-1);
    const limitedSamples = await time(
      () => fetchJobs(server.base, token, org.id, LIMITED),
      (answer) => checkJobs(answer, LIMITED),
    );
    const limitedParams = [
      null,
      org.id,
      ['pending'],
      null,
      null,
      null,
      LIMITED,
      DAEMON_LIVENESS_SECONDS,
      DAEMON_KNOWN_SECONDS,
    ];
    const limitedSqlSamples = await time(() => db.query(JOB_VIEWS_SQL, limitedParams));
    const limited = {
      queue: largest.jobs,
      listed: LIMITED,
      medianMs: round2(median(limitedSamples)),
      p90Ms: round2(percentile(limitedSamples, 90)),
      statementMedianMs: round2(median(limitedSqlSamples)),
    };
    limited.ratio = round2(largest.medianMs / limited.medianMs);
    limited.statementRatio = round2(largest.statementMedianMs / limited.statementMedianMs);
    process.stderr.write(`pending-jobs: ${LIMITED} of ${largest.jobs} jobs, median ${limited.medianMs} ms\n`);

    hooked = await startServer(
      {
        CODER_API_RATE_LIMIT: '-1',
        CODER_LOG_LEVEL: undefined,
        CODER_PROVISIONER_DAEMONS: '0',
        ...licenseKey.env,
        CODER_PG_CONNECTION_URL: server.env.CODER_PG_CONNECTION_URL,
        NODE_OPTIONS:
          `${process.env.NODE_OPTIONS ?? ''} --import=${join(ROOT, 'scripts/bench/statement-log.mjs')}`.trim(),
        STATEMENT_LOG_FILE: logFile,
      },
      { database: 'given' },
    );
    const statements = await statementsOfOneRequest(hooked, token, org.id, ctx.jobs, logFile);
    const readingJobs = statements.filter((s) => /provisioner_jobs/.test(s));

    const result = {
      section: 'pending-jobs',
      at: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      requests: REQUESTS,
      warmup: WARMUP,
      sizes,
      ratio: round2(sizes.at(-1).medianMs / sizes[0].medianMs),
      ratioTarget: RATIO_TARGET,
      limited,
      statements: { total: statements.length, readingJobs: readingJobs.length, list: readingJobs },
      note:
        'The answer grows with the jobs listed (limit=0 lists every one of them: about 0.8 KB of JSON each), so the ' +
        'ratio includes parsing 100 times the rows and serialising and sending 100 times the bytes; the per-job time ' +
        'shows what each listed job costs. The statement reads the queue once and ranks it once per distinct daemon set ' +
        'of the listed jobs (not per pair of jobs): a page of 10 still reads the whole queue, but nothing per ' +
        'job it does not list. A CPU profile at 1,000 jobs puts the rest in ' +
        "JSON.stringify (Express's res.json), garbage collection and pg's row parsing.",
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'pending-jobs.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'pending-jobs.md'), markdown(result));
    process.stdout.write(markdown(result));
  } finally {
    await db?.end();
    await hooked?.stop();
    await server?.stop();
    await licenseKey.cleanup?.();
    rmSync(logDir, { recursive: true, force: true });
  }
}
