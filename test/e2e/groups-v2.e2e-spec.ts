import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { GROUP_FIELDS, NOT_FOUND } from '../helpers/expectations.js';
import { addLicense } from '../helpers/licenses.js';
import { auth, createOrg, createUser, unique, type Owner, type Session } from '../helpers/world.js';

/**
 * Coder's current group shapes on top of the 2023 ones: the Group object's new fields,
 * `?exclude_members`, `GET /groups` with its filters, and the paged member routes. Scale (10,000
 * members, fixed statement counts) is test/e2e/groups-scale.e2e-spec.ts.
 */
const GATE = { message: 'Template RBAC is an Enterprise feature. Contact sales!' };
const INVALID_QUERY = 'Query parameters have invalid values.';
const REDUCED_USER_FIELDS = ['id', 'username', 'name', 'avatar_url', 'email', 'created_at', 'updated_at', 'status'];

interface Group {
  id: string;
  name: string;
  members: { id: string }[];
  total_member_count: number;
  organization_name: string;
  organization_display_name: string;
}

describe('groups in Coder’s current shape', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;
  const who: Record<string, Session> = {};
  let org2: { id: string; name: string };
  let org1Name: string;
  let team: Group;
  let other: Group;
  let suspended: Session;

  const get = (path: string, as: Session = owner) => t.http.get(`/api/v2${path}`).set(auth(as.token));
  const ids = (body: Group[]) => body.map((g) => g.id).sort();

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({ env: { CODER_PROVISIONER_DAEMONS: '0' } }));
  });
  afterAll(() => closeWorld(t, db));

  describe('without template_rbac', () => {
    it.each(['/groups', `/groups/{org}/members`, '/organizations/{org}/groups/Everyone/members'])(
      'GET %s → 403',
      async (path) => {
        const res = await get(path.replace('{org}', owner.orgId)).expect(403);
        expect(res.body).toEqual(GATE);
      },
    );
  });

  describe('with template_rbac', () => {
    beforeAll(async () => {
      await addLicense(t, owner, ['template_rbac']);
      org1Name = (await get(`/organizations/${owner.orgId}`).expect(200)).body.name;
      const org2Name = unique('org');
      org2 = { id: await createOrg(t, owner, org2Name), name: org2Name };
      who.owner = owner;
      who.userAdmin = await createUser(t, owner, { roles: ['user-admin'] });
      who.orgAdmin = await createUser(t, owner);
      await t.http
        .put(`/api/v2/organizations/${owner.orgId}/members/${who.orgAdmin.userId}/roles`)
        .set(auth(owner.token))
        .send({ roles: ['organization-admin'] })
        .expect(200);
      who.member = await createUser(t, owner);
      who.groupMember = await createUser(t, owner);
      who.otherOrgMember = await createUser(t, owner, { orgId: org2.id });
      suspended = await createUser(t, owner);
      const create = async (orgId: string, users: string[]): Promise<Group> => {
        const g = await t.http
          .post(`/api/v2/organizations/${orgId}/groups`)
          .set(auth(owner.token))
          .send({ name: unique('team') })
          .expect(201);
        return (
          await t.http
            .patch(`/api/v2/groups/${g.body.id}`)
            .set(auth(owner.token))
            .send({ add_users: users })
            .expect(200)
        ).body;
      };
      team = await create(owner.orgId, [who.groupMember.userId, suspended.userId]);
      other = await create(org2.id, [who.otherOrgMember.userId]);
      await t.http.put(`/api/v2/users/${suspended.userId}/status/suspend`).set(auth(owner.token)).expect(200);
    });

    describe('the Group object', () => {
      it('carries total_member_count and the organization’s names on every route', async () => {
        const created = (
          await t.http
            .post(`/api/v2/organizations/${org2.id}/groups`)
            .set(auth(owner.token))
            .send({ name: unique('fresh') })
            .expect(201)
        ).body;
        expect(Object.keys(created).sort()).toEqual(GROUP_FIELDS);
        expect(created).toMatchObject({ total_member_count: 0, organization_name: org2.name });
        const patched = (
          await t.http
            .patch(`/api/v2/groups/${team.id}`)
            .set(auth(owner.token))
            .send({ display_name: 'Team' })
            .expect(200)
        ).body;
        const byId = (await get(`/groups/${team.id}`).expect(200)).body;
        const byName = (await get(`/organizations/${owner.orgId}/groups/${team.name}`).expect(200)).body;
        const listed = (await get(`/organizations/${owner.orgId}/groups`).expect(200)).body as Group[];
        for (const g of [patched, byId, byName, listed.find((x) => x.id === team.id)]) {
          expect(Object.keys(g).sort()).toEqual(GROUP_FIELDS);
          // Suspended members count (as Coder) but are not listed (as 2023).
          expect(g).toMatchObject({
            total_member_count: 2,
            organization_name: org1Name,
            organization_display_name: '',
          });
          expect(g.members.map((m: { id: string }) => m.id)).toEqual([who.groupMember.userId]);
        }
        const deleted = (await t.http.delete(`/api/v2/groups/${created.id}`).set(auth(owner.token)).expect(200)).body;
        expect(deleted).toMatchObject({ id: created.id, total_member_count: 0, organization_name: org2.name });
      });

      it('counts the organization’s members for Everyone', async () => {
        const everyone = (await get(`/groups/${owner.orgId}`).expect(200)).body as Group;
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM organization_members om JOIN users u ON u.id = om.user_id
            WHERE om.organization_id = $1 AND u.deleted = false`,
          [owner.orgId],
        );
        expect(rows[0].n).toBeGreaterThanOrEqual(6);
        expect(everyone.total_member_count).toBe(rows[0].n);
        expect(everyone.members).toHaveLength(rows[0].n - 1);
      });

      it('answers members: [] with ?exclude_members=true, still counting them', async () => {
        for (const path of [`/groups/${team.id}`, `/organizations/${owner.orgId}/groups/${team.name}`]) {
          const res = await get(`${path}?exclude_members=true`).expect(200);
          expect(res.body).toMatchObject({ id: team.id, members: [], total_member_count: 2 });
          expect((await get(`${path}?exclude_members=false`).expect(200)).body.members).toHaveLength(1);
          expect((await get(`${path}?exclude_members=maybe`).expect(400)).body).toEqual({
            message: INVALID_QUERY,
            validations: [
              { field: 'exclude_members', detail: 'Query param "exclude_members" must be a valid boolean' },
            ],
          });
        }
      });
    });

    describe('GET /groups', () => {
      it.each([
        ['owner', ['org1Everyone', 'team', 'org2Everyone', 'other']],
        ['userAdmin', ['org1Everyone', 'team', 'org2Everyone', 'other']],
        ['orgAdmin', ['org1Everyone', 'team']],
        ['groupMember', ['org1Everyone', 'team']],
        ['member', ['org1Everyone']],
        ['otherOrgMember', ['org2Everyone', 'other']],
      ])('as %s lists only the groups it may see', async (role, expected) => {
        const named: Record<string, string> = {
          org1Everyone: owner.orgId,
          org2Everyone: org2.id,
          team: team.id,
          other: other.id,
        };
        const res = await get('/groups', who[role]).expect(200);
        expect(ids(res.body)).toEqual(expected.map((n) => named[n]).sort());
        for (const g of res.body as Group[]) expect(Object.keys(g).sort()).toEqual(GROUP_FIELDS);
      });

      it('filters by organization (id or name), has_member (id, username, me) and group_ids', async () => {
        const org2Groups = [org2.id, other.id].sort();
        expect(ids((await get(`/groups?organization=${org2.id}`).expect(200)).body)).toEqual(org2Groups);
        expect(ids((await get(`/groups?organization=${org2.name}`).expect(200)).body)).toEqual(org2Groups);
        const mine = [owner.orgId, team.id].sort();
        const gm = who.groupMember;
        expect(ids((await get(`/groups?has_member=${gm.userId}`).expect(200)).body)).toEqual(mine);
        expect(ids((await get(`/groups?has_member=${gm.username.toUpperCase()}`).expect(200)).body)).toEqual(mine);
        expect(ids((await get('/groups?has_member=me', gm).expect(200)).body)).toEqual(mine);
        expect(ids((await get(`/groups?group_ids=${team.id},%20${other.id}`).expect(200)).body)).toEqual(
          [team.id, other.id].sort(),
        );
        expect(ids((await get(`/groups?group_ids=${team.id}&group_ids=${other.id}`).expect(200)).body)).toEqual(
          [team.id, other.id].sort(),
        );
        // A group the caller may not see is never listed, whatever the filter names.
        expect((await get(`/groups?group_ids=${team.id}`, who.member).expect(200)).body).toEqual([]);
        const both = await get(`/groups?organization=${owner.orgId}&has_member=${gm.userId}`).expect(200);
        expect(ids(both.body)).toEqual(mine);
      });

      it('filters the organization route the same way, ignoring unknown parameters as in 2023', async () => {
        const res = await get(`/organizations/${owner.orgId}/groups?has_member=${who.groupMember.userId}&x=1`).expect(
          200,
        );
        expect(ids(res.body)).toEqual([owner.orgId, team.id].sort());
        const byIds = await get(`/organizations/${owner.orgId}/groups?group_ids=${team.id},${other.id}`).expect(200);
        expect(ids(byIds.body)).toEqual([team.id]);
      });

      it.each([
        [
          'organization=nope',
          'organization',
          'Query param "organization" has invalid value: organization "nope" not found',
        ],
        ['has_member=nobody', 'has_member', 'Query param "has_member" has invalid value: user "nobody" not found'],
        ['group_ids=abc', 'group_ids', 'Query param "group_ids" has invalid values: invalid UUID length: 3'],
        ['colour=blue', 'colour', '"colour" is not a valid query param'],
      ])('answers 400 for ?%s', async (query, field, detail) => {
        const res = await get(`/groups?${query}`).expect(400);
        expect(res.body).toEqual({ message: INVALID_QUERY, validations: [{ field, detail }] });
      });

      it('does not reveal organizations or users the caller cannot see', async () => {
        const org = await get(`/groups?organization=${org2.name}`, who.member).expect(400);
        expect(org.body.validations).toEqual([
          {
            field: 'organization',
            detail: `Query param "organization" has invalid value: organization "${org2.name}" not found`,
          },
        ]);
        const user = await get(`/groups?has_member=${who.otherOrgMember.username}`, who.member).expect(400);
        expect(user.body.validations[0].field).toBe('has_member');
        expect((await get(`/groups?organization=${org2.id}`, who.member).expect(200)).body).toEqual([]);
      });
    });

    describe('GET /groups/{group}/members and /organizations/{org}/groups/{name}/members', () => {
      const paths = () => [`/groups/${team.id}/members`, `/organizations/${owner.orgId}/groups/${team.name}/members`];

      it.each([
        ['owner', 200],
        ['userAdmin', 200],
        ['orgAdmin', 200],
        ['groupMember', 200],
        ['member', 404],
        ['otherOrgMember', 404],
      ])('as %s → %i', async (role, status) => {
        for (const path of paths()) {
          const res = await get(path, who[role]).expect(status);
          if (status === 404) {
            expect(res.body).toEqual(NOT_FOUND);
            continue;
          }
          const expected = [who.groupMember, suspended].sort((a, b) => a.username.localeCompare(b.username));
          expect(res.body.count).toBe(2);
          expect(res.body.users.map((u: { id: string }) => u.id)).toEqual(expected.map((u) => u.userId));
          for (const u of res.body.users) expect(Object.keys(u)).toEqual(expect.arrayContaining(REDUCED_USER_FIELDS));
        }
      });

      it('searches with q, pages with limit/offset/after_id', async () => {
        for (const path of paths()) {
          const active = await get(`${path}?q=status:active`).expect(200);
          expect(active.body).toMatchObject({ count: 1, users: [{ id: who.groupMember.userId }] });
          const byName = await get(`${path}?q=${suspended.username}`).expect(200);
          expect(byName.body).toMatchObject({ count: 1, users: [{ id: suspended.userId, status: 'suspended' }] });
          const first = (await get(`${path}?limit=1`).expect(200)).body;
          expect(first.users).toHaveLength(1);
          const next = (await get(`${path}?limit=1&after_id=${first.users[0].id}`).expect(200)).body;
          expect(next).toMatchObject({ count: 1, users: [{ id: expect.not.stringMatching(first.users[0].id) }] });
          expect((await get(`${path}?offset=1`).expect(200)).body.users).toEqual([next.users[0]]);
          expect((await get(`${path}?offset=5`).expect(200)).body).toEqual({ users: [], count: 2 });
        }
      });

      it('pages the Everyone group over the organization’s members', async () => {
        const everyone = (await get(`/groups/${owner.orgId}?exclude_members=true`).expect(200)).body as Group;
        const page = (await get(`/organizations/${owner.orgId}/groups/Everyone/members?limit=2`).expect(200)).body;
        expect(page.count).toBe(everyone.total_member_count);
        expect(page.users).toHaveLength(2);
      });

      it.each([
        ['q=status:bogus', 'Invalid member search query.', 'status', 'Query param "status" has invalid values: bogus'],
        ['q=colour:blue', 'Invalid member search query.', 'colour', 'Query param "colour" is not a valid query param'],
        ['limit=-1', INVALID_QUERY, 'limit', 'Query param "limit" must be between 0 and 1000'],
        ['offset=x', INVALID_QUERY, 'offset', 'Query param "offset" must be a valid integer ("x")'],
        ['after_id=x', INVALID_QUERY, 'after_id', 'Query param "after_id" must be a valid uuid'],
      ])('answers 400 for ?%s', async (query, message, field, detail) => {
        for (const path of paths()) {
          expect((await get(`${path}?${query}`).expect(400)).body).toEqual({
            message,
            validations: [{ field, detail }],
          });
        }
      });
    });
  });
});
