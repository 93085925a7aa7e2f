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
    const req = ctx.switchToHttp().getRequest<RequestWithBodyError>();
    if (req.bodyError && readsBody(ctx)) throw req.bodyError;
    return next.handle();
  }
}

function readsBody(ctx: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctx.getClass(), ctx.getHandler().name) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => Number(key.split(':')[0]) === (RouteParamtypes.BODY as number));
}
