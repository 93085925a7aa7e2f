import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
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
  /**
   * Writes a ScimReply's status and headers (and SCIM's media type when there is a body) and
   * answers the body for Nest to send: what a handler returns, `ctx.send(this.users.get(id, ctx))`.
   */
  send(reply: ScimReply | Promise<ScimReply>): Promise<ScimBody>;
}

/** What a SCIM handler hands Nest to send: a reply's body, if any (ScimContext.send). */
export type ScimBody = Record<string, unknown> | undefined;

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

/** Puts a ScimReply's status and headers on `res`; answers the body Nest then sends. */
export function writeScimReply(res: Response, reply: ScimReply): ScimBody {
  res.status(reply.status);
  if (reply.headers) for (const name in reply.headers) res.setHeader(name, reply.headers[name]);
  if (reply.body === undefined) return undefined;
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  return reply.body;
}

function scimContextOf(req: ScimRequest, res: Response): ScimContext {
  return {
    base: req.scimBase ?? '',
    meta: requestMetaOf(req),
    query: req.query ?? {},
    ifMatch: header(req, 'if-match'),
    ifNoneMatch: header(req, 'if-none-match'),
    // A plain function rather than an rxjs interceptor around every SCIM handler.
    send: async (reply) => writeScimReply(res, await reply),
  };
}

/** The handler's ScimContext (`scimBase` is set by ScimAuthGuard). */
export const Scim = createParamDecorator((_: unknown, ctx: ExecutionContext): ScimContext => {
  const http = ctx.switchToHttp();
  return scimContextOf(http.getRequest<ScimRequest>(), http.getResponse<Response>());
});
