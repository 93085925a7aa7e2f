import { SIGN_IN_CHECKS, signInAnswer } from '../../../test/helpers/sign-in-checks.js';
import { ApiError } from '../../common/errors.js';
import type { Actor } from '../rbac/actor.js';
import { RESOURCES } from '../rbac/permissions.js';
import { decideFields, parseChecks, type AuthCheck } from './authcheck.rules.js';

const ORG = '11111111-1111-4111-8111-111111111111';
const OTHER_ORG = '22222222-2222-4222-8222-222222222222';

function actor(siteRoles: string[] = [], orgRoles: string[] = []): Actor {
  return {
    id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    username: 'u',
    email: 'u@example.com',
    siteRoles,
    orgRoles: new Map([[ORG, orgRoles]]),
    groupIds: [ORG],
    apiKeyId: 'k',
    apiKeyScope: 'all',
    loginType: 'password',
  };
}

const decideAll = (who: Actor, checks: Record<string, unknown>) =>
  Object.fromEntries(parseChecks(checks).map((c) => [c.key, decideFields(who, c)]));

function thrown(fn: () => unknown): { status: number; body: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return { status: err.getStatus(), body: err.body };
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('authcheck: the sign-in checks against the RBAC policy', () => {
  const roles: Record<string, Actor> = {
    owner: actor(['owner']),
    auditor: actor(['auditor']),
    'template-admin': actor(['template-admin']),
    'user-admin': actor(['user-admin']),
    member: actor(),
  };

  it.each(Object.keys(roles))('%s gets the table of coder-clients §3', (role) => {
    expect(decideAll(roles[role], SIGN_IN_CHECKS)).toEqual(signInAnswer(role));
  });

  it('an organization admin gets none of them: they are all site-wide questions', () => {
    expect(Object.values(decideAll(actor([], ['organization-admin']), SIGN_IN_CHECKS)).every((v) => v === false)).toBe(
      true,
    );
  });
});

describe('authcheck: deciding checks built from fields', () => {
  const base: AuthCheck = {
    key: 'k',
    resourceType: 'workspace',
    action: 'read',
    ownerId: '',
    organizationId: '',
    resourceId: '',
    anyOrg: false,
  };
  const member = actor();

  it('knows every Coder resource type, and only those', () => {
    const owner = actor(['owner']);
    for (const type of RESOURCES.filter((r) => r !== 'workspace_dormant')) {
      expect([type, decideFields(owner, { ...base, resourceType: type })]).toEqual([type, true]);
    }
    for (const type of ['workspace_dormant', '*', 'Workspace', 'nothing', '']) {
      expect([type, decideFields(owner, { ...base, resourceType: type })]).toEqual([type, false]);
    }
    for (const action of ['*', 'READ', 'ssh', '']) expect(decideFields(owner, { ...base, action })).toBe(false);
  });

  it('reads owner_id "me" as the caller and ids case-insensitively', () => {
    expect(decideFields(member, { ...base, ownerId: 'me', organizationId: ORG, action: 'update' })).toBe(true);
    expect(decideFields(member, { ...base, ownerId: member.id.toUpperCase(), organizationId: ORG.toUpperCase() })).toBe(
      true,
    );
    expect(decideFields(member, { ...base, ownerId: 'someone-else', organizationId: ORG })).toBe(false);
    expect(decideFields(member, { ...base, ownerId: 'me', organizationId: OTHER_ORG })).toBe(false);
  });

  it("any_org looks through the caller's organizations, and refuses an organization id alongside", () => {
    const orgAdmin = actor([], ['organization-admin']);
    expect(decideFields(orgAdmin, { ...base, resourceType: 'template', action: 'create', anyOrg: true })).toBe(true);
    expect(decideFields(member, { ...base, resourceType: 'template', action: 'create', anyOrg: true })).toBe(false);
    expect(decideFields(member, { ...base, ownerId: 'me', action: 'create', anyOrg: true })).toBe(true);
    expect(
      decideFields(orgAdmin, {
        ...base,
        resourceType: 'template',
        action: 'create',
        anyOrg: true,
        organizationId: ORG,
      }),
    ).toBe(false);
  });
});

describe('authcheck: parsing', () => {
  const check = (object: unknown, action: unknown = 'read') => ({ object, action });

  it('sorts by key and fills Go zero values', () => {
    expect(
      parseChecks({ b: check({ resource_type: 'user', owner_id: null }), a: check({ resource_type: 'group' }, null) }),
    ).toEqual([
      { key: 'a', resourceType: 'group', action: '', ownerId: '', organizationId: '', resourceId: '', anyOrg: false },
      {
        key: 'b',
        resourceType: 'user',
        action: 'read',
        ownerId: '',
        organizationId: '',
        resourceId: '',
        anyOrg: false,
      },
    ]);
    expect(parseChecks(undefined)).toEqual([]);
  });

  it('reports every wrong type as one validation', () => {
    expect(thrown(() => parseChecks({ a: 1, b: check([], 2) }))).toEqual({
      status: 400,
      body: {
        message: 'Validation failed.',
        validations: [
          { field: 'checks.a', detail: 'checks.a must be an object' },
          { field: 'checks.b.object', detail: 'checks.b.object must be an object' },
          { field: 'checks.b.action', detail: 'checks.b.action must be a string' },
        ],
      },
    });
  });

  it("gives Coder's 400s for resource_type and resource_id", () => {
    expect(thrown(() => parseChecks({ x: check({ resource_type: '' }) })).body).toEqual({
      message: 'Object\'s "resource_type" field must be defined for key "x".',
    });
    expect(thrown(() => parseChecks({ x: check({ resource_type: 'file', resource_id: ORG }) })).status).toBe(400);
    const eleven = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [`k${i}`, check({ resource_type: 'user', resource_id: ORG })]),
    );
    expect(thrown(() => parseChecks(eleven)).body).toEqual({
      message:
        'Endpoint only supports using "resource_id" field 10 times, found 11 usages. Remove 1 objects with this field set.',
    });
  });
});
