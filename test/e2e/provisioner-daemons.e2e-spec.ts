import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { DaemonPurgeService } from '../../src/core/provisioning/daemon-purge.service.js';
import { BUILT_IN_KEY_ID, PSK_KEY_ID } from '../../src/core/provisioning/provisioner-key-ids.js';
import { closeWorld, openWorld, startTestApp, type TestApp } from '../helpers/app.js';
import { connect, createTestDatabase } from '../helpers/database.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { isoTime, NOT_FOUND, signedOut } from '../helpers/expectations.js';
import { createImportJob, waitForCompletion } from '../helpers/jobs.js';
import { createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { countQueries } from '../helpers/query-counter.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const PSK = 'list-test-psk-abcdefghijklmnop';
const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };
const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Coder's built-in daemon names: `<hostname>-<i>`. */
const BUILTIN_NAME = new RegExp(`^${escapeRe(hostname().slice(0, 60))}-\\d+$`);

/** GET /organizations/{organization}/provisionerdaemons */
describe('provisioner daemon list', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let otherOrg: string;
  const list = (org: string, token?: string, query = '') => {
    const req = t.http.get(`/api/v2/organizations/${org}/provisionerdaemons${query}`);
    return token ? req.set(auth(token)) : req;
  };

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '2' },
    }));
    member = await createUser(t, owner);
    otherOrg = await createOrg(t, owner);
  });
  afterAll(() => closeWorld(t, db));

  it('401 without a session, 403 without the entitlement', async () => {
    await list(owner.orgId).expect(401);
    await list(owner.orgId, owner.token).expect(403, {
      message: 'External Provisioner Daemons is an Enterprise feature. Contact sales!',
    });
    await addLicense(t, owner, ['external_provisioner_daemons']);
    await list(owner.orgId).expect(401, signedOut('Cookie "coder_session_token" or query parameter must be provided.'));
  });

  it("lists the built-in daemons for every organization, in Coder's shape plus the later fields", async () => {
    const res = await list(owner.orgId, owner.token).expect(200);
    expect(res.body).toHaveLength(2);
    for (const daemon of res.body) {
      expect(daemon).toEqual({
        id: expect.any(String),
        created_at: isoTime(),
        updated_at: { time: expect.any(String), valid: expect.any(Boolean) },
        name: expect.stringMatching(BUILTIN_NAME),
        provisioners: ['echo'],
        tags: { scope: 'organization' },
        last_seen_at: isoTime(),
        version: expect.stringMatching(/^v/),
        organization_id: owner.orgId,
        status: 'idle',
        key_id: BUILT_IN_KEY_ID,
        key_name: 'built-in',
        api_version: '1.0',
        current_job: null,
        previous_job: null,
      });
    }
    expect((await list(otherOrg, owner.token).expect(200)).body.map((d: { id: string }) => d.id).sort()).toEqual(
      res.body.map((d: { id: string }) => d.id).sort(),
    );
  });

  it("404 for those who may not read the organization's jobs (Coder: owner, org admin, org template admin)", async () => {
    await list(owner.orgId, member.token).expect(404, NOT_FOUND);
    const templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    expect((await list(owner.orgId, templateAdmin.token).expect(200)).body).toHaveLength(2);
  });

  it("adds an organization's external daemons (newest first) but not another organization's", async () => {
    const first = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&name=first&tag=pool=a'), psk);
    const second = await connectDaemon(
      t.baseUrl,
      servePath(owner.orgId, 'provisioner=echo&provisioner=terraform&name=second&version=v9.9.9'),
      psk,
    );
    const elsewhere = await connectDaemon(t.baseUrl, servePath(otherOrg, 'provisioner=echo&name=elsewhere'), psk);
    try {
      const body = (await list(owner.orgId, owner.token).expect(200)).body as Record<string, unknown>[];
      expect(body.map((d) => d.name).slice(0, 2)).toEqual(['second', 'first']);
      expect(body).toHaveLength(4);
      expect(body[0]).toMatchObject({
        id: (await second.hello).daemon.id,
        updated_at: { time: '0001-01-01T00:00:00Z', valid: false },
        provisioners: ['echo', 'terraform'],
        tags: { scope: 'organization' },
        version: 'v9.9.9',
        organization_id: owner.orgId,
        status: 'idle',
        key_id: PSK_KEY_ID,
        key_name: 'psk',
        api_version: '1.0',
        current_job: null,
        previous_job: null,
      });
      expect(body[1]).toMatchObject({ tags: { scope: 'organization', pool: 'a' }, version: '' });
      const other = (await list(otherOrg, owner.token).expect(200)).body as Record<string, unknown>[];
      expect(other.map((d) => d.name)).toContain('elsewhere');
      expect(other.map((d) => d.name)).not.toContain('first');
      // The `default` alias names the default organization.
      expect((await list('default', owner.token).expect(200)).body).toEqual(body);
    } finally {
      await Promise.all([first.close(), second.close(), elsewhere.close()]);
    }
  });

  it('shows busy with its current job, offline after it disconnects, the previous job, and reuses the row', async () => {
    const tagged = { scope: 'organization', pool: 'busy-test' };
    const daemon: TestDaemon = await connectDaemon(
      t.baseUrl,
      servePath(owner.orgId, 'provisioner=echo&name=worker&tag=pool=busy-test'),
      psk,
    );
    const id = (await daemon.hello).daemon.id;
    const { jobId, versionId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: tagged,
    });
    // The version belongs to a template: the job objects name it.
    const templateId = randomUUID();
    await db.query(
      `INSERT INTO templates (id, created_at, updated_at, organization_id, name, display_name, icon, provisioner, active_version_id, created_by)
       VALUES ($1, now(), now(), $2, 'busy-tpl', 'Busy Template', '/icon/busy.svg', 'echo', $3, $4)`,
      [templateId, owner.orgId, versionId, owner.userId],
    );
    await db.query('UPDATE template_versions SET template_id = $1 WHERE id = $2', [templateId, versionId]);
    const acquired = await daemon.request({ type: 'acquire_job', wait: true });
    expect(acquired).toMatchObject({ type: 'job', job: { job_id: jobId } });
    const rowOf = async () =>
      ((await list(owner.orgId, owner.token, '?offline=true').expect(200)).body as Record<string, unknown>[]).find(
        (d) => d.id === id,
      );
    const job = { template_name: 'busy-tpl', template_display_name: 'Busy Template', template_icon: '/icon/busy.svg' };
    expect(await rowOf()).toMatchObject({
      status: 'busy',
      current_job: { id: jobId, status: 'running', ...job },
      previous_job: null,
    });
    // Another organization's list never shows it (nor its job).
    const other = (await list(otherOrg, owner.token, '?offline=true').expect(200)).body as { id: string }[];
    expect(other.map((d) => d.id)).not.toContain(id);
    await daemon.request({ type: 'complete_job', job_id: jobId, resources: [] });
    expect(await rowOf()).toMatchObject({
      status: 'idle',
      current_job: null,
      previous_job: { id: jobId, status: 'succeeded', ...job },
    });
    await daemon.close();
    await waitFor(async () => (await rowOf())?.status === 'offline');
    // Offline daemons are left out by default (Coder).
    const online = (await list(owner.orgId, owner.token).expect(200)).body as { id: string }[];
    expect(online.map((d) => d.id)).not.toContain(id);
    const again = await connectDaemon(
      t.baseUrl,
      servePath(owner.orgId, 'provisioner=echo&name=worker&tag=pool=busy-test'),
      psk,
    );
    expect((await again.hello).daemon.id).toBe(id);
    expect(await rowOf()).toMatchObject({
      status: 'idle',
      updated_at: { time: isoTime(), valid: true },
      previous_job: { id: jobId },
    });
    await again.close();
    expect((await waitForCompletion(t, jobId)).error).toBeNull();
  });

  it("names a workspace build's template through the build's version", async () => {
    const template = await echoTemplate(t, owner, owner.orgId);
    const workspace = await createWorkspace(t, owner, owner.orgId, template.id as string);
    const built = await waitForBuild(t, owner, (workspace.latest_build as { id: string }).id);
    expect(built.job).toMatchObject({ status: 'succeeded' });
    const body = (await list(owner.orgId, owner.token).expect(200)).body as Record<string, unknown>[];
    // The build was the last job any built-in daemon completed.
    expect(body.filter((d) => BUILTIN_NAME.test(d.name as string)).map((d) => d.previous_job)).toContainEqual({
      id: (built.job as { id: string }).id,
      status: 'succeeded',
      template_name: template.name,
      template_display_name: template.display_name,
      template_icon: template.icon,
    });
  });

  describe('filters (Coder: limit, ids, tags, status, offline, max_age)', () => {
    let org: string;
    const ids: Record<string, string> = {};
    /** The names listed, built-in daemons left out. */
    const names = async (query: string) =>
      ((await list(org, owner.token, query).expect(200)).body as { name: string }[])
        .map((d) => d.name)
        .filter((name) => !BUILTIN_NAME.test(name));

    beforeAll(async () => {
      org = await createOrg(t, owner);
      const rows: [string, string, string, string | null, Record<string, string>][] = [
        // name, created, last seen, disconnected, tags
        ['f-idle', '1 minute', '0 seconds', null, { scope: 'organization', pool: 'f' }],
        ['f-plain', '2 minutes', '0 seconds', null, { scope: 'organization' }],
        ['f-busy', '3 minutes', '0 seconds', null, { scope: 'organization', pool: 'f' }],
        ['f-user', '4 minutes', '0 seconds', null, { scope: 'user', owner: owner.userId, pool: 'f' }],
        ['f-stale', '5 minutes', '91 seconds', null, { scope: 'organization', pool: 'f' }],
        ['f-gone', '6 minutes', '10 seconds', '10 seconds', { scope: 'organization', pool: 'f' }],
        ['f-old', '7 minutes', '2 hours', null, { scope: 'organization', pool: 'f' }],
      ];
      for (const [name, created, seen, disconnected, tags] of rows) {
        ids[name] = randomUUID();
        await db.query(
          `INSERT INTO provisioner_daemons (id, created_at, last_seen_at, disconnected_at, name, provisioners, tags, organization_id, key_id)
           VALUES ($1, now() - $2::interval, now() - $3::interval, now() - $4::interval, $5, '{echo}', $6, $7, $8)`,
          [ids[name], created, seen, disconnected, name, JSON.stringify(tags), org, PSK_KEY_ID],
        );
      }
      // No daemon can take this job (pool=nobody): it stays assigned to f-busy.
      const { jobId } = await createImportJob(t, {
        organizationId: org,
        initiatorId: owner.userId,
        tags: { scope: 'organization', pool: 'nobody' },
      });
      await db.query('UPDATE provisioner_jobs SET worker_id = $1, started_at = now() WHERE id = $2', [
        ids['f-busy'],
        jobId,
      ]);
    });

    it('leaves offline daemons (disconnected, or not seen for 90 s) out unless asked, newest first', async () => {
      const online = ['f-idle', 'f-plain', 'f-busy', 'f-user'];
      const offline = ['f-stale', 'f-gone', 'f-old'];
      expect(await names('')).toEqual(online);
      expect(await names('?offline=false')).toEqual(online);
      expect(await names('?offline=true')).toEqual([...online, ...offline]);
      const body = (await list(org, owner.token, '?offline=true').expect(200)).body as Record<string, unknown>[];
      const statusOf = Object.fromEntries(body.map((d) => [d.name, d.status]));
      expect(statusOf).toMatchObject({
        'f-idle': 'idle',
        'f-busy': 'busy',
        'f-user': 'idle',
        'f-stale': 'offline',
        'f-gone': 'offline',
        'f-old': 'offline',
      });
      // Unknown parameters are ignored (as on our other list routes; Coder answers 400); empty values are absent.
      expect(await names('?colour=red&limit=&status=&tags=')).toEqual(online);
    });

    it('filters by status (CSV or repeated): offline ones come with status=offline or offline=true', async () => {
      expect(
        (await list(org, owner.token, '?status=offline').expect(200)).body.map((d: { name: string }) => d.name),
      ).toEqual(['f-stale', 'f-gone', 'f-old']);
      expect(
        (await list(org, owner.token, '?status=busy').expect(200)).body.map((d: { name: string }) => d.name),
      ).toEqual(['f-busy']);
      expect(await names('?status=idle,busy')).toEqual(['f-idle', 'f-plain', 'f-busy', 'f-user']);
      expect(await names('?status=idle&status=busy')).toEqual(['f-idle', 'f-plain', 'f-busy', 'f-user']);
      expect(await names('?status=idle')).toEqual(['f-idle', 'f-plain', 'f-user']);
      expect(await names('?status=idle&offline=true')).toEqual([
        'f-idle',
        'f-plain',
        'f-user',
        'f-stale',
        'f-gone',
        'f-old',
      ]);
    });

    it('filters by ids, tags (as a job would match them), max_age, and limits (default 50, 0 = all)', async () => {
      expect(await names(`?ids=${ids['f-idle']},${ids['f-stale']}`)).toEqual(['f-idle']);
      expect(await names(`?ids=${ids['f-idle']}&ids=${ids['f-stale']}&offline=true`)).toEqual(['f-idle', 'f-stale']);
      const tags = (value: object) => `?tags=${encodeURIComponent(JSON.stringify(value))}`;
      const raw = async (query: string) =>
        ((await list(org, owner.token, query).expect(200)).body as { name: string }[]).map((d) => d.name);
      expect(await raw(tags({ pool: 'f' }))).toEqual(['f-idle', 'f-busy', 'f-user']);
      expect(await raw(tags({ scope: 'user' }))).toEqual(['f-user']);
      // An untagged job's tags need exactly those tags: the built-in daemons and f-plain.
      const untagged = await raw(tags({ scope: 'organization', owner: '' }));
      expect(untagged.filter((n) => !BUILTIN_NAME.test(n))).toEqual(['f-plain']);
      expect(untagged.filter((n) => BUILTIN_NAME.test(n))).toHaveLength(2);
      expect(await names(tags({}))).toEqual(await names(''));
      expect(await raw(`${tags({ pool: 'f' })}&limit=2`)).toEqual(['f-idle', 'f-busy']);
      expect(await raw(`${tags({ pool: 'f' })}&limit=0&offline=true`)).toHaveLength(6);
      expect(await raw(`${tags({ pool: 'f' })}&offline=true&max_age=1h30m`)).toEqual([
        'f-idle',
        'f-busy',
        'f-user',
        'f-stale',
        'f-gone',
      ]);
      expect(await raw(`${tags({ pool: 'f' })}&offline=true&max_age=1m`)).toEqual([
        'f-idle',
        'f-busy',
        'f-user',
        'f-gone',
      ]);
    });

    it("400 `Invalid query parameters.` naming every bad value, in Coder's words", async () => {
      const res = await list(
        org,
        owner.token,
        `?limit=-1&ids=nope,${ids['f-idle']}&tags=%5B1%5D&offline=maybe&status=asleep,idle&max_age=forever`,
      ).expect(400);
      expect(res.body).toEqual({
        message: 'Invalid query parameters.',
        validations: [
          { field: 'limit', detail: 'Query param "limit" must be a valid 32-bit positive integer: value is negative' },
          { field: 'ids', detail: 'Query param "ids" has invalid values: invalid UUID "nope"' },
          { field: 'tags', detail: 'Query param "tags" must be a valid JSON object: cannot decode "[1]" as an object' },
          { field: 'offline', detail: 'Query param "offline" must be a valid boolean: invalid syntax: "maybe"' },
          {
            field: 'status',
            detail:
              'Query param "status" has invalid values: "asleep" is not a valid value (one of offline, idle, busy)',
          },
          {
            field: 'max_age',
            detail:
              "Query param \"max_age\" must be a valid duration (e.g., '24h', '30m', '1h30m'): " +
              'invalid duration "forever" (use Go syntax such as 24h, 90m, 1h30m)',
          },
        ],
      });
      const detailOf = async (query: string) =>
        ((await list(org, owner.token, query).expect(400)).body as { validations: { detail: string }[] }).validations[0]
          .detail;
      expect(await detailOf('?limit=abc')).toBe(
        'Query param "limit" must be a valid 32-bit positive integer: invalid syntax: "abc"',
      );
      expect(await detailOf('?limit=2147483648')).toBe(
        'Query param "limit" must be a valid 32-bit positive integer: invalid syntax: "2147483648"',
      );
      expect(await detailOf('?limit=1&limit=2')).toBe(
        'Query param "limit" provided more than once, found 2 times. Only provide 1 instance of this query param.',
      );
      expect(await detailOf(`?tags=${encodeURIComponent('{"a":1}')}`)).toBe(
        'Query param "tags" must be a valid JSON object: the value of "a" is not a string',
      );
      expect(await detailOf('?tags=notjson')).toMatch(/^Query param "tags" must be a valid JSON object: ./);
      // The access check comes first: a member learns nothing from a bad query.
      await list(org, member.token, '?limit=-1').expect(404, NOT_FOUND);
    });

    it('deletes daemons not seen for 7 days (Coder dbpurge), and only those', async () => {
      const [oldId, recentId] = [randomUUID(), randomUUID()];
      await db.query(
        `INSERT INTO provisioner_daemons (id, created_at, last_seen_at, name, provisioners, tags, organization_id, key_id)
         VALUES ($1, now() - interval '9 days', now() - interval '7 days 1 minute', 'purge-old', '{echo}', '{}', $3, $4),
                ($2, now() - interval '9 days', now() - interval '6 days 23 hours', 'purge-recent', '{echo}', '{}', $3, $4)`,
        [oldId, recentId, org, PSK_KEY_ID],
      );
      expect(await t.app.get(DaemonPurgeService).purge()).toBeGreaterThanOrEqual(1);
      const left = await db.query('SELECT name FROM provisioner_daemons WHERE id = ANY($1)', [[oldId, recentId]]);
      expect(left.rows).toEqual([{ name: 'purge-recent' }]);
      expect(await names('?offline=true')).toContain('f-old');
    });
  });

  it('costs a fixed number of statements however many daemons there are', async () => {
    const reads = async () => {
      const { result, queries } = await countQueries(t, () => list(owner.orgId, owner.token, '?limit=0').expect(200));
      // The built-in daemons' background heartbeats and acquire polls are UPDATEs; the list never writes.
      return {
        count: (result.body as unknown[]).length,
        statements: queries.filter((q) => !q.startsWith('UPDATE')).length,
      };
    };
    const before = await reads();
    await db.query(
      `INSERT INTO provisioner_daemons (id, created_at, last_seen_at, name, provisioners, tags, organization_id, key_id)
       SELECT gen_random_uuid(), now(), now(), 'bulk-' || i, '{echo}', '{"scope":"organization"}', $1, '00000000-0000-0000-0000-000000000002'
         FROM generate_series(1, 50) i`,
      [owner.orgId],
    );
    const after = await reads();
    expect(after.count).toBe(before.count + 50);
    expect(after.statements).toBe(before.statements);
    expect(after.statements).toBeLessThanOrEqual(4);
    // The default limit (50, as Coder).
    expect((await list(owner.orgId, owner.token).expect(200)).body).toHaveLength(50);
  });

  it('404 for an unknown or invisible organization, by id or by name', async () => {
    await list('nope', owner.token).expect(404, NOT_FOUND);
    await list('3fa85f64-5717-4562-b3fc-2c963f66afa6', owner.token).expect(404, NOT_FOUND);
    await list(otherOrg, member.token).expect(404, NOT_FOUND);
  });

  it('answers [] when no daemon serves the organization', async () => {
    await db.query('DELETE FROM provisioner_daemons WHERE organization_id IS NULL OR organization_id = $1', [otherOrg]);
    await list(otherOrg, owner.token).expect(200, []);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Built-in daemons keep their rows across restarts (Coder upserts `<hostname>-<i>`). */
describe('built-in daemon rows', () => {
  let databaseUrl: string;
  let db: pg.Client;
  const start = () => startTestApp({ databaseUrl, env: { CODER_PROVISIONER_DAEMONS: '2' } });
  const builtinRows = async () =>
    (
      await db.query<{ id: string; name: string; live: boolean }>(
        'SELECT id, name, disconnected_at IS NULL AS live FROM provisioner_daemons WHERE builtin ORDER BY name',
      )
    ).rows;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const first = await start();
    db = await connect(databaseUrl);
    await first.close();
  });
  afterAll(() => db.end());

  it('reuses the rows of a stopped server: restarts do not add rows', async () => {
    const before = await builtinRows();
    expect(before.map((r) => r.name)).toEqual([0, 1].map((i) => `${hostname().slice(0, 60)}-${i}`));
    expect(before.every((r) => !r.live)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const app = await start();
      const live = await builtinRows();
      expect(live.map((r) => r.id)).toEqual(before.map((r) => r.id));
      expect(live.every((r) => r.live)).toBe(true);
      await app.close();
    }
    expect(await builtinRows()).toEqual(before);
  });

  it('never shares a row between two live servers on one host; a dead one frees its rows after 90 s', async () => {
    const stopped = await builtinRows();
    const [a, b] = [await start(), await start()];
    try {
      const rows = await builtinRows();
      expect(rows).toHaveLength(4);
      expect(new Set(rows.map((r) => r.name)).size).toBe(4);
      expect(rows.every((r) => r.live)).toBe(true);
      expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(stopped.map((r) => r.id)));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    // Both died without marking their rows disconnected: -0 and -1 are silent for 91 s (free again),
    // -2 and -3 were seen 30 s ago (maybe still live: never shared).
    await db.query(
      `UPDATE provisioner_daemons SET disconnected_at = NULL, last_seen_at = now() - interval '30 seconds' WHERE builtin`,
    );
    await db.query(
      `UPDATE provisioner_daemons SET last_seen_at = now() - interval '91 seconds' WHERE builtin AND name ~ '-[01]$'`,
    );
    const c = await start();
    try {
      expect(await builtinRows()).toHaveLength(4);
      const taken = await db.query<{ name: string }>(
        `SELECT name FROM provisioner_daemons WHERE builtin AND last_seen_at > now() - interval '20 seconds' ORDER BY name`,
      );
      expect(taken.rows.map((r) => r.name)).toEqual([0, 1].map((i) => `${hostname().slice(0, 60)}-${i}`));
    } finally {
      await c.close();
    }
  });
});
