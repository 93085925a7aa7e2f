import { badRequest, conflict, notFound } from '../../common/errors.js';

export const memberExists = () => conflict('Organization member already exists in this organization');
export const memberMissing = () => notFound();
export const ownOrgRolesUnchangeable = () => badRequest('You cannot change your own organization roles.');
export const orgRoleUnsupported = (role: string) => badRequest(`"${role}" is not a supported role`);
export const orgRoleScopeInvalid = (role: string) =>
  badRequest(`Role must have proper UUIDs for organization, "${role}" does not`);
export const orgRoleOtherOrganization = (orgId: string) => badRequest(`Must only pass roles for org "${orgId}"`);
export const orgRolesOnly = () => badRequest('must only update organization roles');
export const INVALID_MEMBER_SEARCH = 'Invalid member search query.';
