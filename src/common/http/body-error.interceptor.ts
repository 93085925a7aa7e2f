import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import type { ApiError } from '../errors.js';

export type RequestWithBodyError = Request & { bodyError?: ApiError };

/**
 * Malformed JSON is answered only after the guards, so an anonymous caller gets 401 before 400
 * (the contract's order), and only on routes that read a body (Coder ignores bodies elsewhere).
 */
@Injectable()
export class BodyErrorInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const error = pendingBodyError(ctx);
    if (error) throw error;
    return next.handle();
  }
}

/**
 * The malformed-body error to answer on this route, if any. Also asked by the path-parameter guard
 * before it loads anything, so a malformed body is a 400 before an unknown `{group}` is a 404.
 */
export function pendingBodyError(ctx: ExecutionContext): ApiError | undefined {
  const req = ctx.switchToHttp().getRequest<RequestWithBodyError>();
  return req.bodyError && readsBody(ctx) ? req.bodyError : undefined;
}

function readsBody(ctx: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctx.getClass(), ctx.getHandler().name) ?? {}) as Record<
    string,
    unknown
  >;
  return Object.keys(args).some((key) => Number(key.split(':')[0]) === (RouteParamtypes.BODY as number));
}
