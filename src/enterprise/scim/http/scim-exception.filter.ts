import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { ApiError } from '../../../common/errors.js';
import { bodyParserErrorResponse } from '../../../common/http/exception.filter.js';
import { requestIdOf } from '../../../common/http/request-id.js';
import { routePath } from '../../../common/http/route-path.js';
import { isDatabaseUnavailable, isUniqueViolation } from '../../../common/pg-errors.js';
import { SCIM_CONTENT_TYPE } from '../discovery/scim.constants.js';
import {
  resourceConflict,
  scimDatabaseUnavailable,
  ScimDisabledError,
  ScimError,
  scimErrorForStatus,
  scimInternalError,
  scimNotFound,
  unstorableValue,
} from './scim.errors.js';

/** SCIM's own error answers (RFC 7644 §3.12) for every SCIM route, in place of Coder's envelope. */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SCIM');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof ScimDisabledError) {
      res.status(exception.getStatus()).json(exception.body);
      return;
    }
    const error = this.translate(exception, req);
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
    res.status(error.getStatus()).json(error.body);
  }

  private translate(exception: unknown, req: Request): ScimError {
    if (exception instanceof ScimError) return exception;
    // A path parameter the router cannot decode (`/Users/%a`; Nest wraps the router's URIError in a
    // 400 "Failed to decode param"): no such resource.
    if (
      exception instanceof HttpException &&
      exception.getStatus() === 400 &&
      exception.message.startsWith('Failed to decode param')
    ) {
      return scimNotFound();
    }
    const parsed =
      exception instanceof ApiError
        ? { status: exception.getStatus(), body: exception.body }
        : bodyParserErrorResponse(exception);
    if (parsed)
      return scimErrorForStatus(parsed.status, [parsed.body.message, parsed.body.detail].filter(Boolean).join(' '));
    if (exception instanceof HttpException) return scimErrorForStatus(exception.getStatus(), exception.message);
    if (isUniqueViolation(exception)) return resourceConflict();
    const code =
      exception instanceof QueryFailedError
        ? (exception.driverError as { code?: string } | undefined)?.code
        : undefined;
    // Class 22 (data exception: text PostgreSQL cannot store, a value out of range) is bad input.
    if (code?.startsWith('22')) return unstorableValue();
    const requestId = requestIdOf(req);
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ requestId, method: req.method }, 'database unavailable');
      return scimDatabaseUnavailable(requestId);
    }
    this.logger.error({ err: exception, requestId, method: req.method, route: routePath(req) }, 'unhandled SCIM error');
    return scimInternalError(requestId);
  }
}
