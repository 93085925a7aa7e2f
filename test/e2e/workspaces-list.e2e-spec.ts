import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { countQueries } from '../helpers/query-counter.js';
import {
  build,
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  echoTemplate,
  uploadEchoTemplate,
  waitForBuild,
} from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

describe('listing workspaces', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let alice: Session;
  let bob: Session;
  let templateAdmin: Session;
  let orgAdmin: Session;
  let outsider: Session;
  let otherOrg: string;
  let docker: JsonObject;
  let k8s: JsonObject;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    alice = await createUser(t, owner);
    bob = await createUser(t, owner);
    templateAdmin = await createUser(t, owner, { roles: ['template-admin'] });
    otherOrg = await createOrg(t, owner);
    orgAdmin = await createUser(t, owner, { orgId: otherOrg });
    await t.http
      .put(`/api/v2/organizations/${otherOrg}/members/${orgAdmin.userId}/roles`)
      .set(auth(owner.token))
      .send({ roles: ['organization-admin'] })
      .expect(200);
    outsider = await createUser(t, owner, { orgId: await createOrg(t, owner) });
    docker = await echoTemplate(t, owner, owner.orgId);
    k8s = await echoTemplate(t, owner, owner.orgId);
    const elsewhere = await echoTemplate(t, owner, otherOrg);

    const make = async (key: string, who: Session, templateId: string, name: string, org = owner.orgId) => {
      const ws = await createWorkspace(t, who, org, templateId, 'me', { name });
      await waitForBuild(t, who, ws.latest_build.id);
      ids[key] = ws.id;
    };
    await make('aliceDev', alice, docker.id, 'alice-dev');
    await make('aliceK8s', alice, k8s.id, 'alice-k8s');
    await make('bobDev', bob, docker.id, 'bob-dev');
    await make('ownerOther', owner, elsewhere.id, 'far-away', otherOrg);
    await waitForBuild(t, bob, (await build(t, bob, ids.bobDev, 'stop')).id);
  });
  afterAll(() => closeWorld(t, db));

  const list = async (who: Session, query = '') =>
    (await t.http.get(`/api/v2/workspaces${query}`).set(auth(who.token)).expect(200)).body;
  const names = (body: { workspaces: { name: string }[] }) => body.workspaces.map((w) => w.name).sort();

  it("lists what the caller may see: its own, its organizations' as admin, everything as owner or template admin", async () => {
    expect(names(await list(alice))).toEqual(['alice-dev', 'alice-k8s']);
    expect(names(await list(bob))).toEqual(['bob-dev']);
    expect(names(await list(orgAdmin))).toEqual(['far-away']);
    expect(await list(outsider)).toEqual({ workspaces: [], count: 0 });
    for (const who of [owner, templateAdmin]) {
      const all = await list(who);
      expect(names(all)).toEqual(['alice-dev', 'alice-k8s', 'bob-dev', 'far-away']);
      expect(all.count).toBe(4);
    }
  });

  it('filters by owner, template, name and status; counts before paging', async () => {
    expect(names(await list(alice, '?q=owner:me'))).toEqual(['alice-dev', 'alice-k8s']);
    expect(names(await list(owner, `?q=owner:${alice.username.toUpperCase()}`))).toEqual(['alice-dev', 'alice-k8s']);
    expect(names(await list(owner, `?q=template:${docker.name}`))).toEqual(['alice-dev', 'bob-dev']);
    expect(names(await list(owner, '?q=name:dev'))).toEqual(['alice-dev', 'bob-dev']);
    expect(names(await list(owner, '?q=K8S'))).toEqual(['alice-k8s']);
    expect(names(await list(owner, `?q=${alice.username}/dev`))).toEqual(['alice-dev']);
    expect(names(await list(owner, '?q=status:stopped'))).toEqual(['bob-dev']);
    expect(names(await list(owner, `?q=${encodeURIComponent(`status:running template:${docker.name}`)}`))).toEqual([
      'alice-dev',
    ]);
    expect(names(await list(owner, '?q=name:%25'))).toEqual([]);
    const page = await list(owner, '?limit=2&offset=1');
    expect(page.workspaces).toHaveLength(2);
    expect(page.count).toBe(4);
    expect((await list(owner, '?offset=10')).count).toBe(4);
  });

  it("filters as the dashboard's landing page does: dormancy, agents and last use", async () => {
    const q = (text: string) => `?q=${encodeURIComponent(text)}`;
    // Nothing is dormant and no workspace runs an agent here; without dormant_at every live workspace counts.
    expect(await list(alice, q('owner:me dormant_at:1970-01-01'))).toEqual({ workspaces: [], count: 0 });
    expect(await list(owner, q('deleting_by:2099-01-01'))).toEqual({ workspaces: [], count: 0 });
    expect(await list(owner, q('has-agent:connected'))).toEqual({ workspaces: [], count: 0 });
    const stamp = new Date(Date.now() - 60_000);
    await db.query(`UPDATE workspaces SET last_used_at = $2 WHERE id = $1`, [ids.bobDev, stamp]);
    await db.query(`UPDATE workspaces SET last_used_at = now() - interval '1 day' WHERE id <> $1`, [ids.bobDev]);
    const after = new Date(stamp.getTime() - 1000).toISOString();
    expect(names(await list(owner, q(`last_used_after:"${after}"`)))).toEqual(['bob-dev']);
    expect(names(await list(owner, q(`last_used_before:"${after}"`)))).toEqual(['alice-dev', 'alice-k8s', 'far-away']);
    const bad = await t.http
      .get(`/api/v2/workspaces${q('dormant_at:yesterday')}`)
      .set(auth(owner.token))
      .expect(400);
    expect(bad.body.validations).toEqual([
      {
        field: 'dormant_at',
        detail: 'Query param "dormant_at" must be a valid date format (2006-01-02): cannot parse "yesterday"',
      },
    ]);
  });

  it('rejects bad queries', async () => {
    const res = await t.http.get('/api/v2/workspaces?q=color:blue').set(auth(owner.token)).expect(400);
    expect(res.body).toEqual({
      message: 'Invalid workspace search query.',
      validations: [{ field: 'q', detail: 'Query param "color" is not a valid query param' }],
    });
    expect((await t.http.get('/api/v2/workspaces?limit=5000').set(auth(owner.token)).expect(400)).body.message).toBe(
      'Query parameters have invalid values.',
    );
    await t.http.get('/api/v2/workspaces').expect(401);
  });

  it('presents many workspaces with a fixed number of queries (pending jobs included)', async () => {
    const version = await createTemplateVersion(t, owner, owner.orgId, await uploadEchoTemplate(t, owner), {
      tags: { pool: 'none' },
    });
    await db.query('UPDATE provisioner_jobs SET started_at = now(), completed_at = now() WHERE id = $1', [
      version.job.id,
    ]);
    const stuck = await createTemplate(t, owner, owner.orgId, version.id);
    const measure = async () => {
      const { result, queries } = await countQueries(t, () => list(owner, `?q=template:${stuck.name}`));
      // Reads only: the built-in daemons' background statements (acquire, heartbeats) are updates.
      const reads = queries.filter((q) => /^(SELECT|WITH)\b/i.test(q));
      return {
        result,
        count: reads.length,
        // The job views statement (src/core/provisioning/job-views.query.ts) matches jobs and daemons at once.
        daemonQueries: reads.filter((q) => q.startsWith('WITH page AS (') && q.includes('FROM provisioner_daemons'))
          .length,
      };
    };
    await createWorkspace(t, owner, owner.orgId, stuck.id);
    const one = await measure();
    expect(one.result.count).toBe(1);
    for (let i = 0; i < 6; i++) await createWorkspace(t, owner, owner.orgId, stuck.id);
    const seven = await measure();
    expect(seven.result.count).toBe(7);
    expect(seven.result.workspaces.every((w: JsonObject) => w.latest_build.job.matched_provisioners?.count === 0)).toBe(
      true,
    );
    expect(seven.daemonQueries).toBe(1);
    // Per-row queries would add at least six statements.
    expect(seven.count).toBeLessThan(one.count + 3);
  });
});
