// Costs that stay flat as data grows (issue 15, item 3): each family on its own server and fresh
// PostgreSQL database, seeded in bulk through SQL (INSERT ... SELECT ... FROM generate_series; the
// API would spend minutes hashing passwords) and grown in place from the smallest size to the
// largest. After each size: VACUUM ANALYZE, a warm-up, then sequential requests, one at a time,
// timed from send to the last byte of the answer (median and p90). The growth is the median at the
// largest size ÷ the median at the smallest; the target is at most 1.5 (PASS/MISS, never a failure
// of the process). After the timing, EXPLAIN ANALYZE of the statement(s) that matter (written
// here as the repository sends them) names the indexes the plan uses. Writes
// bench/results/scale.{json,md}.
//   groups        GET /api/v2/organizations/{org}/groups?limit=10 at 10 / 100 / 1,000 groups × 50 members
//   groups-all    the same without limit (every group, as Coder): the answer grows, so no target (n/a)
//   users         GET /api/v2/users?q=<search term> status:active&limit=25 at 1k / 10k / 100k users
//   audit         GET /api/v2/audit?q=resource_type: action: username: date_from:&limit=25 at 10k / 100k / 1M rows
//   scim          GET /scim/v2/Users?filter=userName eq "…" at 1k / 10k / 100k users
//   provisioner   acquire_job over the daemon protocol (WebSocket, pre-shared key) with 10 / 1,000 / 10,000 queued jobs
//   entitlements  POST /api/v2/licenses (the entitlements are recomputed before it answers) at 1k / 10k / 100k users
//   BENCH_SCALE_FAMILIES (all) comma-separated subset, in the order above.
//   BENCH_SCALE_REQUESTS (50) timed requests per size, BENCH_SCALE_SECONDS (15) at most this long
//   timing one size (at least 10 requests either way); before them BENCH_SCALE_WARMUP (100) untimed
//   requests, at most 3 s of them (the server was just started: its code warms up too).
//   BENCH_SCALE_SIZES=small: each family's sizes ÷ 10 (÷ 100 for audit), for trying the bench out.
//   BENCH_SCALE_EXPLAIN (1): 0 skips the EXPLAIN ANALYZE after each size.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { SERVER_VERSION } from '../../dist/src/common/version.js';
import { GROUP_SUMMARIES_SQL } from '../../dist/src/core/groups/group-listing.repository.js';
import { MEMBERS_OF_GROUPS_SQL } from '../../dist/src/core/groups/groups.repository.js';
import { benchLicenseKey, JSON_HEADERS, signIn } from './fixtures.mjs';
import { startServer } from './server.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench/results');
/** Largest median ÷ smallest median allowed (issue 15 item 3). */
export const GROWTH_TARGET = 1.5;
const SCIM_KEY = 'bench-scale-scim-key';
const DAEMON_PSK = 'bench-scale-daemon-psk';
const PAGE = 25;

const small = process.env.BENCH_SCALE_SIZES === 'small';
const sizes = (full, divisor = 10) => (small ? full.map((n) => Math.max(1, Math.round(n / divisor))) : full);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const round2 = (x) => Math.round(x * 100) / 100;
const fmtSize = (n) => n.toLocaleString('en-US');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * The bench's users are user000001, user000002, ... (six digits, one in twenty suspended). The
 * search term is part of a name, as an admin types it: 00042 matches user000042 and
 * user000420..user000429 at every size from 430 users on (00004 at BENCH_SCALE_SIZES=small). A term
 * holding "user" would also read the trigrams every name of this population shares.
 */
const USER_SEARCH = small ? '00004' : '00042';
/** SCIM's lookup: a user present at the smallest size. */
const SCIM_USER = small ? 'user000050@example.com' : 'user000500@example.com';

/** Time per call of `fn` (ms): `warmup` untimed calls, then up to `count` timed ones within `seconds`. */
async function timeCalls(fn, { warmup, count, seconds, between }) {
  const warmupEnds = performance.now() + 3000;
  for (let i = 0; i < warmup && (i === 0 || performance.now() < warmupEnds); i++) {
    await fn();
    if (between) await between();
  }
  const samples = [];
  const deadline = performance.now() + seconds * 1000;
  while (samples.length < count && (samples.length < 10 || performance.now() < deadline)) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
    if (between) await between();
  }
  return samples;
}

