import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { echoTemplate } from '../helpers/templates.js';
import { auth, createOrg, createUser, type Owner, type Session } from '../helpers/world.js';
import type { JsonObject } from '../helpers/json.js';

/** `GET /templates`: Coder's current site-wide list with its search (the current dashboard reads it). */
describe('GET /templates (every organization, Coder template search)', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  let member: Session;
  let outsider: Session;
  let otherOrgName: string;
  const tpl: Record<string, JsonObject> = {};

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld());
    member = await createUser(t, owner);
    const otherOrg = await createOrg(t, owner);
    otherOrgName = (await t.http.get(`/api/v2/organizations/${otherOrg}`).set(auth(owner.token)).expect(200)).body.name;
    outsider = await createUser(t, owner, { orgId: otherOrg });
    tpl.alpha = await echoTemplate(t, owner, owner.orgId, undefined, { name: 'alpha', display_name: 'Alpha Docker' });
    tpl.beta = await echoTemplate(t, owner, owner.orgId, undefined, { name: 'beta' });
    tpl.gamma = await echoTemplate(t, owner, otherOrg, undefined, { name: 'gamma' });
    tpl.hidden = await echoTemplate(t, owner, owner.orgId, undefined, {
      name: 'hidden',
      disable_everyone_group_access: true,
    });
    await db.query(`UPDATE templates SET deprecation_message = 'Use alpha.' WHERE id = $1`, [tpl.beta.id]);
  });
  afterAll(() => closeWorld(t, db));

  const names = async (who: Session, q?: string) => {
    const res = await t.http
      .get('/api/v2/templates')
      .query(q === undefined ? {} : { q })
      .set(auth(who.token))
      .expect(200);
    return (res.body as { name: string }[]).map((x) => x.name);
  };
  const refused = async (q: string) =>
    (await t.http.get('/api/v2/templates').query({ q }).set(auth(owner.token)).expect(400)).body;

  it('lists what the caller may read in every organization, by name, deprecated ones left out', async () => {
    expect(await names(owner)).toEqual(['alpha', 'gamma', 'hidden']);
    expect(await names(member)).toEqual(['alpha']);
    expect(await names(outsider)).toEqual(['gamma']);
    const [first] = (await t.http.get('/api/v2/templates').set(auth(member.token)).expect(200)).body;
    expect(first).toMatchObject({ id: tpl.alpha.id, organization_id: owner.orgId, display_name: 'Alpha Docker' });
    await t.http.get('/api/v2/templates').expect(401);
  });

  it("filters with Coder's keys", async () => {
    expect(await names(owner, 'deprecated:true')).toEqual(['beta']);
    expect(await names(owner, `organization:${otherOrgName}`)).toEqual(['gamma']);
    expect(await names(owner, `organization:${owner.orgId}`)).toEqual(['alpha', 'hidden']);
    expect(await names(owner, 'docker')).toEqual(['alpha']);
    expect(await names(owner, 'display_name:gam')).toEqual(['gamma']);
    expect(await names(owner, 'exact_name:ALPHA')).toEqual(['alpha']);
    expect(await names(owner, 'name:alp')).toEqual(['alpha']);
    expect(await names(owner, `ids:${tpl.alpha.id as string},${tpl.gamma.id as string}`)).toEqual(['alpha', 'gamma']);
    expect(await names(owner, 'author:me')).toEqual(['alpha', 'gamma', 'hidden']);
    expect(await names(member, 'author:me')).toEqual([]);
    expect(await names(member, `author_id:${owner.userId}`)).toEqual(['alpha']);
    expect(await names(owner, 'has-ai-task:true')).toEqual([]);
    expect(await names(owner, 'has-ai-task:false has_external_agent:false')).toEqual(['alpha', 'gamma', 'hidden']);
  });

  it('lists deleted templates with deleted:true', async () => {
    const gone = await echoTemplate(t, owner, owner.orgId, undefined, { name: 'gone' });
    await t.http
      .delete(`/api/v2/templates/${gone.id as string}`)
      .set(auth(owner.token))
      .expect(200);
    expect(await names(owner, 'deleted:true')).toEqual(['gone']);
    expect(await names(owner)).not.toContain('gone');
  });

  it("refuses bad queries with Coder's messages", async () => {
    expect(await refused('colour:red')).toEqual({
      message: 'Invalid template search query.',
      validations: [{ field: 'colour', detail: 'Query param "colour" is not a valid query param' }],
    });
    expect((await refused('organization:nowhere')).validations).toEqual([
      {
        field: 'organization',
        detail:
          'Query param "organization" has invalid value: organization "nowhere" either does not exist, or you are unauthorized to view it',
      },
    ]);
    expect((await refused('deprecated:maybe')).validations[0].field).toBe('deprecated');
    expect((await refused('ids:nope')).validations[0].field).toBe('ids');
    expect((await refused('name:a name:b')).validations[0].detail).toBe(
      'Query parameter "name" provided more than once, found 2 times',
    );
  });
});
