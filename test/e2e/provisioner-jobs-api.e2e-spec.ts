import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { connectDaemon, servePath, type TestDaemon } from '../helpers/daemon-client.js';
import { isoTime, NOT_FOUND } from '../helpers/expectations.js';
import { createImportJob, waitForCompletion } from '../helpers/jobs.js';
import type { Json } from '../helpers/json.js';
import { addLicense } from '../helpers/licenses.js';
import { countQueries } from '../helpers/query-counter.js';
import { createWorkspace, echoTemplate, waitForBuild } from '../helpers/templates.js';
import { addMember, auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

const PSK = 'jobs-api-test-psk-0123456789abcdef';
const psk = { 'Coder-Provisioner-Daemon-PSK': PSK };
const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

const jobsPath = (org: string, query = '') => `/api/v2/organizations/${org}/provisionerjobs${query ? `?${query}` : ''}`;

describe('GET /organizations/{organization}/provisionerjobs: routes, filters, visibility', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  const list = async (session: Session, org: string, query = '', status = 200) =>
    (await t.http.get(jobsPath(org, query)).set(auth(session.token)).expect(status)).body;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMONS: '1' } }));
    member = await createUser(t, owner);
  });
  afterAll(() => closeWorld(t, db));

  it("lists the organization's jobs newest first in Coder's shape", async () => {
    const pool = unique('p');
    const first = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool },
    });
    const second = await createImportJob(t, {
      organizationId: owner.orgId,
      initiatorId: owner.userId,
      tags: { scope: 'organization', pool },
    });
    const body = await list(owner, owner.orgId, `tags=${encodeURIComponent(JSON.stringify({ pool }))}`);
    expect(body.map((j: Json) => j.id)).toEqual([second.jobId, first.jobId]);
    expect(body[1]).toEqual({
      id: first.jobId,
      created_at: isoTime(),
      status: 'pending',
      file_id: first.fileId,
      tags: { scope: 'organization', pool },
      queue_position: 1,
      queue_size: expect.any(Number),
      organization_id: owner.orgId,
      initiator_id: owner.userId,
      input: { template_version_id: first.versionId },
      type: 'template_version_import',
      metadata: {
        template_version_name: `v-${first.versionId.slice(0, 8)}`,
        template_id: '00000000-0000-0000-0000-000000000000',
        template_name: '',
        template_display_name: '',
        template_icon: '',
      },
      logs_overflowed: false,
      matched_provisioners: { count: 0, available: 0, most_recently_seen: null },
      pending_reason: {
        code: 'no_daemon_with_tags',
        message: `No provisioner daemon serving this organization has the tags ${JSON.stringify(body[1].tags)}.`,
        tags: { scope: 'organization', pool },
      },
    });
    const one = (
      await t.http
        .get(jobsPath(owner.orgId, '') + `/${first.jobId}`)
        .set(auth(owner.token))
        .expect(200)
    ).body;
    expect(one).toEqual(body[1]);
  });

  it('shows a finished workspace build with worker, metadata and no queue', async () => {
    const template = await echoTemplate(t, owner, owner.orgId);
    const ws = await createWorkspace(t, owner, owner.orgId, template.id as string);
    const build = await waitForBuild(t, owner, ws.latest_build.id as string);
    expect(build.matched_provisioners).toEqual({ count: 0, available: 0, most_recently_seen: null });
    const job = await list(owner, owner.orgId, '', 200).then((b: Json[]) => b.find((j) => j.id === build.job.id));
    const { rows } = await db.query('SELECT name FROM provisioner_daemons WHERE id = $1', [job.worker_id]);
    expect(job).toMatchObject({
      status: 'succeeded',
      type: 'workspace_build',
      worker_id: UUID,
      worker_name: rows[0].name,
      queue_position: 0,
      queue_size: 0,
      input: { workspace_build_id: build.id },
      metadata: {
        template_id: template.id,
        template_name: template.name,
        template_display_name: template.display_name,
        template_icon: template.icon,
        template_version_name: build.template_version_name,
        workspace_id: ws.id,
        workspace_name: ws.name,
        workspace_build_transition: 'start',
      },
    });
    expect(job.matched_provisioners).toBeUndefined();
    expect(job.pending_reason).toBeUndefined();
    expect(job.available_workers).toBeUndefined();
  });

  it('filters by status (CSV or repeated), ids, tags and initiator; limit defaults to 50, 0 = all', async () => {
    const org = await createOrg(t, owner);
    const pool = unique('f');
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        await createImportJob(t, {
          organizationId: org,
          initiatorId: owner.userId,
          tags: { scope: 'organization', pool },
        }),
      );
    }
    await db.query('UPDATE provisioner_jobs SET canceled_at = now(), completed_at = now() WHERE id = $1', [
      made[0].jobId,
    ]);
    const ids = (b: Json[]) => b.map((j) => j.id);
    expect(ids(await list(owner, org, 'status=canceled'))).toEqual([made[0].jobId]);
    expect(ids(await list(owner, org, 'status=pending'))).toEqual([made[2].jobId, made[1].jobId]);
    expect(ids(await list(owner, org, 'status=pending,canceled'))).toHaveLength(3);
    expect(ids(await list(owner, org, 'status=canceled&status=pending'))).toHaveLength(3);
    expect(ids(await list(owner, org, 'status=running'))).toEqual([]);
    expect(ids(await list(owner, org, `ids=${made[0].jobId},${made[2].jobId}`))).toEqual([
      made[2].jobId,
      made[0].jobId,
    ]);
    expect(ids(await list(owner, org, `tags=${encodeURIComponent(JSON.stringify({ pool: 'other' }))}`))).toEqual([]);
    expect(ids(await list(owner, org, `initiator=${owner.userId}&limit=1`))).toEqual([made[2].jobId]);
    expect(ids(await list(owner, org, `initiator=${member.userId}`))).toEqual([]);

    // 50 more, by SQL: the default page is 50, limit=0 answers all 53.
    await db.query(
      `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner, type, input, file_id, tags)
       SELECT gen_random_uuid(), now() - interval '1 hour', now(), organization_id, initiator_id, provisioner, type, '{}', file_id, tags
         FROM provisioner_jobs, generate_series(1, 50) WHERE id = $1`,
      [made[1].jobId],
    );
    expect(await list(owner, org)).toHaveLength(50);
    expect(await list(owner, org, 'limit=0')).toHaveLength(53);
    expect(await list(owner, org, 'limit=')).toHaveLength(50);
  });

  it("answers Coder's 400s for bad query parameters and job ids, 404 elsewhere", async () => {
    const cases: [string, string][] = [
      ['status=bogus', 'status'],
      ['limit=-1', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['ids=nope', 'ids'],
      ['tags=nope', 'tags'],
      ['tags=[1]', 'tags'],
      [`tags=${encodeURIComponent('{"a":1}')}`, 'tags'],
      ['initiator=me', 'initiator'],
    ];
    for (const [query, field] of cases) {
      const body = await list(owner, owner.orgId, query, 400);
      expect({ query, body }).toEqual({
        query,
        body: { message: 'Invalid query parameters.', validations: [{ field, detail: expect.any(String) }] },
      });
    }
    expect(
      (
        await t.http
          .get(jobsPath(owner.orgId) + '/nope')
          .set(auth(owner.token))
          .expect(400)
      ).body,
    ).toMatchObject({ message: 'Invalid UUID "nope".' });
    const other = await createOrg(t, owner);
    const elsewhere = await createImportJob(t, { organizationId: other, initiatorId: owner.userId });
    const notFound = NOT_FOUND;
    expect(
      (
        await t.http
          .get(`${jobsPath(owner.orgId)}/${elsewhere.jobId}`)
          .set(auth(owner.token))
          .expect(404)
      ).body,
    ).toEqual(notFound);
    expect(
      (
        await t.http
          .get(`${jobsPath(owner.orgId)}/${randomUUID()}`)
          .set(auth(owner.token))
          .expect(404)
      ).body,
    ).toEqual(notFound);
    // A non-member of the organization: 404 for the list and the job.
    await list(member, other, '', 404);
    await t.http
      .get(`${jobsPath(other)}/${elsewhere.jobId}`)
      .set(auth(member.token))
      .expect(404);
  });

  it('members see only the jobs they started or that build their workspaces; managers see all', async () => {
    const org = await createOrg(t, owner);
    const alice = await createUser(t, owner);
    const bob = await createUser(t, owner);
    const orgAdmin = await createUser(t, owner);
    const templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    for (const u of [alice, bob]) await addMember(t, owner, org, u.userId);
    await addMember(t, owner, org, orgAdmin.userId, ['organization-admin']);
    const pool = { scope: 'organization', pool: unique('v') };
    const mine = await createImportJob(t, { organizationId: org, initiatorId: alice.userId, tags: pool });
    const template = await echoTemplate(t, owner, org);
    // The owner builds a workspace for alice: alice did not start the job, but owns the workspace.
    const ws = await createWorkspace(t, owner, org, template.id as string, alice.userId);
    const buildJob = ws.latest_build.job.id as string;
    const others = await createImportJob(t, { organizationId: org, initiatorId: bob.userId, tags: pool });

    const ids = async (s: Session, query = 'limit=0') => (await list(s, org, query)).map((j: Json) => j.id).sort();
    expect(await ids(alice)).toEqual([mine.jobId, buildJob].sort());
    expect(await ids(bob)).toEqual([others.jobId]);
    const all = await ids(owner);
    expect(all).toEqual(expect.arrayContaining([mine.jobId, buildJob, others.jobId]));
    expect(await ids(orgAdmin)).toEqual(all);
    expect(await ids(templateAdmin)).toEqual(all);
    // The page counts only visible jobs: bob's newer job does not take alice's single place.
    expect((await list(alice, org, 'limit=1')).map((j: Json) => j.id)).toEqual([buildJob]);
    await t.http
      .get(`${jobsPath(org)}/${others.jobId}`)
      .set(auth(alice.token))
      .expect(404);
    await t.http
      .get(`${jobsPath(org)}/${buildJob}`)
      .set(auth(alice.token))
      .expect(200);
    await t.http
      .get(`${jobsPath(org)}/${mine.jobId}`)
      .set(auth(orgAdmin.token))
      .expect(200);
    await waitForCompletion(t, buildJob);
  });

  it('runs one statement for the list, whatever its size', async () => {
    const org = await createOrg(t, owner);
    const tags = { scope: 'organization', pool: unique('s') };
    const first = await createImportJob(t, { organizationId: org, initiatorId: owner.userId, tags });
    const path = jobsPath(org, 'status=pending&limit=0');
    await t.http.get(path).set(auth(owner.token)).expect(200);
    const small = await countQueries(t, () => t.http.get(path).set(auth(owner.token)).expect(200));
    await db.query(
      `INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner, type, input, file_id, tags)
       SELECT gen_random_uuid(), now(), now(), organization_id, initiator_id, provisioner, type, input, file_id, tags
         FROM provisioner_jobs, generate_series(1, 40) WHERE id = $1`,
      [first.jobId],
    );
    const large = await countQueries(t, () => t.http.get(path).set(auth(owner.token)).expect(200));
    expect(small.result.body).toHaveLength(1);
    expect(large.result.body).toHaveLength(41);
    expect(large.queries.length).toBe(small.queries.length);
    expect(large.queries.filter((q) => q.includes('provisioner_jobs'))).toHaveLength(1);
  });
});

