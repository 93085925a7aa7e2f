import { createParamDecorator, Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { internalError } from '../../common/errors.js';
import { pendingBodyError } from '../../common/http/malformed-body.js';
import type { Actor } from '../rbac/actor.js';

/** A request after authentication (`user`, the one actor slot) and parameter resolution. */
export type ResolvingRequest = Request & { user?: Actor; resolved?: Record<string, unknown> };

/** What a resolver may read of the request: the parameters resolved before it, and the query. */
export type ResolutionContext = Pick<ResolvingRequest, 'resolved' | 'query'>;

/**
 * Loads the object one path parameter names, as `actor` may see it. Throws the route's 4xx: 404
 * when the object is missing or hidden from the caller, 400 when the value is malformed. Earlier
 * parameters of the same path are already in `req.resolved` (`{organization}` before `{groupName}`).
 */
export interface ParamResolver<T = unknown> {
  resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<T>;
}

/**
 * Which resolver loads which path parameter, by name. Each feature registers the parameters it
 * owns (`group` by groups, `workspaceproxy` by workspace proxies) when its module starts, so this
 * layer never imports the features above it.
 */
@Injectable()
export class ParamResolvers {
  private readonly byName = new Map<string, ParamResolver>();

  register(name: string, resolver: ParamResolver): void {
    if (this.byName.has(name)) throw new Error(`path parameter "${name}" already has a resolver`);
    this.byName.set(name, resolver);
  }

  get(name: string): ParamResolver | undefined {
    return this.byName.get(name);
  }

  /**
   * Loads one named path parameter where no guard runs: WebSocket upgrades (the logs streams, the
   * provisioner daemon socket) pass the value their path matched, with the same rules and errors.
   */
  load(
    name: string,
    value: string,
    actor: Actor | undefined,
    context: ResolutionContext = { query: {} },
  ): Promise<unknown> {
    const resolver = this.byName.get(name);
    if (!resolver) throw internalError(`path parameter "${name}" has no resolver`);
    return resolver.resolve(value, actor, context);
  }
}

/**
 * Global guard after authentication, entitlements and route-level RBAC: every path parameter with
 * a resolver is loaded once, in path order, before the body is validated. Handlers and services
 * receive the objects (`@Resolved('group')`), never the raw strings.
 */
@Injectable()
export class ParamResolutionGuard implements CanActivate {
  constructor(private readonly resolvers: ParamResolvers) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<ResolvingRequest>();
    const params = req.params;
    // Routes without path parameters (and their requests) need nothing loaded: no promise either.
    if (!params) return true;
    for (const name in params) if (this.resolvers.get(name)) return this.resolve(ctx, req);
    return true;
  }

  private async resolve(ctx: ExecutionContext, req: ResolvingRequest): Promise<boolean> {
    for (const [name, value] of Object.entries(req.params)) {
      const resolver = this.resolvers.get(name);
      if (!resolver || typeof value !== 'string') continue;
      if (!req.resolved) {
        // Malformed JSON is answered before anything is loaded, as it was before parameters moved here.
        const bodyError = pendingBodyError(ctx);
        if (bodyError) throw bodyError;
        req.resolved = {};
      }
      req.resolved[name] = await resolver.resolve(value, req.user, req);
    }
    return true;
  }
}

/** The object the named path parameter resolved to. */
export const Resolved = createParamDecorator((name: string, ctx: ExecutionContext): unknown => {
  const value = ctx.switchToHttp().getRequest<ResolvingRequest>().resolved?.[name];
  // A handler asking for a parameter no resolver loaded is a wiring bug, not a client error.
  if (value === undefined) throw internalError(`path parameter "${name}" was not resolved`);
  return value;
});

@Module({ providers: [ParamResolvers], exports: [ParamResolvers] })
export class AccessModule {}
