import { randomUUID } from 'node:crypto';
import { CoreGroupsModule } from '../../src/core/groups/groups.module.js';
import { GroupsRepository } from '../../src/core/groups/groups.repository.js';
import { explicitGroupIdsSql, explicitMembershipsSql } from '../../src/core/groups/group-membership.sql.js';
import { GroupEntity } from '../../src/core/groups/entities/group.entity.js';
import { Database } from '../../src/database/database.js';
import { openMedium, type Medium } from '../helpers/medium.js';

/**
 * The one owner of groups and memberships (src/core/groups), straight against PostgreSQL: the
 * Everyone group's implicit members, explicit memberships, and the SQL other owners compose.
 */
describe('GroupsRepository', () => {
  let m: Medium;
  let groups: GroupsRepository;
  let database: Database;
  const org = randomUUID();
  const otherOrg = randomUUID();
  const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    m = await openMedium([CoreGroupsModule]);
    groups = m.module.get(GroupsRepository);
    database = m.module.get(Database);
    for (const [id, name] of [
      [org, 'org-a'],
      [otherOrg, 'org-b'],
    ]) {
      await m.db.query(`INSERT INTO organizations (id, name) VALUES ($1, $2)`, [id, name]);
      await groups.insertEveryoneGroup(id);
    }
    for (const [id, name] of [
      [alice, 'alice'],
      [bob, 'bob'],
      [carol, 'carol'],
    ]) {
      await m.db.query(
        `INSERT INTO users (id, email, username, hashed_password, rbac_roles, login_type) VALUES ($1, $2 || '@example.com', $2, NULL, '{}', 'none')`,
        [id, name],
      );
    }
    // alice and bob are members of org; carol only of the other organization.
    await m.db.query(
      `INSERT INTO organization_members (organization_id, user_id) VALUES ($1, $2), ($1, $3), ($4, $5)`,
      [org, alice, bob, otherOrg, carol],
    );
  });
  afterAll(() => m.close());

  const newGroup = (name: string, quota = 0) =>
    groups.insertGroup(
      Object.assign(new GroupEntity(), {
        id: randomUUID(),
        organizationId: org,
        name,
        displayName: '',
        avatarUrl: '',
        quotaAllowance: quota,
      }),
    );

  it("gives the Everyone group the organization's members, without a membership row", async () => {
    const members = await groups.membersOfGroups([org, otherOrg]);
    expect(
      members
        .get(org)
        ?.map((u) => u.username)
        .sort(),
    ).toEqual(['alice', 'bob']);
    expect(members.get(otherOrg)?.map((u) => u.username)).toEqual(['carol']);
    expect(await groups.explicitMemberIds(org)).toEqual([]);
    const rows = await m.db.query('SELECT count(*)::int AS n FROM group_members');
    expect(rows.rows[0].n).toBe(0);
  });

  it('adds and removes explicit members in the caller’s transaction, rolled back with it', async () => {
    const devs = await newGroup('devs');
    await expect(
      database.transaction(async () => {
        await groups.addMembers(devs.id, [alice]);
        expect(await groups.explicitMemberIds(devs.id)).toEqual([alice]); // seen inside
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await groups.explicitMemberIds(devs.id)).toEqual([]);

    await database.transaction(() => groups.addMembers(devs.id, [alice, bob]));
    await groups.removeMembers(devs.id, [bob]);
    expect(await groups.explicitMemberIds(devs.id)).toEqual([alice]);
  });

  it("counts a user's Everyone allowance only in organizations they belong to, explicit groups next", async () => {
    const ops = await newGroup('ops', 7);
    await groups.addMembers(ops.id, [bob]);
    await m.db.query('UPDATE groups SET quota_allowance = 3 WHERE id = $1', [org]);
    const ofBob = await groups.listAllowancesOfUser(bob);
    expect(ofBob.map((g) => [g.group_name, g.allowance])).toEqual([
      ['Everyone', 3],
      ['ops', 7],
    ]);
    const ofCarol = await groups.listAllowancesOfUser(carol);
    expect(ofCarol.map((g) => g.organization_id)).toEqual([otherOrg]);
  });

  it('composes its membership SQL into other owners’ statements, Everyone aside', async () => {
    const qa = await newGroup('qa');
    await groups.addMembers(qa.id, [alice]);
    const [row] = await database.manager.query<{ ids: string[] }[]>(
      `SELECT ${explicitGroupIdsSql('$1::uuid')} AS ids`,
      [alice],
    );
    const explicit = (
      await m.db.query('SELECT group_id::text AS id FROM group_members WHERE user_id = $1', [alice])
    ).rows.map((r: { id: string }) => r.id);
    expect([...row.ids].sort()).toEqual(explicit.sort());
    expect(row.ids).not.toContain(org);

    const names = await database.manager.query<{ name: string }[]>(
      `SELECT g.name ${explicitMembershipsSql('$1::uuid', '$2::uuid')} ORDER BY g.name`,
      [alice, org],
    );
    expect(names.map((n) => n.name)).toEqual(['devs', 'qa']);
  });
});
