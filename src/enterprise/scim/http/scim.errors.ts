import { HttpException } from '@nestjs/common';
import { MESSAGES } from '../../../common/errors.js';
import { FAILED_AUTH_MESSAGE } from '../../../core/auth/failed-auth-limiter.js';
import { notEntitledMessage } from '../../../core/licensing/licensing.errors.js';
import { SCHEMA } from '../discovery/scim.constants.js';

/** RFC 7644 §3.12 `scimType` values. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** RFC 7644 §3.12 error body; `status` is a string there (docs/compatibility.md, SCIM 2.0: Errors). */
export interface ScimErrorBody {
  schemas: [typeof SCHEMA.error];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

/** An error answered in the SCIM error schema (by ScimExceptionFilter). */
export class ScimError extends HttpException {
  constructor(
    status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }

  get body(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [SCHEMA.error], status: String(this.getStatus()) };
    if (this.scimType) body.scimType = this.scimType;
    if (this.detail) body.detail = this.detail;
    return body;
  }
}

/**
 * A filter that cannot be parsed or compiled. It is itself a 400 `invalidFilter` ScimError, so one
 * that escapes its caller (a compile error raised in a repository, say) is still answered as a
 * SCIM error and never as a 500.
 */
export class FilterError extends ScimError {
  constructor(detail: string) {
    super(400, 'invalidFilter', detail);
  }
}

/**
 * Thrown when no SCIM key is configured: the routes do not exist, answered in Coder's envelope
 * (`Route not found.`), not in the SCIM error schema.
 */
export class ScimDisabledError extends HttpException {
  readonly body = { message: MESSAGES.routeNotFound };

  constructor() {
    super(MESSAGES.routeNotFound, 404);
  }
}

const RESOURCE_NOT_FOUND = 'Resource not found.';
const NO_ORGANIZATION = 'Coder has no default organization yet: create the first user before provisioning.';

// Client errors with a detail naming what is wrong (the readers, the filter and PATCH parsers).
export const invalidSyntax = (detail: string) => new ScimError(400, 'invalidSyntax', detail);
export const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);
export const invalidValue = (detail: string) => new ScimError(400, 'invalidValue', detail);
export const invalidPath = (detail: string) => new ScimError(400, 'invalidPath', detail);
export const noTarget = (detail: string) => new ScimError(400, 'noTarget', detail);
export const mutability = (detail: string) => new ScimError(400, 'mutability', detail);
export const uniqueness = (detail: string) => new ScimError(409, 'uniqueness', detail);
export const scimNotFound = (detail = RESOURCE_NOT_FOUND) => new ScimError(404, undefined, detail);
export const preconditionFailed = () =>
  new ScimError(412, undefined, 'The resource has changed since the version given in If-Match.');

/** The error of one operation of a multi-operation PATCH, its detail prefixed with the operation. */
export const inOperation = (index: number, err: ScimError) =>
  new ScimError(err.getStatus(), err.scimType, `Operations[${index}]: ${err.detail}`);

// The SCIM key guard, in the order it checks.
export const scimDisabled = () => new ScimDisabledError();
export const missingScimKey = () =>
  new ScimError(401, undefined, 'Missing or invalid SCIM bearer token in the Authorization header.', {
    'WWW-Authenticate': 'Bearer realm="SCIM"',
  });
export const tooManyWrongKeys = (waitSeconds: number) =>
  new ScimError(429, undefined, FAILED_AUTH_MESSAGE(waitSeconds), { 'Retry-After': String(waitSeconds) });
export const scimNotEntitled = () => new ScimError(403, undefined, notEntitledMessage('scim'));

// Writes.
/** 409 while there is no organization to provision into (before the first user). */
export const noOrganization = () => new ScimError(409, undefined, NO_ORGANIZATION);
export const userNameTaken = (userName: string, holderId: string) =>
  uniqueness(`userName ${JSON.stringify(userName)} is already taken (user ${holderId}).`);
export const emailTaken = (email: string, holderId: string) =>
  uniqueness(`The email ${JSON.stringify(email)} is already taken (user ${holderId}).`);
export const noFreeUsername = (userName: string) =>
  uniqueness(`No free Coder username could be derived from userName ${JSON.stringify(userName)}.`);
/** A unique violation raised by a concurrent user write (also through Coder's API). */
export const userConflict = () => uniqueness('The userName or email is already taken by another user.');
export const displayNameTaken = (displayName: string, holderId: string) =>
  uniqueness(`A group with displayName ${JSON.stringify(displayName)} already exists (group ${holderId}).`);
export const noFreeGroupName = (displayName: string) =>
  uniqueness(`No free group name could be derived from displayName ${JSON.stringify(displayName)}.`);
/** A unique violation raised by a concurrent group write. */
export const groupConflict = () => uniqueness('The group conflicts with an existing one.');
export const unknownMembers = (ids: string[]) => {
  const shown = ids
    .slice(0, 5)
    .map((id) => JSON.stringify(id))
    .join(', ');
  return invalidValue(`members must be ids of provisioned users; unknown: ${shown}${ids.length > 5 ? ', …' : ''}.`);
};

// Errors raised outside SCIM's code, in SCIM's schema (ScimExceptionFilter).
export const resourceConflict = () => uniqueness('The resource conflicts with an existing one.');
/** PostgreSQL class 22 (data exception: text it cannot store, a value out of range): bad input. */
export const unstorableValue = () =>
  invalidValue('A value cannot be stored (for example, it contains a NUL character).');
export const scimDatabaseUnavailable = (requestId: string) =>
  new ScimError(503, undefined, `${MESSAGES.databaseUnavailable} Request ID: ${requestId}`, { 'Retry-After': '5' });
export const scimInternalError = (requestId: string) =>
  new ScimError(500, undefined, `${MESSAGES.internal} Request ID: ${requestId}`);

/** Another error's status (a body parser's, Nest's, Coder's envelope) in SCIM's schema. */
export function scimErrorForStatus(status: number, detail: string): ScimError {
  if (status === 404) return scimNotFound();
  if (status === 413) return new ScimError(413, 'tooMany', 'The request body is larger than 1 MiB.');
  if (status === 400) return invalidSyntax(detail);
  return new ScimError(status, undefined, detail);
}

/** A short, safe description of a client value for an error detail (never the whole value). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (typeof value === 'object') return 'an object';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were answered above; what is left is a primitive
  return String(value);
}
