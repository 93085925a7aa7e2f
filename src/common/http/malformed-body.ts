import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { Request } from 'express';
import type { ApiError } from '../errors.js';

/**
 * The body of a request whose JSON could not be read (http-setup.ts puts it in `req.body`). It is
 * answered only where a route reads its body, after the guards, so an anonymous caller gets 401
 * before 400 (the contract's order) and routes that read no body ignore it, as Coder's do: the
 * validation pipe throws it for a `@Body()` argument (src/common/validation.ts), the path-parameter
 * guard before it loads anything.
 */
export class MalformedBody {
  constructor(readonly error: ApiError) {}
}

/** The malformed-body error to answer on this route before anything is loaded, if any. */
export function pendingBodyError(ctx: ExecutionContext): ApiError | undefined {
  const body = ctx.switchToHttp().getRequest<Request>().body as unknown;
  return body instanceof MalformedBody && readsBody(ctx) ? body.error : undefined;
}

function readsBody(ctx: ExecutionContext): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctx.getClass(), ctx.getHandler().name) ?? {}) as Record<
    string,
    unknown
  >;
  return Object.keys(args).some((key) => Number(key.split(':')[0]) === (RouteParamtypes.BODY as number));
}
