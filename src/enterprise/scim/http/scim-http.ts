import {
  createParamDecorator,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { requestMetaOf, type RequestMeta } from '../../../common/decorators/request-meta.decorator.js';
import { SCIM_CONTENT_TYPE } from '../discovery/scim.constants.js';

/** What a SCIM handler needs from its request. */
export interface ScimContext {
  /** Absolute base URL of the mount the request came through (for `meta.location`). */
  base: string;
  meta: RequestMeta;
  query: Record<string, unknown>;
  ifMatch?: string;
  ifNoneMatch?: string;
}

/** A SCIM answer: its status, body (none for 204/304) and headers (`Location`, `ETag`). */
export interface ScimReply {
  status: number;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

export type ScimRequest = Request & { scimBase?: string };

/** The absolute base URL of the mount a request came through, on the deployment's access URL. */
export function scimBaseOf(req: Request, accessUrl: string): string {
  const mount = /^\/api\/v2\//.test(req.originalUrl) ? '/api/v2/scim/v2' : '/scim/v2';
  return `${accessUrl.replace(/\/+$/, '')}${mount}`;
}

function scimContextOf(req: ScimRequest): ScimContext {
  return {
    base: req.scimBase ?? '',
    meta: requestMetaOf(req),
    query: req.query ?? {},
    ifMatch: header(req, 'if-match'),
    ifNoneMatch: header(req, 'if-none-match'),
  };
}

/** The handler's ScimContext (`scimBase` is set by ScimAuthGuard). */
export const Scim = createParamDecorator((_: unknown, ctx: ExecutionContext): ScimContext =>
  scimContextOf(ctx.switchToHttp().getRequest<ScimRequest>()),
);

/** Writes ScimReplies: status, headers, `application/scim+json`. */
@Injectable()
export class ScimReplyInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((reply: ScimReply) => {
        res.status(reply.status);
        for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
        if (reply.body === undefined) return undefined;
        res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
        return reply.body;
      }),
    );
  }
}
