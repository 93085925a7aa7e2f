import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../../common/errors.js';
import { EntitlementGuard } from './entitlement.guard.js';
import { EntitlementsService, unlicensedSnapshot } from './entitlements.service.js';
import { featureNiceName, FEATURES } from './features.js';
import { RequireFeature } from './require-feature.decorator.js';

class Routes {
  @RequireFeature('template_rbac')
  gated(this: void) {}

  open(this: void) {}
}

function context(handler: () => void): ExecutionContext {
  return { getHandler: () => handler, getClass: () => Routes } as unknown as ExecutionContext;
}

describe('EntitlementGuard', () => {
  const entitlements = new EntitlementsService(
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    {} as never,
    {} as never,
  );
  const guard = new EntitlementGuard(new Reflector(), entitlements);

  it('lets ungated routes through', () => {
    expect(guard.canActivate(context(Routes.prototype.open))).toBe(true);
  });

  it("answers Coder's 403 for a feature that is not enabled", () => {
    let error: unknown;
    try {
      guard.canActivate(context(Routes.prototype.gated));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).getStatus()).toBe(403);
    expect((error as ApiError).body).toEqual({ message: 'Template RBAC is an Enterprise feature. Contact sales!' });
  });

  it('reads the current snapshot on every request (no restart needed)', () => {
    const snapshot = unlicensedSnapshot();
    snapshot.features.template_rbac = { entitlement: 'entitled', enabled: true };
    entitlements.replace(snapshot);
    expect(guard.canActivate(context(Routes.prototype.gated))).toBe(true);
    entitlements.replace(unlicensedSnapshot());
    expect(() => guard.canActivate(context(Routes.prototype.gated))).toThrow(ApiError);
  });

  it('an unlicensed deployment has every feature present, none enabled', () => {
    const snapshot = unlicensedSnapshot();
    expect(Object.keys(snapshot.features).sort()).toEqual([...FEATURES].sort());
    expect(Object.values(snapshot.features).every((f) => !f.enabled && f.entitlement === 'not_entitled')).toBe(true);
    expect(snapshot.has_license).toBe(false);
  });

  it.each([
    ['template_rbac', 'Template RBAC'],
    ['scim', 'SCIM'],
    ['audit_log', 'Audit Log'],
    ['external_provisioner_daemons', 'External Provisioner Daemons'],
    ['workspace_proxy', 'Workspace Proxy'],
    ['advanced_template_scheduling', 'Advanced Template Scheduling'],
    ['multiple_external_auth', 'Multiple External Auth'],
    ['user_role_management', 'User Role Management'],
    ['template_autostop_requirement', 'Template Autostop Requirement'],
    ['access_control', 'Access Control'],
    ['aibridge', 'AI Gateway'],
    ['ai_governance_user_limit', 'AI Governance User Limit'],
  ])('names %s "%s"', (feature, name) => {
    expect(featureNiceName(feature)).toBe(name);
  });
});
