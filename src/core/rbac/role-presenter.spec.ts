import { ACTIONS, permits, RESOURCES } from './permissions.js';
import { listPermissions, toAssignableRole } from './role-presenter.js';
import { ROLE_DEFINITIONS } from './roles.js';

describe('role presenter', () => {
  it('lists nothing for no set, and each granted (resource, action) once', () => {
    expect(listPermissions(undefined)).toEqual([]);
    expect(listPermissions({ resources: { template: ['read', 'update'], file: '*' } })).toEqual([
      { negate: false, resource_type: 'template', action: 'read' },
      { negate: false, resource_type: 'template', action: 'update' },
      ...ACTIONS.map((action) => ({ negate: false, resource_type: 'file', action })),
    ]);
  });

  it('expands a wildcard without its exceptions', () => {
    const listed = listPermissions({ wildcard: { actions: ['read'], except: ['user'] } });
    expect(listed).toHaveLength(RESOURCES.length - 1);
    expect(listed.every((p) => p.action === 'read')).toBe(true);
    expect(listed.map((p) => p.resource_type)).not.toContain('user');
  });

  it('never lists a permission the policy does not grant, and lists every one it does', () => {
    for (const role of Object.values(ROLE_DEFINITIONS)) {
      for (const scope of ['site', 'org', 'user'] as const) {
        const listed = new Set(listPermissions(role[scope]).map((p) => `${p.resource_type}:${p.action}`));
        for (const resource of RESOURCES)
          for (const action of ACTIONS)
            expect(listed.has(`${resource}:${action}`)).toBe(permits(role[scope], resource, action));
      }
    }
  });

  it('presents a built-in role, with organization_id only for organization roles', () => {
    const admin = toAssignableRole('organization-admin', false, 'org-1');
    expect(admin).toMatchObject({ name: 'organization-admin', organization_id: 'org-1', built_in: true });
    expect(admin.site_permissions).toEqual([]);
    expect(admin.organization_member_permissions).toEqual([]);
    expect(toAssignableRole('owner', true)).not.toHaveProperty('organization_id');
  });
});