/** An HTTP call the bench times: the answer must be 2xx and is read whole; `check` sees the parsed body. */
function httpCall(base, method, path, { headers = {}, body, check } = {}) {
  return async () => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { ...JSON_HEADERS, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    const parsed = text ? JSON.parse(text) : undefined;
    check?.(parsed);
    return parsed;
  };
}

/** Index names, scan kinds and the execution time of EXPLAIN (ANALYZE, FORMAT JSON) of `sql`. */
async function explain(client, { label, sql, params = [], transaction = false }) {
  if (transaction) await client.query('BEGIN');
  try {
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, params);
    const [top] = rows[0]['QUERY PLAN'];
    const indexes = new Set();
    const scans = new Set();
    const walk = (node) => {
      if (node['Index Name']) indexes.add(node['Index Name']);
      if (/Scan/.test(node['Node Type'])) scans.add(`${node['Node Type']} on ${node['Relation Name'] ?? '?'}`);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(top.Plan);
    return {
      label,
      executionMs: round2(top['Execution Time']),
      planningMs: round2(top['Planning Time']),
      indexes: [...indexes],
      scans: [...scans],
      sharedBuffers: (top.Plan['Shared Hit Blocks'] ?? 0) + (top.Plan['Shared Read Blocks'] ?? 0),
    };
  } finally {
    if (transaction) await client.query('ROLLBACK');
  }
}

/** VACUUM (ANALYZE) of the tables a family grew: fresh statistics and visibility maps, as in steady state. */
async function settle(client, tables) {
  for (const table of tables) await client.query(`VACUUM (ANALYZE) "${table}"`);
}

/**
 * `count` users user<from>..user<from+count-1>, members of `orgId`, one in twenty suspended; with
 * `scim`, provisioned through SCIM too (userName = email, as Okta sends it).
 */
async function insertUsers(client, orgId, from, count, { scim = false } = {}) {
  if (count <= 0) return;
  await client.query(
    `WITH u AS (
       INSERT INTO users (id, email, username, name, hashed_password, created_at, updated_at, status, rbac_roles,
                          login_type, last_seen_at)
       SELECT gen_random_uuid(), 'user' || lpad(i::text, 6, '0') || '@example.com', 'user' || lpad(i::text, 6, '0'),
              'User ' || i, NULL, now() - i * interval '1 minute', now() - i * interval '1 minute',
              CASE WHEN i % 20 = 0 THEN 'suspended' ELSE 'active' END, '{}', 'none', now() - i * interval '1 minute'
         FROM generate_series($2::int, $3::int) i
       RETURNING id, email, created_at),
     m AS (
       INSERT INTO organization_members (organization_id, user_id, created_at, updated_at)
       SELECT $1::uuid, id, created_at, created_at FROM u)
     ${
       scim
         ? `INSERT INTO scim_users (user_id, user_name, external_id, email_type, created_at, updated_at)
            SELECT id, email, 'ext-' || id, 'work', created_at, created_at FROM u`
         : 'SELECT 1'
     }`,
    [orgId, from, from + count - 1],
  );
}

/** The owner signed in, a license for `features`, and the default organization's id. */
async function ownerWithLicense(server, licenseKey, features) {
  const token = await signIn(server.base);
  if (features) await licenseKey.install(server.base, token, features);
  const session = { 'Coder-Session-Token': token };
  const [org] = await httpCall(server.base, 'GET', '/api/v2/users/me/organizations', { headers: session })();
  return { token, session, orgId: org.id };
}

/** Groups per page in the bounded groups family: the first page is full at every size (11 groups and up). */
const GROUP_PAGE = 10;
const GROUP_TABLES = ['groups', 'group_members', 'scim_groups', 'users', 'organization_members'];

/** The owner with template_rbac and 50 users in the default organization. */
async function setupGroups(ctx) {
  Object.assign(ctx, await ownerWithLicense(ctx.server, ctx.licenseKey, { template_rbac: 1 }));
  await insertUsers(ctx.db, ctx.orgId, 1, 50);
  ctx.groups = 0;
}

/** Groups up to `size`, each with the 50 users as members. */
async function growGroups(ctx, size) {
  await ctx.db.query(
    `WITH g AS (
       INSERT INTO groups (id, name, display_name, organization_id, avatar_url, quota_allowance, source)
       SELECT gen_random_uuid(), 'group-' || lpad(i::text, 5, '0'), '', $1::uuid, '', 0, 'user'
         FROM generate_series($2::int, $3::int) i
       RETURNING id)
     INSERT INTO group_members (group_id, user_id)
     SELECT g.id, u.id FROM g CROSS JOIN users u WHERE u.username LIKE 'user%'`,
    [ctx.orgId, ctx.groups + 1, size],
  );
  ctx.groups = size;
}

