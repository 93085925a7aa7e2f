// The fuzz run shared by `npm run fuzz` (a spawned server) and the CI pass (an in-process app):
// reads the server's OpenAPI document, builds the fixtures, sends `perOp` generated requests per
// operation as each caller, checks every answer, and returns the report.
import { createFixtures } from './fixtures.mjs';
import { generateRequest } from './generate.mjs';
import { createClient } from './http.mjs';
import { checkAnswer, excerpt, SLOW_MS, statusClass } from './invariants.mjs';
import { listOperations } from './openapi.mjs';
import { Rng, hashSeed } from './prng.mjs';
import { hasHandWrittenBody } from './valid.mjs';

// The pieces the unit tests (test/fuzz) check, from the one module that has type declarations.
export { generateRequest } from './generate.mjs';
export { checkAnswer, excerpt, SLOW_MS } from './invariants.mjs';
export { BAD_CRONS, BAD_JWTS, BAD_SCIM_FILTERS, DEEP_EXTREME, DEEP_SHALLOW, HUGE, NIL_UUID } from './mutations.mjs';
export { listOperations } from './openapi.mjs';
export { Rng, hashSeed } from './prng.mjs';

/** Every invariant the report counts (the entry points add the process-level ones). */
export const INVARIANTS = [
  'no-5xx',
  'error-envelope',
  'scim-error-body',
  'under-2s',
  'connection-reset',
  'no-answer-timeout',
  'no-unhandled-rejection',
  'server-alive',
  'memory-near-idle',
  'fixtures',
  'fuzzer-error',
];

const API_CALLERS = [
  ['owner', 5],
  ['member', 3],
  ['anonymous', 2],
];
const SCIM_CALLERS = [
  ['scim-key', 6],
  ['scim-wrong-key', 1.5],
  ['anonymous', 1],
  ['owner', 1],
  ['member', 0.5],
];

function callerHeaders(name, fx) {
  switch (name) {
    case 'owner':
      return { 'Coder-Session-Token': fx.owner.token };
    case 'member':
      return { 'Coder-Session-Token': fx.member.token };
    case 'scim-key':
      return { Authorization: `Bearer ${fx.scimKey}` };
    case 'scim-wrong-key':
      return { Authorization: 'Bearer wrong-scim-key-0000000000' };
    default:
      return {};
  }
}

/**
 * Requests presenting no right credential where the server counts failed attempts per client
 * address (the SCIM key, the provisioner PSK, malformed session tokens) come from rotating
 * loopback addresses (all of 127/8 reaches the server on Linux): past the limit every answer would
 * be a 429 after a one-second tarpit, which would hide the code behind the 401 and stall the run.
 */
function sourceAddress(op, caller, counter) {
  const failing =
    caller === 'malformed-credential' ||
    (op.scim && caller !== 'scim-key') ||
    /provisionerdaemons\/serve/.test(op.path);
  if (!failing) return undefined;
  const n = counter.next++ % 250;
  return `127.0.0.${2 + n}`;
}

const decode = (segment) => {
  try {
    return decodeURIComponent(segment ?? '').toLowerCase();
  } catch {
    return String(segment).toLowerCase();
  }
};

/**
 * Requests left unsent because they would take the fixture owner away for good (nothing could
 * restore it): the owner changing its own password (every session is revoked and the password is
 * no longer known), and SCIM writes to the owner's user (SCIM may suspend any user, owners too).
 * Everything else that deletes, suspends, demotes or signs out a fixture is sent, then healed.
 */
export function skipReason(op, req, caller, fx) {
  const ownerIds = new Set([fx.owner.id, fx.owner.username, 'me'].map((v) => v.toLowerCase()));
  if (
    op.method === 'PUT' &&
    op.path === '/api/v2/users/{user}/password' &&
    caller === 'owner' &&
    ownerIds.has(decode(req.pathValues.user))
  ) {
    return 'owner changing its own password';
  }
  if (
    op.scim &&
    /\/Users\/\{id\}$/.test(op.path) &&
    op.method !== 'GET' &&
    caller === 'scim-key' &&
    decode(req.pathValues.id) === fx.owner.id.toLowerCase()
  ) {
    return 'SCIM write to the owner';
  }
  return undefined;
}

