import { ExpressAdapter } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** What RouteTable reads of a route layer. */
export interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean> };
}

type RouterWithStack = Router & { stack: RouteLayer[] };

/**
 * The literal start of a path, up to its third segment (`/api/v2/users` for `/api/v2/users/me`
 * and for `/api/v2/users/:user`; `/healthz` for `/healthz`), without the query string.
 */
export function routePrefix(path: string): string {
  let slashes = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 63 /* ? */) return path.slice(0, i);
    if (c === 47 /* / */ && ++slashes === 4) return path.slice(0, i);
  }
  return path;
}

type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' | 'all' | 'search';

/**
 * Nest's Express adapter, with the API's routes dispatched by their literal prefix.
 *
 * Express walks its router's layers in order and tests each route's pattern against the path, so
 * with ~150 routes in one list a request to `/api/v2/users/me` tested ~100 patterns before its own
 * (the largest share of the router's cost in `npm run bench -- profile`). Once `routeByPrefix()` is
 * called, each route registered (Nest registers all of its routes in `app.init()`) goes to an
 * Express router of its own prefix (`routePrefix`), and one layer, at the place the first route
 * would have taken, hands each request to the router of its prefix only. Within a prefix the
 * routes keep their order (`/users/roles` before `/users/:user`); routes of different prefixes can
 * never match the same path, so the first match is the same as in one list. Same options as the
 * app's router (case-sensitive, strict), and `req.route` is the same route object, with its full
 * path. OPTIONS requests match no route here unless one is declared for OPTIONS (or all methods);
 * otherwise they pass on to the app's own handling (404/405), as before.
 */
export class RoutingExpressAdapter extends ExpressAdapter {
  private prefixes?: Map<string, RouterWithStack>;
  private handlesOptions = false;

  /** From now on, routes are dispatched by prefix (call it after the middleware every route runs behind). */
  routeByPrefix(): void {
    if (this.prefixes) return;
    const prefixes = new Map<string, RouterWithStack>();
    this.prefixes = prefixes;
    const dispatch = (req: Request, res: Response, next: NextFunction): void => {
      if (req.method === 'OPTIONS' && !this.handlesOptions) return next();
      const url = req.url;
      const router = prefixes.get(routePrefix(url.charCodeAt(0) === 47 ? url : req.path));
      if (!router) return next();
      router(req, res, next);
    };
    this.getInstance<express.Express>().use(dispatch);
  }

  /** Route layers of the prefix routers, in the order they were registered within each prefix. */
  prefixRouteLayers(): RouteLayer[] {
    return [...(this.prefixes?.values() ?? [])].flatMap((router) => router.stack);
  }

  override get(...args: unknown[]) {
    return this.register('get', args);
  }
  override post(...args: unknown[]) {
    return this.register('post', args);
  }
  override put(...args: unknown[]) {
    return this.register('put', args);
  }
  override patch(...args: unknown[]) {
    return this.register('patch', args);
  }
  override delete(...args: unknown[]) {
    return this.register('delete', args);
  }
  override head(...args: unknown[]) {
    return this.register('head', args);
  }
  override options(...args: unknown[]) {
    return this.register('options', args);
  }
  override all(...args: unknown[]) {
    return this.register('all', args);
  }
  override search(...args: unknown[]) {
    return this.register('search', args);
  }

  private register(method: RouteMethod, args: unknown[]): unknown {
    const [path] = args;
    if (!this.prefixes || typeof path !== 'string') {
      return this.getInstance<Record<RouteMethod, (...a: unknown[]) => unknown>>()[method](...args);
    }
    const prefix = routePrefix(path);
    if (/[:*{}()]/.test(prefix)) {
      throw new Error(`route ${path}: its first three segments must be literal to be dispatched by prefix`);
    }
    let router = this.prefixes.get(prefix);
    if (!router) {
      router = express.Router({ caseSensitive: true, strict: true }) as RouterWithStack;
      this.prefixes.set(prefix, router);
    }
    if (method === 'options' || method === 'all') this.handlesOptions = true;
    return (router as unknown as Record<RouteMethod, (...a: unknown[]) => unknown>)[method](...args);
  }
}
