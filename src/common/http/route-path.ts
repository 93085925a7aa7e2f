import type { Request } from 'express';

/** The matched route's pattern, for logs (Express types `req.route` as `any`). */
export function routePath(req: Request): string | undefined {
  return (req.route as { path?: string } | undefined)?.path;
}
