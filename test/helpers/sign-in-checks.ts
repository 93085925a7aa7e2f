/**
 * The 13 checks the Oct 2023 dashboard sends to `POST /authcheck` at load and at sign-in
 * (site/src/xServices/auth/authXService.ts, `permissionsToCheck`), and which of them each
 * built-in role gets (coder-clients §3, derived from Coder's roles.go). `createTemplates` really
 * asks for `update`.
 */
export const SIGN_IN_CHECKS = {
  readAllUsers: { object: { resource_type: 'user' }, action: 'read' },
  updateUsers: { object: { resource_type: 'user' }, action: 'update' },
  createUser: { object: { resource_type: 'user' }, action: 'create' },
  createTemplates: { object: { resource_type: 'template' }, action: 'update' },
  updateTemplates: { object: { resource_type: 'template' }, action: 'update' },
  deleteTemplates: { object: { resource_type: 'template' }, action: 'delete' },
  viewAuditLog: { object: { resource_type: 'audit_log' }, action: 'read' },
  viewDeploymentValues: { object: { resource_type: 'deployment_config' }, action: 'read' },
  createGroup: { object: { resource_type: 'group' }, action: 'create' },
  viewUpdateCheck: { object: { resource_type: 'deployment_config' }, action: 'read' },
  viewExternalAuthConfig: { object: { resource_type: 'deployment_config' }, action: 'read' },
  viewDeploymentStats: { object: { resource_type: 'deployment_stats' }, action: 'read' },
  editWorkspaceProxies: { object: { resource_type: 'workspace_proxy' }, action: 'create' },
} as const;

export type SignInCheck = keyof typeof SIGN_IN_CHECKS;

/** The keys answered `true` for each role; every other key is `false`. */
export const SIGN_IN_GRANTS: Record<string, SignInCheck[]> = {
  owner: Object.keys(SIGN_IN_CHECKS) as SignInCheck[],
  auditor: [
    'readAllUsers',
    'viewAuditLog',
    'viewDeploymentValues',
    'viewUpdateCheck',
    'viewExternalAuthConfig',
    'viewDeploymentStats',
  ],
  'template-admin': ['readAllUsers', 'createTemplates', 'updateTemplates', 'deleteTemplates'],
  'user-admin': ['readAllUsers', 'updateUsers', 'createUser', 'createGroup'],
  member: [],
};

/** The full expected answer for a role. */
export function signInAnswer(role: string): Record<SignInCheck, boolean> {
  return Object.fromEntries(
    (Object.keys(SIGN_IN_CHECKS) as SignInCheck[]).map((key) => [key, SIGN_IN_GRANTS[role].includes(key)]),
  ) as Record<SignInCheck, boolean>;
}