describe('queue positions and pending reasons', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  const daemons: TestDaemon[] = [];

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '0' },
    }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.close()));
    await closeWorld(t, db);
  });

  const connect = async (org: string, query: string) => {
    const d = await connectDaemon(t.baseUrl, servePath(org, query), psk);
    daemons.push(d);
    return { d, id: (await d.hello).daemon.id };
  };
  const job = (org: string, tags: Record<string, string>) =>
    createImportJob(t, { organizationId: org, initiatorId: owner.userId, tags: { scope: 'organization', ...tags } });
  const view = async (org: string, jobId: string) =>
    (
      await t.http
        .get(`${jobsPath(org)}/${jobId}`)
        .set(auth(owner.token))
        .expect(200)
    ).body;
  const place = async (org: string, jobId: string) => {
    const v = await view(org, jobId);
    return [v.queue_position, v.queue_size];
  };

  it('ranks a pending job among the pending jobs the daemons able to run it could take', async () => {
    const a = unique('a');
    const b = unique('b');
    const A = await connect(owner.orgId, `provisioner=echo&name=A&tag=pool=${a}`);
    await connect(owner.orgId, `provisioner=echo&name=B&tag=pool=${b}`);
    const C = await connect(owner.orgId, `provisioner=echo&name=C&tag=pool=${a}&tag=gpu=yes`);
    const j1 = await job(owner.orgId, { pool: a });
    const j2 = await job(owner.orgId, { pool: b });
    const j3 = await job(owner.orgId, { pool: a });
    const j4 = await job(owner.orgId, { pool: b });
    const j5 = await job(owner.orgId, { pool: a, gpu: 'yes' });
    // Another organization's job with the same tags: A and C serve only their organization.
    const other = await createOrg(t, owner);
    const j6 = await job(other, { pool: a });
    // No daemon at all: ranked among every pending echo job, as before.
    const j7 = await job(owner.orgId, { pool: unique('none') });

    expect(await place(owner.orgId, j1.jobId)).toEqual([1, 3]); // A or C: j1, j3, j5
    expect(await place(owner.orgId, j2.jobId)).toEqual([1, 2]); // B: j2, j4
    expect(await place(owner.orgId, j3.jobId)).toEqual([2, 3]);
    expect(await place(owner.orgId, j4.jobId)).toEqual([2, 2]);
    expect(await place(owner.orgId, j5.jobId)).toEqual([3, 3]); // C: j1, j3, j5
    expect(await place(other, j6.jobId)).toEqual([6, 7]);
    expect(await place(owner.orgId, j7.jobId)).toEqual([7, 7]);
    const listed = await t.http.get(jobsPath(owner.orgId, 'status=pending&limit=0')).set(auth(owner.token)).expect(200);
    const byId = new Map(listed.body.map((j: Json) => [j.id, [j.queue_position, j.queue_size]]));
    expect(byId.get(j5.jobId)).toEqual([3, 3]);
    expect(byId.get(j2.jobId)).toEqual([1, 2]);
    const v1 = await view(owner.orgId, j1.jobId);
    expect(v1.available_workers).toEqual([A.id, C.id]);
    expect(v1.matched_provisioners).toEqual({ count: 2, available: 2, most_recently_seen: isoTime() });
    expect(v1.pending_reason).toBeUndefined();

    // Acquisition follows the same queue: C takes j1 (the oldest it can), then j3 is first for A and C.
    expect(await C.d.request({ type: 'acquire_job' })).toMatchObject({ job: { job_id: j1.jobId } });
    expect(await place(owner.orgId, j3.jobId)).toEqual([1, 2]);
    expect(await place(owner.orgId, j5.jobId)).toEqual([2, 2]);
    expect(await A.d.request({ type: 'acquire_job' })).toMatchObject({ job: { job_id: j3.jobId } });
    // Both A and C are busy now: j5 waits for C.
    expect((await view(owner.orgId, j5.jobId)).pending_reason).toEqual({
      code: 'daemons_busy',
      message: 'The one connected provisioner daemon able to run this job is busy; it is number 1 of 1 in their queue.',
      queue_position: 1,
      queue_size: 1,
    });
    for (const [d, id] of [
      [C.d, j1.jobId],
      [A.d, j3.jobId],
    ] as const) {
      await d.request({ type: 'complete_job', job_id: id, resources: [] });
    }
  });

  it('says why a job waits: no daemon has its tags, none offers its provisioner, all offline, all busy', async () => {
    const noTags = await job(owner.orgId, { pool: unique('missing') });
    expect((await view(owner.orgId, noTags.jobId)).pending_reason).toMatchObject({
      code: 'no_daemon_with_tags',
      tags: { pool: expect.any(String), scope: 'organization' },
    });

    const tf = unique('tf');
    await connect(owner.orgId, `provisioner=terraform&name=tf&tag=pool=${tf}`);
    const wrongProvisioner = await job(owner.orgId, { pool: tf });
    expect((await view(owner.orgId, wrongProvisioner.jobId)).pending_reason).toEqual({
      code: 'provisioner_not_served',
      message: `Provisioner daemons with the tags ${JSON.stringify({ pool: tf, scope: 'organization' })} serve this organization, but none offers the "echo" provisioner.`,
      tags: { pool: tf, scope: 'organization' },
      provisioner: 'echo',
    });

    const off = unique('off');
    const gone = await connect(owner.orgId, `provisioner=echo&name=gone-daemon&tag=pool=${off}`);
    await gone.d.close();
    for (let i = 0; i < 200; i++) {
      const { rows } = await db.query('SELECT disconnected_at FROM provisioner_daemons WHERE id = $1', [gone.id]);
      if (rows[0].disconnected_at) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const offline = await job(owner.orgId, { pool: off });
    const v = await view(owner.orgId, offline.jobId);
    expect(v.pending_reason).toEqual({
      code: 'daemons_offline',
      message: 'Every provisioner daemon able to run this job is offline (gone-daemon).',
      daemons: [{ name: 'gone-daemon', last_seen_at: isoTime() }],
    });
    expect(v.matched_provisioners).toEqual({ count: 0, available: 0, most_recently_seen: isoTime() });
    expect(v.available_workers).toBeUndefined();

    const busy = unique('busy');
    const worker = await connect(owner.orgId, `provisioner=echo&name=worker&tag=pool=${busy}`);
    const running = await job(owner.orgId, { pool: busy });
    expect(await worker.d.request({ type: 'acquire_job' })).toMatchObject({ job: { job_id: running.jobId } });
    const waiting = await job(owner.orgId, { pool: busy });
    const w = await view(owner.orgId, waiting.jobId);
    expect(w.pending_reason).toMatchObject({ code: 'daemons_busy', queue_position: 1, queue_size: 1 });
    expect(w.matched_provisioners).toEqual({ count: 1, available: 0, most_recently_seen: isoTime() });
    expect(w.available_workers).toEqual([worker.id]);
    // The same object on the version the job imports.
    const version = await t.http
      .get(`/api/v2/templateversions/${waiting.versionId}`)
      .set(auth(owner.token))
      .expect(200);
    expect(version.body.job.pending_reason).toEqual(w.pending_reason);
    expect(version.body.matched_provisioners).toEqual(w.matched_provisioners);
    await worker.d.request({ type: 'complete_job', job_id: running.jobId, resources: [] });
  });
});
