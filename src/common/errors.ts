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

export function notFound(message: string = MESSAGES.notFound, detail?: string): ApiError {
  return new ApiError(HttpStatus.NOT_FOUND, withDetail(message, detail));
}

export function routeNotFound(): ApiError {
  return notFound(MESSAGES.routeNotFound);
}

export function methodNotAllowed(allowed: string[]): ApiError {
  return new ApiError(
    HttpStatus.METHOD_NOT_ALLOWED,
    { message: MESSAGES.methodNotAllowed },
    { Allow: allowed.join(', ') },
  );
}

export function notAcceptable(message: string, detail?: string): ApiError {
  return new ApiError(HttpStatus.NOT_ACCEPTABLE, withDetail(message, detail));
}

export function gone(message: string, detail?: string): ApiError {
  return new ApiError(HttpStatus.GONE, withDetail(message, detail));
}

export function payloadTooLarge(message: string = MESSAGES.tooLarge, detail?: string): ApiError {
  return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, withDetail(message, detail));
}

export function unsupportedMediaType(message: string, detail?: string): ApiError {
  return new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, withDetail(message, detail));
}

/** 426: the route speaks only WebSocket. */
export function upgradeRequired(message: string): ApiError {
  return new ApiError(426, { message }, { Upgrade: 'websocket' });
}

export function preconditionRequired(message: string, detail?: string): ApiError {
  return new ApiError(HttpStatus.PRECONDITION_REQUIRED, withDetail(message, detail));
}

/** 429, with the seconds to wait when the limiter knows them. */
export function tooManyRequests(message: string, detail?: string, retryAfterSeconds?: number): ApiError {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  return new ApiError(HttpStatus.TOO_MANY_REQUESTS, withDetail(message, detail), headers);
}

export function serviceUnavailable(message: string, detail?: string, retryAfterSeconds?: number): ApiError {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, withDetail(message, detail), headers);
}

/**
 * A server fault raised on purpose (a wiring bug). Answered like any unexpected error: a logged
 * 500 whose body never carries the cause.
 */
export class InternalError extends Error {}

export function internalError(cause: string): InternalError {
  return new InternalError(cause);
}

export function forbidden(message: string = MESSAGES.forbidden, detail?: string): ApiError {
  return new ApiError(HttpStatus.FORBIDDEN, withDetail(message, detail));
}

export function badRequest(message: string, detail?: string, validations?: ValidationEntry[]): ApiError {
  const body = withDetail(message, detail);
  if (validations && validations.length > 0) body.validations = validations;
  return new ApiError(HttpStatus.BAD_REQUEST, body);
}

/** The same error, naming the fields at fault (Coder adds them to some 404s and 409s too). */
export function withValidations(error: ApiError, validations: ValidationEntry[]): ApiError {
  if (validations.length > 0) error.body.validations = validations;
  return error;
}

/** The same error, telling the client when to try again. */
export function withRetryAfter(error: ApiError, seconds: number): ApiError {
  error.headers['Retry-After'] = String(seconds);
  return error;
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