/**
 * The two statements of a group list, the repositories' own (an owner: every group in scope), for a
 * page of `limit` groups (null: all of them): the groups with their member counts, then the members
 * of the groups listed.
 */
async function groupStatements(ctx, limit) {
  const summaries = {
    label: 'groups with member counts',
    sql: GROUP_SUMMARIES_SQL,
    params: [ctx.orgId, null, [], true, [], [], 0, limit],
  };
  const listed = (await ctx.db.query(summaries.sql, summaries.params)).rows.map((r) => r.id);
  return [summaries, { label: 'members of the groups listed', sql: MEMBERS_OF_GROUPS_SQL, params: [listed] }];
}

// ---------------------------------------------------------------------------------------------
// The families. Each: sizes, the server env, setup (once, on the fresh server), grow (to a size),
// call (the timed request), explain (the statements that matter, as the repository sends them).

const FAMILIES = [
  {
    key: 'groups',
    title: `GET /api/v2/organizations/{org}/groups?limit=${GROUP_PAGE}`,
    unit: 'groups × 50 members',
    sizes: sizes([10, 100, 1000]),
    tables: GROUP_TABLES,
    statements:
      `GroupListingRepository.listGroupSummaries (the page: ${GROUP_PAGE} groups in the list's order, member counts ` +
      "counted after the limit) and GroupsRepository.membersOfGroups (the page's members: one row per member, with its groups)",
    setup: setupGroups,
    grow: growGroups,
    call(ctx, size) {
      // A full page at every full size (11 groups and up, Everyone included); fewer at BENCH_SCALE_SIZES=small.
      const expected = Math.min(GROUP_PAGE, size + 1);
      return httpCall(ctx.server.base, 'GET', `/api/v2/organizations/${ctx.orgId}/groups?limit=${GROUP_PAGE}`, {
        headers: ctx.session,
        check: (body) => {
          if (body.length !== expected) throw new Error(`groups: ${body.length} groups, expected ${expected}`);
        },
      });
    },
    explain: async (ctx) => groupStatements(ctx, GROUP_PAGE),
  },
  {
    key: 'groups-all',
    title: 'GET /api/v2/organizations/{org}/groups (every group, as Coder)',
    unit: 'groups × 50 members',
    sizes: sizes([10, 100, 1000]),
    tables: GROUP_TABLES,
    // The answer itself grows with the size (51 → 50,051 members): no target, reported for its cost per member.
    informational: true,
    statements: 'the same two statements without a limit',
    setup: setupGroups,
    grow: growGroups,
    call(ctx, size) {
      return httpCall(ctx.server.base, 'GET', `/api/v2/organizations/${ctx.orgId}/groups`, {
        headers: ctx.session,
        check: (body) => {
          // Everyone (the owner and the 50 users) and the groups of 50 members each.
          if (body.length !== size + 1) throw new Error(`groups: ${body.length} groups, expected ${size + 1}`);
        },
      });
    },
    /** Output grows with the size: also µs per member returned. */
    perItem: (size) => (size + 1) * 50,
    explain: async (ctx) => groupStatements(ctx, null),
  },
  {
    key: 'users',
    title: `GET /api/v2/users?q=${USER_SEARCH} status:active&limit=${PAGE}`,
    unit: 'users',
    sizes: sizes([1000, 10_000, 100_000]),
    tables: ['users', 'organization_members'],
    statements:
      'UsersRepository.listUsers: the count and the page of u.username/u.email ILIKE %term% AND status ' +
      '(both were a scan of every user)',
    async setup(ctx) {
      Object.assign(ctx, await ownerWithLicense(ctx.server, ctx.licenseKey));
      ctx.users = 0;
    },
    async grow(ctx, size) {
      await insertUsers(ctx.db, ctx.orgId, ctx.users + 1, size - ctx.users);
      ctx.users = size;
    },
    call(ctx) {
      const q = encodeURIComponent(`${USER_SEARCH} status:active`);
      return httpCall(ctx.server.base, 'GET', `/api/v2/users?q=${q}&limit=${PAGE}`, {
        headers: ctx.session,
        check: (body) => {
          // 10 active users match (user000420 is suspended), at every size.
          if (body.count !== 10 || body.users.length !== 10) throw new Error(`users: count ${body.count}, expected 10`);
        },
      });
    },
    explain: () => {
      const where = `u.deleted = false AND (u.username ILIKE $1 ESCAPE '\\' OR u.email ILIKE $1 ESCAPE '\\')
                     AND u.status = ANY($2)`;
      const params = [`%${USER_SEARCH}%`, ['active']];
      return [
        { label: 'count', sql: `SELECT COUNT(DISTINCT(u.id)) AS cnt FROM users u WHERE ${where}`, params },
        {
          label: 'page',
          sql: `SELECT u.* FROM users u WHERE ${where} ORDER BY lower(u.username) ASC, u.id ASC LIMIT ${PAGE}`,
          params,
        },
      ];
    },
  },
  {
    key: 'audit',
    title:
      'GET /api/v2/audit?q=resource_type:workspace action:create username:user000007 date_from:<yesterday>&limit=25',
    unit: 'audit rows',
    sizes: sizes([10_000, 100_000, 1_000_000], 100),
    tables: ['audit_logs'],
    statements:
      'countAuditLogs and listAuditLogs: resource_type, action, the actor by lower(username), time >= date_from',
    async setup(ctx) {
      Object.assign(ctx, await ownerWithLicense(ctx.server, ctx.licenseKey, { audit_log: 1 }));
      // 50 actors; every row is 30 s older than the one before it, so growing the log adds older
      // rows and the day the query asks for holds the same rows at every size.
      await insertUsers(ctx.db, ctx.orgId, 1, 50);
      const { rows } = await ctx.db.query(
        `SELECT array_agg(id ORDER BY username) AS ids, now() AS now FROM users WHERE username LIKE 'user%'`,
      );
      ctx.actors = rows[0].ids;
      ctx.newest = rows[0].now;
      const yesterday = new Date(ctx.newest.getTime() - 86_400_000);
      ctx.dateFrom = yesterday.toISOString().slice(0, 10);
      ctx.rows = 0;
    },
    async grow(ctx, size) {
      for (let from = ctx.rows + 1; from <= size; from += 250_000) {
        const to = Math.min(size, from + 250_000 - 1);
        await ctx.db.query(
          `INSERT INTO audit_logs (id, time, user_id, organization_id, ip, user_agent, resource_type, resource_id,
                                   resource_target, action, diff, status_code, additional_fields, request_id, resource_icon)
           SELECT gen_random_uuid(), $1::timestamptz - i * interval '30 seconds',
                  ($2::uuid[])[1 + abs(hashint4(i)) % 50], $3::uuid, '127.0.0.1', 'bench',
                  (ARRAY['workspace','workspace_build','template','template_version','user','group','api_key',
                         'organization_member'])[1 + abs(hashint4(i + 7919)) % 8],
                  gen_random_uuid(), 'target-' || i,
                  (ARRAY['create','write','delete','start'])[1 + abs(hashint4(i + 104729)) % 4],
                  '{"name": {"old": "a", "new": "b", "secret": false}}', 200, '{}', gen_random_uuid(), ''
             FROM generate_series($4::int, $5::int) i`,
          [ctx.newest, ctx.actors, ctx.orgId, from, to],
        );
      }
      ctx.rows = size;
      const { rows } = await ctx.db.query(
        `SELECT count(*)::int AS n FROM audit_logs a JOIN users u ON u.id = a.user_id
          WHERE a.resource_type = 'workspace' AND a.action = 'create' AND u.username = 'user000007'
            AND a.time >= $1::date`,
        [ctx.dateFrom],
      );
      ctx.expected = rows[0].n;
    },
    call(ctx) {
      const q = encodeURIComponent(
        `resource_type:workspace action:create username:user000007 date_from:${ctx.dateFrom}`,
      );
      return httpCall(ctx.server.base, 'GET', `/api/v2/audit?q=${q}&limit=${PAGE}`, {
        headers: ctx.session,
        check: (body) => {
          if (body.count !== ctx.expected) throw new Error(`audit: count ${body.count}, expected ${ctx.expected}`);
        },
      });
    },
    explain: (ctx) => {
      const where = `a.resource_type IN ('organization','organization_member','template','template_version','user',
                       'workspace','workspace_build','git_ssh_key','api_key','group','license','workspace_proxy')
                     AND a.resource_type = $1 AND a.action = $2 AND lower(u.username) = $3 AND a.time >= $4`;
      const params = ['workspace', 'create', 'user000007', new Date(`${ctx.dateFrom}T00:00:00Z`)];
      return [
        {
          label: 'count',
          sql: `SELECT COUNT(DISTINCT(a.id)) AS cnt FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id WHERE ${where}`,
          params,
        },
        {
          label: 'page',
          sql: `SELECT a.*, u.username, COALESCE(r.deleted, a.resource_type = 'user') AS resource_deleted
                  FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id
                  LEFT JOIN users r ON a.resource_type = 'user' AND r.id = a.resource_id
                 WHERE ${where} ORDER BY a.time DESC, a.id DESC LIMIT ${PAGE}`,
          params,
        },
      ];
    },
  },
  {
    key: 'scim',
    title: `GET /scim/v2/Users?filter=userName eq "${SCIM_USER}"`,
    unit: 'users',
    sizes: sizes([1000, 10_000, 100_000]),
    tables: ['users', 'organization_members', 'scim_users'],
    statements:
      'ScimUsersRepository.list: the page with count(*) OVER (), filtered on lower(COALESCE(s.user_name, u.username)) ' +
      'and on the candidates by userName (implied by the filter; was a scan of every exposed user)',
    env: { CODER_SCIM_AUTH_HEADER: SCIM_KEY },
    async setup(ctx) {
      Object.assign(ctx, await ownerWithLicense(ctx.server, ctx.licenseKey, { scim: 1 }));
      ctx.users = 0;
    },
    async grow(ctx, size) {
      await insertUsers(ctx.db, ctx.orgId, ctx.users + 1, size - ctx.users, { scim: true });
      ctx.users = size;
    },
    call(ctx) {
      const filter = encodeURIComponent(`userName eq "${SCIM_USER}"`);
      return httpCall(ctx.server.base, 'GET', `/scim/v2/Users?filter=${filter}`, {
        headers: { Authorization: `Bearer ${SCIM_KEY}` },
        check: (body) => {
          if (body.totalResults !== 1) throw new Error(`scim: ${body.totalResults} results, expected 1`);
        },
      });
    },
    explain: (ctx) => [
      {
        label: 'page and count',
        sql: `SELECT u.id, u.username, s.user_name, count(*) OVER ()::int AS total
                FROM users u
                JOIN organization_members om ON om.user_id = u.id AND om.organization_id = $1
                LEFT JOIN scim_users s ON s.user_id = u.id
               WHERE u.deleted = false AND s.deprovisioned_at IS NULL
                 AND COALESCE((lower((COALESCE(s.user_name, u.username))) = lower($2::text)), false)
                 AND u.id IN (SELECT c.user_id FROM scim_users c WHERE lower(c.user_name) = lower($2::text)
                              UNION ALL
                              SELECT c.id FROM users c WHERE lower(c.username) = lower($2::text) AND c.deleted = false)
               ORDER BY u.created_at, u.id OFFSET $3 LIMIT $4`,
        params: [ctx.orgId, SCIM_USER, 0, 100],
      },
    ],
  },
  {
    key: 'provisioner',
    title: 'acquire_job over the daemon protocol (WebSocket /provisionerdaemons/serve, pre-shared key)',
    unit: 'queued jobs',
    sizes: sizes([10, 1000, 10_000]),
    tables: ['provisioner_jobs'],
    statements:
      'JobsRepository.acquireJob: the oldest pending job the daemon may run, FOR UPDATE SKIP LOCKED LIMIT 1 ' +
      '(was a sort of the whole queue)',
    env: { CODER_PROVISIONER_DAEMONS: '0', CODER_PROVISIONER_DAEMON_PSK: DAEMON_PSK },
    async setup(ctx) {
      Object.assign(ctx, await ownerWithLicense(ctx.server, ctx.licenseKey, { external_provisioner_daemons: 1 }));
      const owner = (await ctx.db.query(`SELECT id FROM users WHERE username = 'bench'`)).rows[0].id;
      ctx.ownerId = owner;
      ctx.fileId = randomUUID();
      const echo = JSON.stringify({ resources: [{ name: 'dev', type: 'docker_container', daily_cost: 1 }] });
      await ctx.db.query(
        `INSERT INTO files (id, hash, created_at, created_by, mimetype, data) VALUES ($1, $2, now(), $3, 'application/json', $4)`,
        [ctx.fileId, 'bench-scale-echo', owner, Buffer.from(echo)],
      );
      ctx.base = new Date(Date.now() - 3_600_000);
      ctx.jobs = 0;
      ctx.daemon = await openDaemon(ctx.server.base);
    },
    async grow(ctx, size) {
      // Jobs queued one millisecond apart, oldest first: growing the queue appends newer jobs, so
      // the job at its head (the one acquired) is the same at every size.
      await ctx.db.query(
        `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner,
                                       storage_method, type, input, file_id, tags)
         SELECT gen_random_uuid(), $1::timestamptz + i * interval '1 millisecond', $1::timestamptz + i * interval '1 millisecond',
                $2::uuid, $3::uuid, 'echo', 'file', 'template_version_import',
                jsonb_build_object('template_version_id', gen_random_uuid()), $4::uuid, '{"scope": "organization"}'
           FROM generate_series($5::int, $6::int) i`,
        [ctx.base, ctx.orgId, ctx.ownerId, ctx.fileId, ctx.jobs + 1, size],
      );
      ctx.jobs = size;
    },
    call(ctx) {
      return async () => {
        const reply = await ctx.daemon.request({ type: 'acquire_job', wait: false });
        if (reply.type !== 'job' || !reply.job) throw new Error(`acquire_job: ${JSON.stringify(reply).slice(0, 200)}`);
        ctx.acquired = reply.job.job_id;
      };
    },
    /**
     * Untimed, after each acquisition: the job goes back to the queue, which keeps its size; and
     * at most 50 acquisitions a second (the server closes a daemon sending over 100 messages a second).
     */
    between: (ctx) => async () => {
      const started = performance.now();
      await ctx.db.query(
        `UPDATE provisioner_jobs SET started_at = NULL, worker_id = NULL, updated_at = created_at WHERE id = $1`,
        [ctx.acquired],
      );
      await sleep(Math.max(0, 20 - (performance.now() - started)));
    },
    explain: async (ctx) => {
      const daemon = (await ctx.db.query(`SELECT id, organization_id FROM provisioner_daemons WHERE builtin = false`))
        .rows[0];
      return [
        {
          label: 'pending job (FOR UPDATE SKIP LOCKED, rolled back)',
          transaction: true,
          sql: `SELECT id FROM provisioner_jobs
                 WHERE started_at IS NULL AND canceled_at IS NULL
                   AND provisioner = ANY($1::text[]) AND tags <@ $2::jsonb
                   AND ($3::uuid IS NULL OR organization_id = $3::uuid)
                 ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1`,
          params: [['echo'], JSON.stringify({ scope: 'organization' }), daemon.organization_id],
        },
      ];
    },
    async teardown(ctx) {
      ctx.daemon?.ws.close();
    },
  },
  {
    key: 'entitlements',
    title: 'POST /api/v2/licenses (recomputes the entitlements before answering; each one deleted again, untimed)',
    unit: 'users',
    sizes: sizes([1000, 10_000, 100_000]),
    tables: ['users', 'organization_members'],
    statements:
      'countActiveUsers: the one row of user_counts (kept by triggers on users; was count(*) of the active users)',
    async setup(ctx) {
      Object.assign(ctx, await ownerWithLicense(ctx.server, ctx.licenseKey, { user_limit: 1_000_000 }));
      ctx.license = await ctx.licenseKey.sign({ user_limit: 1_000_000, audit_log: 1 });
      ctx.users = 0;
    },
    async grow(ctx, size) {
      await insertUsers(ctx.db, ctx.orgId, ctx.users + 1, size - ctx.users);
      ctx.users = size;
    },
    call(ctx) {
      const post = httpCall(ctx.server.base, 'POST', '/api/v2/licenses', {
        headers: ctx.session,
        body: { license: ctx.license },
      });
      return async () => {
        ctx.added = (await post()).id;
      };
    },
    // The license goes again (that recomputes too, untimed), and the refresh every replica runs on
    // the pubsub announcement is let finish, so no timed request waits behind it.
    between: (ctx) => async () => {
      await httpCall(ctx.server.base, 'DELETE', `/api/v2/licenses/${ctx.added}`, { headers: ctx.session })();
      await sleep(50);
    },
    explain: () => [{ label: 'active users', sql: `SELECT active::int AS n FROM user_counts` }],
  },
];

