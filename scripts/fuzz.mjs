#!/usr/bin/env node
// `npm run fuzz -- [--seed N] [--per-op N] [--callers all|rotate] [--concurrency N] [--only REGEX]`
//
// Sends malformed requests to every operation of the server's own OpenAPI document and checks the
// invariants (no 5xx, the error envelope or a SCIM error, under 2 s, no reset, no unhandled
// rejection, the process stays up, RSS back near idle). Starts the built server on a free loopback
// port over a throwaway PostgreSQL database (FUZZ_DATABASE_URL's server, default the local one; or
// the embedded database with --embedded), stops by itself, prints totals, exits 1 on any violation.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { addViolation, excerpt, formatReport, runFuzz, violationCount } from './fuzz/run.mjs';
import { throwawayDatabase } from './lib/throwaway-database.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RSS_HEADROOM_MB = 100;

function parseArgs(argv) {
  const args = { seed: undefined, perOp: 200, callers: 'all', concurrency: 1, only: undefined, embedded: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--seed') args.seed = Number(value());
    else if (a === '--per-op') args.perOp = Number(value());
    else if (a === '--callers') args.callers = value();
    else if (a === '--concurrency') args.concurrency = Number(value());
    else if (a === '--only') args.only = new RegExp(value());
    else if (a === '--embedded') args.embedded = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw new Error('--seed must be an integer');
  if (!Number.isInteger(args.perOp) || args.perOp < 1) throw new Error('--per-op must be a positive integer');
  if (!['all', 'rotate'].includes(args.callers)) throw new Error('--callers must be all or rotate');
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 16)
    throw new Error('--concurrency must be 1..16');
  return args;
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(
    'npm run fuzz -- [--seed N] [--per-op 200] [--callers all|rotate] [--concurrency 1] [--only REGEX] [--embedded]\n' +
      '  --seed         the PRNG seed (default: random, printed)\n' +
      '  --per-op       generated requests per operation (default 200); each is sent as every caller with --callers all\n' +
      '  --callers      all: owner, member, anonymous (and SCIM key, wrong key on SCIM routes); rotate: one of them per request\n' +
      '  --concurrency  operations fuzzed at once (default 1: a slow answer is then the fault of the request it answers)\n' +
      '  --only         only operations whose "METHOD /path" matches\n' +
      '  --embedded     run the server on the embedded database instead of FUZZ_DATABASE_URL / 127.0.0.1:5432\n',
  );
  process.exit(0);
}
const seed = args.seed ?? randomBytes(4).readUInt32BE(0) % 1_000_000_000;

const build = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const { newSigningKey, signLicense } = await import('../dist/src/core/licensing/license-issuer.js');

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

const workDir = mkdtempSync(join(tmpdir(), 'coder-fuzz-'));
const signingKey = await newSigningKey('fuzz');
writeFileSync(join(workDir, 'keys.json'), JSON.stringify({ keys: [signingKey.publicJwk] }));
const scimKey = randomBytes(24).toString('hex');
const psk = randomBytes(24).toString('hex');
const env = {
  ...process.env,
  CODER_HTTP_ADDRESS: `127.0.0.1:${port}`,
  // Rate limits would answer 429 before the code under test runs.
  CODER_API_RATE_LIMIT: '-1',
  CODER_LOG_LEVEL: 'warn',
  CODER_LICENSE_KEYS_FILE: join(workDir, 'keys.json'),
  CODER_SCIM_AUTH_HEADER: scimKey,
  CODER_PROVISIONER_DAEMON_PSK: psk,
};

const dropDatabase = await throwawayDatabase(env, {
  embedded: args.embedded,
  adminUrl: process.env.FUZZ_DATABASE_URL,
  prefix: 'coder_fuzz',
});

