import { forbidden, unauthorized } from '../../common/errors.js';

export const credentialsIncorrect = () => unauthorized('Incorrect email or password.');
export const loginTypeMismatch = (loginType: string) =>
  forbidden(`Incorrect login type, attempting to use "password" but user is of login type "${loginType}"`);
export const accountSuspended = () =>
  unauthorized('Your account is suspended. Contact an admin to reactivate your account.');
export const LOGGED_OUT = 'Logged out!';