/** A raw daemon-protocol client (as test/helpers/daemon-client.ts): requests matched by request_id. */
function openDaemon(base) {
  const url = `${base.replace(/^http/, 'ws')}/api/v2/organizations/default/provisionerdaemons/serve?provisioner=echo&version=${encodeURIComponent(SERVER_VERSION)}&name=bench-scale`;
  const ws = new WebSocket(url, { headers: { 'Coder-Provisioner-Daemon-PSK': DAEMON_PSK } });
  const waiting = new Map();
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`daemon upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('message', () => {
      // `hello`; from here on, answers by request_id.
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString());
        const waiter = waiting.get(message.request_id);
        if (waiter) {
          waiting.delete(message.request_id);
          waiter(message);
        }
      });
      let closed;
      ws.once('close', (code, reason) => {
        closed = new Error(`the server closed the daemon socket (${code} ${reason})`);
        for (const waiter of waiting.values()) waiter(closed);
        waiting.clear();
      });
      resolve({
        ws,
        request(message) {
          if (closed) return Promise.reject(closed);
          const requestId = randomUUID();
          return new Promise((answer, fail) => {
            waiting.set(requestId, (reply) => (reply instanceof Error ? fail(reply) : answer(reply)));
            ws.send(JSON.stringify({ ...message, request_id: requestId }));
          });
        },
      });
    });
  });
}

async function runFamily(family, options) {
  const licenseKey = await benchLicenseKey();
  const server = await startServer(
    { CODER_API_RATE_LIMIT: '-1', CODER_LOG_LEVEL: 'warn', ...licenseKey.env, ...(family.env ?? {}) },
    { database: 'external' },
  );
  const db = new pg.Client({ connectionString: server.env.CODER_PG_CONNECTION_URL });
  await db.connect();
  const ctx = { server, db, licenseKey };
  const results = [];
  try {
    await family.setup(ctx);
    for (const size of family.sizes) {
      const seedStarted = performance.now();
      await family.grow(ctx, size);
      await settle(db, family.tables);
      const seedSeconds = round2((performance.now() - seedStarted) / 1000);
      const call = family.call(ctx, size);
      const between = family.between?.(ctx);
      const samples = await timeCalls(call, { ...options, between });
      const plans = [];
      if (options.explain) for (const statement of await family.explain(ctx)) plans.push(await explain(db, statement));
      const result = {
        size,
        seedSeconds,
        requests: samples.length,
        medianMs: round2(median(samples)),
        p90Ms: round2(percentile(samples, 90)),
        minMs: round2(Math.min(...samples)),
        ...(family.perItem ? { usPerItem: round2((median(samples) * 1000) / family.perItem(size)) } : {}),
        plans,
      };
      results.push(result);
      console.log(
        `  ${family.key.padEnd(12)} ${fmtSize(size).padStart(9)} ${family.unit}: median ${result.medianMs} ms, p90 ${result.p90Ms} ms` +
          ` (${result.requests} requests; seeded in ${seedSeconds} s)` +
          (plans.length
            ? `; ${plans.map((p) => `${p.label} ${p.executionMs} ms [${p.indexes.join(', ') || p.scans.join(', ')}]`).join('; ')}`
            : ''),
      );
    }
    if (!server.alive()) throw new Error('the server exited during the run');
  } finally {
    await family.teardown?.(ctx);
    await db.end();
    await server.stop();
    licenseKey.cleanup();
  }
  const growth = round2(results.at(-1).medianMs / results[0].medianMs);
  return {
    key: family.key,
    title: family.title,
    unit: family.unit,
    statements: family.statements,
    sizes: results,
    growth,
    // A family whose answer grows with the size has no target (`informational`): pass is null.
    pass: family.informational ? null : growth <= GROWTH_TARGET,
  };
}

/** PASS or MISS against the growth target; `n/a` for a family without one (its answer grows). */
function verdict(f) {
  return f.pass === null ? 'n/a' : f.pass ? 'PASS' : 'MISS';
}

export function markdown(result) {
  const { config, families } = result;
  const lines = [
    '# Scaling: time per request as data grows',
    '',
    `${config.date}, ${config.cpus} × ${config.cpuModel}, Node ${config.node}, PostgreSQL. Each family on a fresh ` +
      `database grown in place; after each size VACUUM ANALYZE, up to ${config.warmup} warm-up requests (3 s), then up to ` +
      `${config.requests} sequential requests (at most ${config.seconds} s, at least 10): median (p90) ms per request. ` +
      `Growth = median at the largest size ÷ median at the smallest; target ≤ ${GROWTH_TARGET}. ` +
      'Produced by `npm run bench -- scale`.',
    '',
    '| family | sizes | ms/request: median (p90) at each size | growth | | the statements, and the indexes their plans use at the largest size |',
    '|---|---|---|---|---|---|',
  ];
  for (const f of families) {
    const largest = f.sizes.at(-1);
    const planNote = largest.plans
      .map(
        (p) =>
          `${p.label}: ${p.indexes.length ? p.indexes.map((i) => `\`${i}\``).join(', ') : p.scans.join(', ')} (${p.executionMs} ms)`,
      )
      .join('; ');
    lines.push(
      `| \`${f.title}\` | ${f.sizes.map((s) => fmtSize(s.size)).join(' / ')} ${f.unit} | ` +
        `${f.sizes.map((s) => `${s.medianMs} (${s.p90Ms})`).join(' / ')}` +
        `${f.sizes[0].usPerItem !== undefined ? `; µs per member returned: ${f.sizes.map((s) => s.usPerItem).join(' / ')}` : ''} | ` +
        `${f.growth.toFixed(2)} | ${verdict(f)} | ${f.statements}. ${planNote} |`,
    );
  }
  lines.push('');
  for (const f of families.filter((x) => x.note)) lines.push(`- **${f.key}**: ${f.note}`);
  return `${lines.join('\n')}\n`;
}

