import { badRequest, type ValidationEntry } from '../../common/errors.js';

/** `GET /audit`'s messages (Coder's `searchquery.AuditLogs`). */
export const INVALID_AUDIT_QUERY = 'Invalid audit search query.';

/** A `q` Coder's parser rejects: 400 with one validation per problem. */
export const invalidAuditQuery = (validations: ValidationEntry[]) =>
  badRequest(INVALID_AUDIT_QUERY, undefined, validations);
