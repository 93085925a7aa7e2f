import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { isoTime, NOT_FOUND, signedOut } from '../helpers/expectations.js';
import { createImportJob, waitForCompletion } from '../helpers/jobs.js';
import { countQueries } from '../helpers/query-counter.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';

const PSK = 'list-test-psk-abcdefghijklmnop';
const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };

/** GET /organizations/{organization}/provisionerdaemons */
describe('provisioner daemon list', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let otherOrg: string;
  const list = (org: string, token?: string) => {
    const req = t.http.get(`/api/v2/organizations/${org}/provisionerdaemons`);
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
    const res = await list(owner.orgId, member.token).expect(200);
    expect(res.body).toHaveLength(2);
    for (const daemon of res.body) {
      expect(daemon).toEqual({
        id: expect.any(String),
        created_at: isoTime(),
        updated_at: { time: expect.any(String), valid: expect.any(Boolean) },
        name: expect.stringMatching(/^built-in-/),
        provisioners: ['echo'],
        tags: { scope: 'organization' },
        last_seen_at: isoTime(),
        version: expect.stringMatching(/^v/),
        organization_id: null,
        status: 'idle',
      });
    }
    expect((await list(otherOrg, owner.token).expect(200)).body.map((d: { id: string }) => d.id).sort()).toEqual(
      res.body.map((d: { id: string }) => d.id).sort(),
    );
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
      const body = (await list(owner.orgId, member.token).expect(200)).body as Record<string, unknown>[];
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
      });
      expect(body[1]).toMatchObject({ tags: { scope: 'organization', pool: 'a' }, version: '' });
      const other = (await list(otherOrg, owner.token).expect(200)).body as Record<string, unknown>[];
      expect(other.map((d) => d.name)).toContain('elsewhere');
      expect(other.map((d) => d.name)).not.toContain('first');
      // The `default` alias names the default organization.
      expect((await list('default', member.token).expect(200)).body).toEqual(body);
    } finally {
      await Promise.all([first.close(), second.close(), elsewhere.close()]);
    }
  });

  it('shows busy while a daemon runs a job, offline after it disconnects, and reuses the row on reconnect', async () => {
    const tagged = { scope: 'organization', pool: 'busy-test' };
    const daemon: TestDaemon = await connectDaemon(
      t.baseUrl,
      servePath(owner.orgId, 'provisioner=echo&name=worker&tag=pool=busy-test'),
      psk,
    );
    const id = (await daemon.hello).daemon.id;
    const { jobId } = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: tagged,
    });
    const acquired = await daemon.request({ type: 'acquire_job', wait: true });
    expect(acquired).toMatchObject({ type: 'job', job: { job_id: jobId } });
    const statusOf = async () =>
      ((await list(owner.orgId, owner.token).expect(200)).body as { id: string; status: string }[]).find(
        (d) => d.id === id,
      )?.status;
    expect(await statusOf()).toBe('busy');
    await daemon.request({ type: 'complete_job', job_id: jobId, resources: [] });
    expect(await statusOf()).toBe('idle');
    await daemon.close();
    await waitFor(async () => (await statusOf()) === 'offline');
    const again = await connectDaemon(
      t.baseUrl,
      servePath(owner.orgId, 'provisioner=echo&name=worker&tag=pool=busy-test'),
      psk,
    );
    expect((await again.hello).daemon.id).toBe(id);
    const row = ((await list(owner.orgId, owner.token).expect(200)).body as Record<string, unknown>[]).find(
      (d) => d.id === id,
    );
    expect(row).toMatchObject({ status: 'idle', updated_at: { time: isoTime(), valid: true } });
    await again.close();
    expect((await waitForCompletion(t, jobId)).error).toBeNull();
  });

  it('hides daemons not seen for an hour', async () => {
    const daemon = await connectDaemon(t.baseUrl, servePath(owner.orgId, 'provisioner=echo&name=ancient'), psk);
    const id = (await daemon.hello).daemon.id;
    await daemon.close();
    await waitFor(
      async () =>
        (await db.query('SELECT 1 FROM provisioner_daemons WHERE id = $1 AND disconnected_at IS NOT NULL', [id]))
          .rowCount === 1,
    );
    await db.query(`UPDATE provisioner_daemons SET last_seen_at = now() - interval '61 minutes' WHERE id = $1`, [id]);
    const ids = ((await list(owner.orgId, owner.token).expect(200)).body as { id: string }[]).map((d) => d.id);
    expect(ids).not.toContain(id);
  });

  it('costs a fixed number of statements however many daemons there are', async () => {
    const reads = async () => {
      const { result, queries } = await countQueries(t, () => list(owner.orgId, owner.token).expect(200));
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
  });

  it('400 for a malformed organization, 404 for an unknown or invisible one', async () => {
    await list('nope', owner.token).expect(400, {
      message: 'Invalid UUID "organization".',
      detail: 'invalid UUID format: "nope"',
    });
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