/** Why a family may miss for a reason no index fixes: printed under the table. */
const NOTES = {
  groups:
    `a page of ${GROUP_PAGE} groups (\`limit\`, ours: Coder's route has no page) holds the same 10 groups × 50 members ` +
    'at every size: the groups are sorted by name and limited before their member counts are counted, and only ' +
    "the listed groups' members are read.",
  'groups-all':
    'no target: the route without `limit` answers every group of the organization with all its members, as ' +
    "Coder's does, so the answer itself grows with the size (51 → 50,051 members) and no index makes it flat; what " +
    'stays flat is the cost per member returned.',
  users:
    `the term ${USER_SEARCH} matches the same 11 users (10 active) at every size; the trigram indexes find them, ` +
    'and the count and the page read only them. A term whose trigrams every name shares (here "user") reads ' +
    "those trigrams' posting lists, which grow with the table; a term that matches a share of all users makes " +
    'the exact count grow with it.',
  audit:
    'the log grows with older rows (one every 30 s), so date_from (yesterday) selects the same rows at every ' +
    'size and audit_logs_time_idx reads only them; without date_from the exact count reads every matching row.',
  provisioner:
    'measured over the daemon protocol: a daemon connected with the pre-shared key sends acquire_job ' +
    '(wait: false) and times the answer; the acquired job is put back in the queue (untimed) so its size stays.',
  entitlements:
    'GET /entitlements answers the snapshot from memory and POST /licenses/refresh-entitlements is refused ' +
    'within a minute of the last recompute, so the bench times POST /licenses, which recomputes the entitlements ' +
    '(licenses verified, active users counted) before it answers.',
};

