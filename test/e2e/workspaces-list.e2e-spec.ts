import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { countQueries } from '../helpers/query-counter.js';
import {
  build,
  createTemplate,
  createTemplateVersion,
  createWorkspace,
  echoTemplate,
  importVersion,
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

  it('filters as the current dashboard does: id, organization, outdated, dormant, shared and param', async () => {
    const q = (text: string) => `?q=${encodeURIComponent(text)}`;
    const refuse = async (who: Session, text: string) =>
      (
        await t.http
          .get(`/api/v2/workspaces${q(text)}`)
          .set(auth(who.token))
          .expect(400)
      ).body;
    expect(names(await list(owner, q(`id:${ids.aliceDev},${ids.bobDev}`)))).toEqual(['alice-dev', 'bob-dev']);
    expect(names(await list(owner, q(`id:${ids.aliceDev} id:${ids.aliceK8s}`)))).toEqual(['alice-dev', 'alice-k8s']);
    const otherName = (await t.http.get(`/api/v2/organizations/${otherOrg}`).set(auth(owner.token)).expect(200)).body
      .name as string;
    expect(names(await list(owner, q(`organization:${otherName}`)))).toEqual(['far-away']);
    expect(names(await list(owner, q(`organization:${otherOrg}`)))).toEqual(['far-away']);
    const unknown = {
      message: 'Invalid workspace search query.',
      validations: [
        {
          field: 'organization',
          detail:
            'Query param "organization" has invalid value: organization "nowhere" either does not exist, or you are unauthorized to view it',
        },
      ],
    };
    expect(await refuse(owner, 'organization:nowhere')).toEqual(unknown);
    // A name the caller may not see is as unknown (alice is not in the other organization).
    expect((await refuse(alice, `organization:${otherName}`)).validations[0].field).toBe('organization');

    // The current dashboard's presets: nothing is dormant or shared here, and no workspace is an AI task.
    const all = ['alice-dev', 'alice-k8s', 'bob-dev', 'far-away'];
    for (const none of ['dormant:true', 'shared:true', 'has-ai-task:true', 'healthy:true', 'shared_with_user:me'])
      expect({ none, body: await list(owner, q(none)) }).toEqual({ none, body: { workspaces: [], count: 0 } });
    for (const every of ['dormant:false', 'shared:false', 'has-ai-task:false', 'has_external_agent:0'])
      expect({ every, names: names(await list(owner, q(every))) }).toEqual({ every, names: all });

    // A newer active version makes the workspaces of the older one outdated.
    const newer = await importVersion(t, owner, owner.orgId, undefined, { template_id: k8s.id });
    await t.http
      .patch(`/api/v2/templates/${k8s.id}/versions`)
      .set(auth(owner.token))
      .send({ id: newer.id })
      .expect(200);
    expect(names(await list(owner, q('outdated:true')))).toEqual(['alice-k8s']);
    expect(names(await list(owner, q('outdated:false')))).toEqual(['alice-dev', 'bob-dev', 'far-away']);

    // Parameters: the value last sent for each name, across builds.
    const withParams = await createWorkspace(t, alice, owner.orgId, docker.id as string, 'me', {
      name: 'alice-params',
      rich_parameter_values: [{ name: 'Region', value: 'EU-West' }],
    });
    await waitForBuild(t, alice, withParams.latest_build.id);
    await waitForBuild(t, alice, (await build(t, alice, withParams.id, 'stop')).id);
    expect(names(await list(owner, q('param:region')))).toEqual(['alice-params']);
    expect(names(await list(owner, q('param:region=eu-west')))).toEqual(['alice-params']);
    expect(names(await list(owner, q('param:region=us-east,region=eu-west')))).toEqual(['alice-params']);
    expect(await list(owner, q('param:region=us-east'))).toEqual({ workspaces: [], count: 0 });
    expect(await list(owner, q('param:zone'))).toEqual({ workspaces: [], count: 0 });

    expect((await refuse(owner, 'dormant:maybe')).validations).toEqual([
      {
        field: 'dormant',
        detail: 'Query param "dormant" must be a valid boolean: strconv.ParseBool: parsing "maybe": invalid syntax',
      },
    ]);
    expect((await refuse(owner, 'param:region=')).validations[0].detail).toContain('has an empty value');
    expect((await refuse(owner, 'id:nope')).validations[0].field).toBe('id');
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