/** The fixtures a successful (or failed-with-5xx) write to this operation may have changed. */
export function healsFor(op) {
  const t = op.path;
  const names = new Set();
  const add = (...n) => n.forEach((x) => names.add(x));
  // Only these reach the callers' users, sessions and roles (and every operation starts by
  // checking the callers anyway).
  if (/\{user\}|\/users|\/members|\/scim\/v2\/Users/.test(t)) add('owner', 'member', 'target', 'apiKey');
  if (/\/members/.test(t)) add('memberships', 'memberOrgRoles');
  if (/groups|\{group/.test(t)) add('group', 'spareGroup');
  if (/templates|\{template/.test(t)) add('template', 'spareTemplate', 'freeVersion');
  if (/templateversions/.test(t)) add('freeVersion');
  if (/workspace(s|builds)?\b|\{workspace/.test(t)) add('workspace');
  if (/workspaceproxies/.test(t)) add('proxy', 'spareProxy');
  if (/licenses/.test(t)) add('licenses');
  if (/\/keys/.test(t)) add('apiKey');
  if (/scim\/v2\/Users/.test(t)) add('scimUser', 'spareScimUser');
  if (/scim\/v2\/Groups/.test(t)) add('scimGroup', 'spareScimGroup');
  return [...names];
}

export function newReport({ seed, perOp, callers }) {
  return {
    seed,
    perOp,
    callers,
    operations: 0,
    sent: 0,
    skipped: {},
    classes: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, 'no answer': 0 },
    counts: Object.fromEntries(INVARIANTS.map((n) => [n, 0])),
    /** One example per (invariant, operation, mutation), with how often it happened. */
    violations: new Map(),
    mutations: {},
    /** Time spent waiting for answers, per mutation, and restoring fixtures (ms). */
    msByMutation: {},
    healMs: 0,
    /** Generated requests per operation key. */
    perOperation: {},
    healed: {},
    schemaOnlyBodies: [],
    slowestOps: [],
    /** Answers over SLOW_MS that were sent again (what happened both times). */
    slowOnce: [],
    startedAt: Date.now(),
    finishedAt: 0,
  };
}

/** Records a violation; `v`: { invariant, method?, template?, mutation?, site?, caller?, status?, detail, excerpt? }. */
export function addViolation(report, v) {
  report.counts[v.invariant] = (report.counts[v.invariant] ?? 0) + 1;
  const key = [v.invariant, v.method, v.template, v.mutation, v.site].join('|');
  const seen = report.violations.get(key);
  if (seen) seen.times += 1;
  else report.violations.set(key, { ...v, times: 1 });
}

export const violationCount = (report) => Object.values(report.counts).reduce((a, b) => a + b, 0);

/**
 * @param options {
 *   baseUrl, seed, perOp, callers: 'all' | 'rotate', concurrency, issueLicense, scimKey, psk,
 *   only?: (op) => boolean, log?: (line) => void, onProgress?: (report) => void
 * }
 */
export async function runFuzz(options) {
  const { baseUrl, seed, perOp, callers = 'all', concurrency = 1, log = () => {} } = options;
  const client = createClient(baseUrl, { timeoutMs: 10_000, maxSockets: concurrency + 2 });
  const report = newReport({ seed, perOp, callers });
  try {
    const docRes = await client.json('GET', '/swagger/doc.json');
    if (docRes.status !== 200) throw new Error(`GET /swagger/doc.json answered ${docRes.status}`);
    const doc = docRes.body;
    const ops = listOperations(doc).filter(options.only ?? (() => true));
    report.operations = ops.length;
    report.schemaOnlyBodies = ops.filter((op) => op.body && !hasHandWrittenBody(op)).map((op) => op.key);
    log(`fuzz: ${ops.length} operations from /swagger/doc.json; building fixtures`);
    const fx = await createFixtures(client, {
      issueLicense: options.issueLicense,
      scimKey: options.scimKey,
      psk: options.psk,
    }).catch((err) => {
      throw new Error(excerpt(err.message, [options.scimKey, options.psk], 500));
    });
    const secrets = () => fx.secrets();

    const heal = async (names) => {
      const started = Date.now();
      try {
        for (const name of await fx.heal(names)) report.healed[name] = (report.healed[name] ?? 0) + 1;
        return true;
      } catch (err) {
        addViolation(report, { invariant: 'fixtures', detail: excerpt(err.message, secrets()) });
        return false;
      } finally {
        report.healMs += Date.now() - started;
      }
    };

    const addresses = { next: 0 };
    /** Whether the callers' sessions or roles may have changed since they were last checked. */
    let callersSuspect = false;
    const fuzzOperation = async (op) => {
      const rng = new Rng(hashSeed(seed, op.key));
      const started = Date.now();
      if (callersSuspect) {
        callersSuspect = false;
        if (!(await heal(['owner', 'member']))) return false;
      }
      const callerTable = op.scim ? SCIM_CALLERS : API_CALLERS;
      for (let i = 0; i < perOp; i++) {
        const req = generateRequest(doc, op, fx, rng);
        report.mutations[req.mutation] = (report.mutations[req.mutation] ?? 0) + 1;
        report.perOperation[op.key] = (report.perOperation[op.key] ?? 0) + 1;
        const names = req.replacesCaller
          ? ['malformed-credential']
          : callers === 'all'
            ? callerTable.map(([n]) => n)
            : [rng.weighted(callerTable)];
        for (const caller of names) {
          const reason = skipReason(op, req, caller, fx);
          if (reason) {
            report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
            continue;
          }
          await fx.settled();
          const headers = req.replacesCaller ? req.headers : { ...req.headers, ...callerHeaders(caller, fx) };
          const sending = {
            method: req.method,
            path: req.path,
            headers,
            body: req.body,
            localAddress: sourceAddress(op, caller, addresses),
          };
          let res = await client.send(sending);
          report.sent += 1;
          // A slow answer that changed nothing (a refusal, or a read) is sent once more: the
          // invariant is about inputs the server is slow to answer, and on a shared 2-core CI
          // machine a single answer can stall behind other work (the same 50,000-item body is
          // answered in ~55 ms alone). Slow twice, it is a violation; slow once, it is reported.
          if (
            res.ms > SLOW_MS &&
            !res.error &&
            ((res.status >= 400 && res.status < 500) || req.method === 'GET' || req.method === 'HEAD')
          ) {
            const again = await client.send(sending);
            report.sent += 1;
            report.slowOnce.push(
              `${op.method} ${op.path} ${req.mutation}: ${Math.round(res.ms)} ms, then ${Math.round(again.ms)} ms`,
            );
            if (again.ms <= SLOW_MS && again.status === res.status) res = { ...res, ms: again.ms };
          }
          report.msByMutation[req.mutation] = (report.msByMutation[req.mutation] ?? 0) + res.ms;
          report.classes[statusClass(res.status)] = (report.classes[statusClass(res.status)] ?? 0) + 1;
          for (const v of checkAnswer(req.path, res)) {
            addViolation(report, {
              ...v,
              method: op.method,
              template: op.path,
              mutation: req.mutation,
              site: req.site,
              caller,
              status: res.status,
              ms: Math.round(res.ms),
              excerpt: excerpt(res.text, secrets()),
            });
          }
          // A caller refused as signed out: its session was revoked by an earlier request.
          if (res.status === 401 && (caller === 'owner' || caller === 'member')) callersSuspect = true;
          const changed =
            op.method !== 'GET' && ((res.status >= 200 && res.status < 300) || res.status >= 500 || res.error);
          if (changed && !(await heal(healsFor(op)))) return false;
        }
        options.onProgress?.(report);
      }
      report.slowestOps.push([op.key, Date.now() - started]);
      return true;
    };

    let next = 0;
    let aborted = false;
    const lane = async () => {
      while (!aborted && next < ops.length) {
        const op = ops[next++];
        if (!(await fuzzOperation(op))) aborted = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    report.slowestOps.sort((a, b) => b[1] - a[1]).splice(5);
    return report;
  } finally {
    report.finishedAt = Date.now();
    client.close();
  }
}

/** The printed summary: totals per status class, per invariant, then each distinct violation. */
export function formatReport(report) {
  const lines = [];
  const seconds = ((report.finishedAt - report.startedAt) / 1000).toFixed(1);
  const skipped = Object.values(report.skipped).reduce((a, b) => a + b, 0);
  lines.push(
    `fuzz: seed ${report.seed}, ${report.operations} operations × ${report.perOp} requests (callers: ${report.callers}) → ${report.sent} sent, ${skipped} skipped, in ${seconds} s`,
  );
  lines.push(
    `status classes: ${Object.entries(report.classes)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ')}`,
  );
  lines.push(
    `invariant violations: ${Object.entries(report.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ')}`,
  );
  if (skipped)
    lines.push(
      `skipped (would lose the fixture owner): ${Object.entries(report.skipped)
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')}`,
    );
  if (report.slowOnce.length) lines.push(`slow answers sent again: ${report.slowOnce.join('; ')}`);
  const healed = Object.entries(report.healed);
  if (healed.length)
    lines.push(`fixtures restored after a request changed them: ${healed.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (report.schemaOnlyBodies.length)
    lines.push(`operations with a body derived from the schema only: ${report.schemaOnlyBodies.join(', ')}`);
  const costly = Object.entries(report.msByMutation)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  lines.push(
    `time: ${(report.healMs / 1000).toFixed(1)} s restoring fixtures; slowest mutations (total) ${costly.map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`,
  );
  lines.push(`slowest operations: ${report.slowestOps.map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
  const list = [...report.violations.values()];
  if (list.length) {
    lines.push(`violations (${list.length} distinct):`);
    for (const v of list.sort(
      (a, b) => a.invariant.localeCompare(b.invariant) || String(a.template).localeCompare(String(b.template)),
    )) {
      const where = v.method ? `${v.method} ${v.template} ${v.site} ${v.mutation} (${v.caller})` : '';
      const answer =
        v.status !== undefined ? ` → ${v.status || 'no answer'}${v.ms !== undefined ? ` in ${v.ms} ms` : ''}` : '';
      lines.push(`  [${v.invariant}] ${where}${answer} ×${v.times}: ${v.detail}${v.excerpt ? ` | ${v.excerpt}` : ''}`);
    }
  }
  return lines.join('\n');
}