export async function runScale() {
  const options = {
    count: Number(process.env.BENCH_SCALE_REQUESTS ?? 50),
    warmup: Number(process.env.BENCH_SCALE_WARMUP ?? 100),
    seconds: Number(process.env.BENCH_SCALE_SECONDS ?? 15),
    explain: process.env.BENCH_SCALE_EXPLAIN !== '0',
  };
  const wanted = (process.env.BENCH_SCALE_FAMILIES ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((k) => !FAMILIES.some((f) => f.key === k));
  if (unknown.length) throw new Error(`unknown BENCH_SCALE_FAMILIES ${unknown.join(', ')}`);
  const chosen = FAMILIES.filter((f) => wanted.length === 0 || wanted.includes(f.key));

  console.log('\n## scaling: time per request as data grows (one request at a time)');
  const started = performance.now();
  const families = [];
  for (const family of chosen) {
    const result = await runFamily(family, options);
    if (NOTES[family.key]) result.note = NOTES[family.key];
    families.push(result);
  }
  const result = {
    config: {
      date: new Date().toISOString(),
      node: process.versions.node,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      requests: options.count,
      warmup: options.warmup,
      seconds: options.seconds,
      sizes: small ? 'small' : 'full',
      totalSeconds: 0,
    },
    target: GROWTH_TARGET,
    families,
  };
  result.config.totalSeconds = Math.round((performance.now() - started) / 1000);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'scale.json'), `${JSON.stringify(result, null, 2)}\n`);
  const md = markdown(result);
  writeFileSync(join(RESULTS_DIR, 'scale.md'), md);
  console.log(`\n${md}`);
  for (const f of families) console.log(`${verdict(f)} ${f.key}: growth ${f.growth} (target ≤ ${GROWTH_TARGET})`);
  console.log(`scale: ${result.config.totalSeconds} s; written to bench/results/scale.{json,md}`);
}
