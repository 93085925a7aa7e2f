import type { ErrorBody } from '../errors.js';
import { MESSAGES } from '../errors.js';

/**
 * Example error bodies for the OpenAPI document, one per status, as this server really answers
 * them (swagger-examples.spec.ts checks the ones written out here against the code that sends
 * them). A response whose description names its message in backticks gets that message instead
 * (swagger-document.ts).
 */
export const ERROR_EXAMPLES: Record<number, { summary: string; value: ErrorBody }> = {
  400: {
    summary: 'Validation failed',
    value: {
      message: MESSAGES.validationFailed,
      validations: [{ field: 'name', detail: 'Validation failed for tag "username" with value: "Bad Name!"' }],
    },
  },
  401: {
    summary: 'No session token',
    value: { message: MESSAGES.signedOut, detail: 'Cookie "coder_session_token" or query parameter must be provided.' },
  },
  403: { summary: 'Not allowed', value: { message: MESSAGES.forbidden } },
  404: { summary: 'Not found or not visible', value: { message: MESSAGES.notFound } },
  406: {
    summary: 'Template version still importing',
    value: { message: 'The provided template version is running. Wait for it to complete importing!' },
  },
  409: { summary: 'Already exists', value: { message: MESSAGES.conflict } },
  410: {
    summary: 'Workspace deleted',
    value: { message: 'Workspace "3fa85f64-5717-4562-b3fc-2c963f66afa6" was deleted; it cannot be built.' },
  },
  413: {
    summary: 'Body too large',
    value: { message: MESSAGES.tooLarge, detail: 'The request body must be at most 1 MiB.' },
  },
  426: { summary: 'Not a WebSocket upgrade', value: { message: 'This endpoint only accepts WebSocket connections.' } },
  429: {
    summary: 'Rate limited',
    value: { message: "You've been rate limited for sending more than 60 requests in 1m0s." },
  },
  503: { summary: 'Database unavailable', value: { message: MESSAGES.databaseUnavailable } },
};

/** Full bodies for messages that come with more than a message (a description naming one gets it whole). */
export const MESSAGE_EXAMPLES: Record<string, ErrorBody> = {
  [MESSAGES.validationFailed]: ERROR_EXAMPLES[400].value,
  [MESSAGES.invalidQuery]: {
    message: MESSAGES.invalidQuery,
    validations: [{ field: 'limit', detail: 'Query param "limit" must be a valid integer ("abc")' }],
  },
};

const SCIM_ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

function scimError(status: number, detail: string, scimType?: string) {
  return { schemas: [SCIM_ERROR_URN], status: String(status), ...(scimType ? { scimType } : {}), detail };
}

/** The same for SCIM routes, in the SCIM error schema (RFC 7644 §3.12). */
export const SCIM_ERROR_EXAMPLES: Record<number, { summary: string; value: ReturnType<typeof scimError> }> = {
  400: {
    summary: 'Invalid filter',
    value: scimError(400, 'filter must be given once, as a string.', 'invalidFilter'),
  },
  401: {
    summary: 'Missing or wrong SCIM key',
    value: scimError(401, 'Missing or invalid SCIM bearer token in the Authorization header.'),
  },
  403: { summary: 'Not entitled', value: scimError(403, 'SCIM is an Enterprise feature. Contact sales!') },
  404: { summary: 'Unknown resource', value: scimError(404, 'Resource not found.') },
  409: {
    summary: 'Uniqueness',
    value: scimError(409, 'The userName or email is already taken by another user.', 'uniqueness'),
  },
  412: {
    summary: 'Version mismatch',
    value: scimError(412, 'The resource has changed since the version given in If-Match.'),
  },
  413: { summary: 'Body too large', value: scimError(413, 'The request body is larger than 1 MiB.', 'tooMany') },
};
