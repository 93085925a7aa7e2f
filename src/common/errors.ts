import { HttpException, HttpStatus } from '@nestjs/common';

export interface ValidationEntry {
  field: string;
  detail: string;
}

/** Coder's `codersdk.Response`: the body of every error. */
export interface ErrorBody {
  message: string;
  detail?: string;
  validations?: ValidationEntry[];
}

/** Canned messages shared by every module (Coder's httpapi wording). */
export const MESSAGES = {
  notFound: 'Resource not found or you do not have access to this resource',
  forbidden: 'Forbidden.',
  routeNotFound: 'Route not found.',
  methodNotAllowed: 'Method not allowed.',
  internal: 'An internal server error occurred.',
  badJson: 'Request body must be valid JSON.',
  validationFailed: 'Validation failed.',
  tooLarge: 'Request body too large.',
  tooComplex: 'Request body is nested too deeply or holds too many elements.',
  signedOut: 'You are signed out or your session has expired. Please sign in again to continue.',
  conflict: 'Resource already exists.',
  invalidQuery: 'Query parameters have invalid values.',
  invalidText: 'Request contains text that cannot be stored.',
  databaseUnavailable: 'The database is unavailable. Please try again shortly.',
} as const;

/** An error that already carries the envelope it is answered with. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body, status);
  }
}

export function notFound(): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, { message: MESSAGES.notFound });
}

export function forbidden(message: string = MESSAGES.forbidden, detail?: string): ApiError {
  return new ApiError(HttpStatus.FORBIDDEN, withDetail(message, detail));
}

export function badRequest(message: string, detail?: string, validations?: ValidationEntry[]): ApiError {
  const body = withDetail(message, detail);
  if (validations && validations.length > 0) body.validations = validations;
  return new ApiError(HttpStatus.BAD_REQUEST, body);
}

export function validationFailed(validations: ValidationEntry[]): ApiError {
  return badRequest(MESSAGES.validationFailed, undefined, validations);
}

export function conflict(message: string, detail?: string): ApiError {
  return new ApiError(HttpStatus.CONFLICT, withDetail(message, detail));
}

export function unauthorized(message: string, detail?: string): ApiError {
  return new ApiError(HttpStatus.UNAUTHORIZED, withDetail(message, detail));
}

function withDetail(message: string, detail?: string): ErrorBody {
  return detail ? { message, detail } : { message };
}

/** Coder's parseUUID answer for a path parameter that is not a UUID. */
export function invalidUuid(param: string, value: string): ApiError {
  return badRequest(`Invalid UUID "${param}".`, `invalid UUID format: ${JSON.stringify(value)}`);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