// The server's own log: its unhandled-rejection handler writes "unhandled promise rejection";
// "unhandled error" lines are the exception filter's 500s, already counted as no-5xx.
const gcHook = pathToFileURL(join(root, 'scripts', 'fuzz', 'gc-hook.mjs')).href;
const server = spawn(process.execPath, ['--expose-gc', '--import', gcHook, join(root, 'dist', 'src', 'main.js')], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const serverPid = server.pid;
const unhandled = [];
let exited;
server.once('exit', (code, signal) => (exited = { code, signal }));
for (const stream of [server.stdout, server.stderr]) {
  let pending = '';
  stream.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (/unhandled|uncaught/i.test(line) && !/"msg":"unhandled (SCIM )?error"/.test(line)) unhandled.push(line);
    }
  });
}

/** RSS after a full collection (see gc-hook.mjs) and a pause. */
const settledRssMb = async () => {
  for (let i = 0; i < 2; i++) {
    if (!exited) server.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 1000));
  }
  return rssMb();
};

const rssMb = () => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

const base = `http://127.0.0.1:${port}`;
let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (!exited) {
    server.kill('SIGTERM');
    await new Promise((r) => (exited ? r() : server.once('exit', r)));
  }
  await dropDatabase().catch((err) => process.stderr.write(`could not drop the fuzz database: ${err.message}\n`));
  rmSync(workDir, { recursive: true, force: true });
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

let code = 1;
try {
  const readyBy = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`the server exited during start (${JSON.stringify(exited)})`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > readyBy) throw new Error('the server did not answer /healthz within 90 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const idleRss = await settledRssMb();
  console.log(
    `fuzz: seed ${seed} (repeat with: npm run fuzz -- --seed ${seed} --per-op ${args.perOp} --callers ${args.callers}); server pid ${serverPid}, idle RSS ${idleRss?.toFixed(0)} MB`,
  );

  let lastPrint = Date.now();
  const report = await runFuzz({
    baseUrl: base,
    seed,
    perOp: args.perOp,
    callers: args.callers,
    concurrency: args.concurrency,
    issueLicense: () => signLicense(signingKey, { allFeatures: true }),
    scimKey,
    psk,
    only: args.only ? (op) => args.only.test(op.key) : undefined,
    log: (line) => console.log(line),
    onProgress: (r) => {
      if (Date.now() - lastPrint < 10_000) return;
      lastPrint = Date.now();
      console.log(
        `  … ${r.sent} sent, ${Object.values(r.counts).reduce((a, b) => a + b, 0)} violations so far, server RSS ${rssMb()?.toFixed(0)} MB`,
      );
    },
  });

  // Process-level invariants: still the same process, answering, no unhandled rejection, memory
  // back near idle (both RSS readings are taken after a full collection).
  if (exited)
    addViolation(report, { invariant: 'server-alive', detail: `the server exited (${JSON.stringify(exited)})` });
  else {
    const health = await fetch(`${base}/healthz`)
      .then((r) => r.status)
      .catch((err) => err.message);
    if (health !== 200)
      addViolation(report, { invariant: 'server-alive', detail: `GET /healthz after the run: ${health}` });
  }
  for (const line of unhandled)
    addViolation(report, { invariant: 'no-unhandled-rejection', detail: excerpt(line, [scimKey, psk], 300) });
  await new Promise((r) => setTimeout(r, 2000));
  const finalRss = await settledRssMb();
  if (idleRss !== undefined && finalRss !== undefined && finalRss > idleRss + RSS_HEADROOM_MB) {
    addViolation(report, {
      invariant: 'memory-near-idle',
      detail: `RSS ${finalRss.toFixed(0)} MB after the run, idle was ${idleRss.toFixed(0)} MB (allowed +${RSS_HEADROOM_MB} MB)`,
    });
  }
  console.log(formatReport(report));
  console.log(`server RSS: idle ${idleRss?.toFixed(0)} MB, after the run ${finalRss?.toFixed(0)} MB`);
  const total = violationCount(report);
  console.log(total === 0 ? 'fuzz: no invariant violated' : `fuzz: ${total} invariant violations (seed ${seed})`);
  code = total === 0 ? 0 : 1;
} catch (err) {
  process.stderr.write(`fuzz: ${excerpt(err.message, [scimKey, psk], 1000)}\n`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
