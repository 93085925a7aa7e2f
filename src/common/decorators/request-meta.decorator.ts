import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { requestIdOf } from '../http/request-id.js';

/** Who sent a request, as the audit log records it. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string;
  requestId: string;
}

export function requestMetaOf(req: Request): RequestMeta {
  const raw = req.ip ?? req.socket?.remoteAddress ?? null;
  return {
    ip: raw?.startsWith('::ffff:') ? raw.slice(7) : raw,
    userAgent: (req.headers['user-agent'] ?? '').slice(0, 256),
    requestId: requestIdOf(req),
  };
}

export const ReqMeta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMetaOf(ctx.switchToHttp().getRequest<Request>()),
);
