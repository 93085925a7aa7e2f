import { badRequest, conflict, forbidden, notFound, validationFailed, withValidations } from '../../common/errors.js';

export const USER_EXISTS = 'User already exists.';
export const OWNER_PROTECTED = 'Only an owner can modify a user with the "owner" role.';

// `{user}` and lookups
export const userMissing = () => notFound();
export const userParamEmpty = () => badRequest('"user" must be provided.');

// First user (`/users/first`)
export const firstUserMissing = () => notFound('The initial user has not been created!');
export const firstUserExists = () => conflict('The initial user has already been created.');
export const FIRST_USER_CREATED = 'The initial user has already been created!';

// Creating users
export const userExists = () => conflict(USER_EXISTS);
export const passwordNotStrong = (weakness: string) =>
  badRequest('Password not strong enough!', undefined, [{ field: 'password', detail: weakness }]);
export const passwordForbiddenForLoginType = (loginType: string) =>
  badRequest(`Password cannot be set for non-password ("${loginType}") authentication.`);
export const passwordRequired = () =>
  validationFailed([{ field: 'password', detail: 'Validation failed for tag "required_if" with value: ""' }]);
export const serviceAccountsUnsupported = () =>
  badRequest('Service accounts are not supported by this server.', undefined, [
    { field: 'service_account', detail: 'Create a user with login_type "none" and give it API tokens instead.' },
  ]);
export const organizationIdMissing = (id: string) =>
  notFound(`Organization does not exist with the provided id "${id}".`);

// Site roles
export const siteRolesOnly = () => badRequest('Must only update site wide roles');
export const roleUnsupported = (role: string) => badRequest(`"${role}" is not a supported role`);
export const ownRolesUnchangeable = () => badRequest('You cannot change your own roles.');

// Managing users
export const ownerProtected = () => forbidden(OWNER_PROTECTED);
export const selfDeleteRefused = () => forbidden('You cannot delete yourself!');
export const USER_DELETED = 'User has been deleted!';
export const selfSuspendRefused = () => badRequest('You cannot suspend yourself.');
export const ownerSuspendRefused = () =>
  badRequest('You cannot suspend a user with the "owner" role. You must remove the role first.');

// Profile and password
export const usernameTaken = () =>
  withValidations(conflict(USER_EXISTS), [
    { field: 'username', detail: 'this value is already in use and should be unique' },
  ]);
export const passwordLoginOnly = () => badRequest('Users without password login type cannot change their password.');
export const oldPasswordRequired = () => badRequest('Old password is required.');
export const oldPasswordIncorrect = () =>
  badRequest('Old password is incorrect.', undefined, [
    { field: 'old_password', detail: 'Old password is incorrect.' },
  ]);
export const passwordInvalid = (weakness: string) =>
  badRequest('Invalid password.', undefined, [{ field: 'password', detail: weakness }]);
export const passwordUnchanged = () => badRequest('New password cannot match old password.');
