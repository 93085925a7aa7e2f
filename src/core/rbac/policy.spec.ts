import type { Actor } from './actor.js';
import type { Action, Resource } from './permissions.js';
import { can, canAnywhere, canAssignOrgRole, canAssignSiteRole, canReadUser } from './policy.js';

const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';
const GROUP = '33333333-3333-4333-8333-333333333333';

function actor(siteRoles: string[] = [], orgs: Record<string, string[]> = { [ORG_A]: [] }, id = 'me'): Actor {
  return {
    id,
    username: id,
    email: `${id}@example.com`,
    siteRoles,
    orgRoles: new Map(Object.entries(orgs)),
    groupIds: Object.keys(orgs),
    apiKeyId: 'k',
    apiKeyScope: 'all',
    loginType: 'password',
  };
}

describe('RBAC policy (Coder built-in roles)', () => {
  const member = actor();
  const inGroup = { ...actor(), groupIds: [ORG_A, GROUP] };
  const owner = actor(['owner']);
  const auditor = actor(['auditor']);
  const templateAdmin = actor(['template-admin']);
  const userAdmin = actor(['user-admin']);
  const orgAdmin = actor([], { [ORG_A]: ['organization-admin'] });

  type Row = [string, Actor, Action, { type: Resource; orgId?: string; ownerId?: string; id?: string }, boolean];
  const table: Row[] = [
    ['owner may do anything site-wide', owner, 'delete', { type: 'license' }, true],
    ['owner may read replicas', owner, 'read', { type: 'replicas' }, true],
    ['member may not read licenses', member, 'read', { type: 'license' }, false],
    ['member reads provisioner daemons', member, 'read', { type: 'provisioner_daemon' }, true],
    ['member reads role assignments', member, 'read', { type: 'assign_role' }, true],
    ['member may not create users', member, 'create', { type: 'user' }, false],
    ['member reads own user', member, 'read', { type: 'user', ownerId: 'me' }, true],
    ['member may not update own user object', member, 'update', { type: 'user', ownerId: 'me' }, false],
    ['member updates own user data', member, 'update', { type: 'user_data', ownerId: 'me' }, true],
    ['member creates own api keys', member, 'create', { type: 'api_key', ownerId: 'me' }, true],
    ['member may not create keys for others', member, 'create', { type: 'api_key', ownerId: 'other' }, false],
    ['member reads its organization', member, 'read', { type: 'organization', orgId: ORG_A }, true],
    ['member may not read other organizations', member, 'read', { type: 'organization', orgId: ORG_B }, false],
    ['member has no blanket read on groups (only its own)', member, 'read', { type: 'group', orgId: ORG_A }, false],
    [
      'member reads the Everyone group of its organization',
      member,
      'read',
      { type: 'group', orgId: ORG_A, id: ORG_A },
      true,
    ],
    [
      'member may not read the Everyone group of another organization',
      member,
      'read',
      { type: 'group', orgId: ORG_B, id: ORG_B },
      false,
    ],
    ['member reads a group it is in', inGroup, 'read', { type: 'group', orgId: ORG_A, id: GROUP }, true],
    ['member may not read a group it is not in', member, 'read', { type: 'group', orgId: ORG_A, id: GROUP }, false],
    ['member may not update a group it is in', inGroup, 'update', { type: 'group', orgId: ORG_A, id: GROUP }, false],
    ['member may not create groups', member, 'create', { type: 'group', orgId: ORG_A }, false],
    [
      'member owns objects only in orgs it belongs to',
      member,
      'read',
      { type: 'workspace', orgId: ORG_B, ownerId: 'me' },
      false,
    ],
    [
      'member owns its workspace in its org',
      member,
      'update',
      { type: 'workspace', orgId: ORG_A, ownerId: 'me' },
      true,
    ],
    ['auditor reads the audit log', auditor, 'read', { type: 'audit_log' }, true],
    ['auditor may not write templates', auditor, 'update', { type: 'template' }, false],
    ['auditor reads users', auditor, 'read', { type: 'user' }, true],
    ['template admin manages templates', templateAdmin, 'create', { type: 'template', orgId: ORG_B }, true],
    ['template admin manages provisioner daemons', templateAdmin, 'create', { type: 'provisioner_daemon' }, true],
    ['template admin reads organizations', templateAdmin, 'read', { type: 'organization', orgId: ORG_B }, true],
    ['template admin may not manage groups', templateAdmin, 'create', { type: 'group', orgId: ORG_A }, false],
    ['template admin may not read licenses', templateAdmin, 'read', { type: 'license' }, false],
    ['user admin manages users', userAdmin, 'delete', { type: 'user' }, true],
    ['user admin manages groups anywhere', userAdmin, 'update', { type: 'group', orgId: ORG_B }, true],
    ['user admin may not manage templates', userAdmin, 'create', { type: 'template' }, false],
    ['user admin reads every organization', userAdmin, 'read', { type: 'organization', orgId: ORG_B }, true],
    ['user admin may not change organizations', userAdmin, 'update', { type: 'organization', orgId: ORG_B }, false],
    ['org admin does anything inside its org', orgAdmin, 'delete', { type: 'group', orgId: ORG_A }, true],
    ['org admin has no power in other orgs', orgAdmin, 'read', { type: 'group', orgId: ORG_B }, false],
    ['org admin has no site-level objects', orgAdmin, 'read', { type: 'license' }, false],
    ['org admin may not manage workspace proxies', orgAdmin, 'create', { type: 'workspace_proxy' }, false],
    ['org admin may not delete users', orgAdmin, 'delete', { type: 'user' }, false],
  ];

  it.each(table)('%s', (_name, who, action, object, expected) => {
    expect(can(who, action, object)).toBe(expected);
  });

  it('canAnywhere finds organization-level permissions', () => {
    expect(canAnywhere(orgAdmin, 'create', 'group')).toBe(true);
    expect(canAnywhere(member, 'create', 'group')).toBe(false);
  });

  it('users are readable by themselves, site readers and co-members only', () => {
    expect(canReadUser(member, 'me', [])).toBe(true);
    expect(canReadUser(member, 'other', [ORG_A])).toBe(true);
    expect(canReadUser(member, 'other', [ORG_B])).toBe(false);
    expect(canReadUser(member, 'other', [])).toBe(false);
    expect(canReadUser(auditor, 'other', [ORG_B])).toBe(true);
    expect(canReadUser(userAdmin, 'other', [])).toBe(true);
  });

  it("follows Coder's role assignment matrix", () => {
    for (const role of ['owner', 'auditor', 'template-admin', 'user-admin'])
      expect(canAssignSiteRole(owner, role)).toBe(true);
    for (const role of ['owner', 'auditor', 'template-admin', 'user-admin'])
      expect(canAssignSiteRole(userAdmin, role)).toBe(false);
    expect(canAssignSiteRole(userAdmin, 'member')).toBe(true);
    expect(canAssignSiteRole(member, 'member')).toBe(false);
    expect(canAssignOrgRole(orgAdmin, ORG_A, 'organization-admin')).toBe(true);
    expect(canAssignOrgRole(orgAdmin, ORG_B, 'organization-admin')).toBe(false);
    expect(canAssignOrgRole(userAdmin, ORG_B, 'organization-admin')).toBe(false);
    expect(canAssignOrgRole(userAdmin, ORG_B, 'organization-member')).toBe(true);
    expect(canAssignOrgRole(owner, ORG_B, 'organization-admin')).toBe(true);
    expect(canAssignOrgRole(member, ORG_A, 'organization-admin')).toBe(false);
  });
});
