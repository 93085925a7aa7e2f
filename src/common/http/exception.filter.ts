import {
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable, sqlState } from '../pg-errors.js';
import { ApiError, MESSAGES, type ErrorBody } from '../errors.js';
import { requestIdOf } from './request-id.js';
import { routePath } from './route-path.js';
import { ErrorDelegates } from './error-delegates.js';
import { RouteTable } from './route-table.js';

const PG_UNIQUE_VIOLATION = '23505';
/** character_not_in_repertoire, untranslatable_character: text PostgreSQL cannot store (a NUL byte). */
const PG_BAD_TEXT = new Set(['22021', '22P05']);

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

function describeLimit(err: unknown): string {
  const limit = (err as { limit?: unknown }).limit;
  return typeof limit === 'number' && limit >= 1024 * 1024 ? `${limit / (1024 * 1024)} MiB` : '1 MiB';
}

/** Maps errors raised by Express' body parser (bad JSON, too large, bad charset) onto the envelope. */
export function bodyParserErrorResponse(err: unknown): { status: number; body: ErrorBody } | undefined {
  const e = err as BodyParserError | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string') return undefined;
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, body: { message: MESSAGES.badJson, detail: (err as Error).message } };
    case 'entity.too.large':
      return {
        status: 413,
        body: { message: MESSAGES.tooLarge, detail: `The request body must be at most ${describeLimit(err)}.` },
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, body: { message: 'Unsupported request body encoding.', detail: (err as Error).message } };
    case 'entity.too.complex':
      return { status: 400, body: { message: MESSAGES.tooComplex, detail: (err as Error).message } };
    case 'request.aborted':
      return { status: 400, body: { message: 'Request aborted.' } };
    default:
      return e.status && e.status >= 400 && e.status < 500
        ? { status: e.status, body: { message: (err as Error).message } }
        : undefined;
  }
}

/** A body-parser error as the ApiError it is answered with, or undefined for any other error. */
export function bodyParserError(err: unknown): ApiError | undefined {
  const mapped = bodyParserErrorResponse(err);
  return mapped && new ApiError(mapped.status, mapped.body);
}

/**
 * The one place an error becomes a response: Nest hands it what handlers, guards, pipes and Nest
 * middleware throw, and app.factory.ts routes Express' error chain (body parser, rate limiter,
 * unknown paths outside `/api/v2`) here too. Our ApiErrors carry their envelope; Nest's and
 * Express' are translated; a unique violation is a 409; anything else is a logged 500 whose body
 * names the request id and never the cause.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly routes: RouteTable,
    private readonly delegates: ErrorDelegates,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (this.delegates.handle(exception, host, req.originalUrl)) return;
    const { status, body, headers } = this.translate(exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    res.status(status).json(body);
  }

  private translate(
    exception: unknown,
    req: Request,
  ): { status: number; body: ErrorBody; headers?: Record<string, string> } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: exception.body, headers: exception.headers };
    }
    const parserError = bodyParserErrorResponse(exception);
    if (parserError) return parserError;
    if (exception instanceof NotFoundException && this.isRouterMiss(exception)) {
      // Not `req.path`: Nest's not-found handler runs in a router mounted at the global prefix,
      // where Express has stripped `/api/v2` from it.
      const allowed = this.routes.allowedMethods(req.originalUrl.split('?')[0]);
      if (allowed.length > 0) {
        return {
          status: HttpStatus.METHOD_NOT_ALLOWED,
          body: { message: MESSAGES.methodNotAllowed },
          headers: { Allow: allowed.join(', ') },
        };
      }
      return { status: HttpStatus.NOT_FOUND, body: { message: MESSAGES.routeNotFound } };
    }
    if (exception instanceof HttpException) return this.fromNest(exception);
    if (sqlState(exception) === PG_UNIQUE_VIOLATION) {
      return { status: HttpStatus.CONFLICT, body: { message: MESSAGES.conflict } };
    }
    // Bad input, not a server fault: a NUL character in a path parameter or body string.
    if (PG_BAD_TEXT.has(sqlState(exception) ?? '')) {
      return {
        status: HttpStatus.BAD_REQUEST,
        body: { message: MESSAGES.invalidText, detail: 'Text values must not contain NUL (\\u0000) characters.' },
      };
    }
    const requestId = requestIdOf(req);
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ requestId, method: req.method, route: routePath(req) }, 'database unavailable');
      return {
        status: HttpStatus.SERVICE_UNAVAILABLE,
        body: { message: MESSAGES.databaseUnavailable, detail: `Request ID: ${requestId}` },
        headers: { 'Retry-After': '5' },
      };
    }
    this.logger.error({ err: exception, requestId, method: req.method, route: routePath(req) }, 'unhandled error');
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { message: MESSAGES.internal, detail: `Request ID: ${requestId}` },
    };
  }

  private isRouterMiss(exception: NotFoundException): boolean {
    const response = exception.getResponse() as { message?: unknown };
    return typeof response?.message === 'string' && /^Cannot [A-Z]+ /.test(response.message);
  }

  private fromNest(exception: HttpException): { status: number; body: ErrorBody } {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const text = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
    switch (status as HttpStatus) {
      case HttpStatus.UNAUTHORIZED:
        return { status, body: { message: MESSAGES.signedOut } };
      case HttpStatus.FORBIDDEN:
        return { status, body: { message: MESSAGES.forbidden } };
      case HttpStatus.NOT_FOUND:
        return { status, body: { message: MESSAGES.notFound } };
      case HttpStatus.PAYLOAD_TOO_LARGE:
        return { status, body: { message: MESSAGES.tooLarge } };
      default:
        return { status, body: { message: text } };
    }
  }
}
