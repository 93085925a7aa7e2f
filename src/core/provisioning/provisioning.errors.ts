import { badRequest, methodNotAllowed, tooManyRequests } from '../../common/errors.js';

/** Messages and errors of provisioner jobs' routes (the logs streams). */

/** An upgrade of a logs route with another method than GET (the route itself also answers HEAD). */
export const upgradeMethodNotAllowed = () => methodNotAllowed(['GET', 'HEAD']);

export const tooManyLogStreams = () =>
  tooManyRequests('Too many log streams are open.', 'Close a log stream, or poll without "follow".', 5);

export const followRequired = () =>
  badRequest(
    'Query param "follow" is required to stream logs over a WebSocket.',
    'Without "follow", GET this route without upgrading to read the logs so far.',
  );

export const beforeWithFollow = () => badRequest('Query param "before" cannot be used with "follow".');

export const afterNotInteger = () =>
  badRequest('Query param "after" must be an integer.', undefined, [{ field: 'after', detail: 'Must be an integer' }]);
