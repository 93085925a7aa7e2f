import { Injectable, type INestApplication } from '@nestjs/common';
import { RoutingExpressAdapter, type RouteLayer } from './routing-adapter.js';

interface RouteEntry {
  path: string;
  pattern: RegExp;
  methods: Set<string>;
}

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  // Case-sensitive and strict, as the router is (app.factory.ts).
  return new RegExp(`^${source}$`);
}

/**
 * Every registered route, read from Express once routing is set up. Used to answer 405 (with an
 * `Allow` header) instead of 404 when the path exists under another method.
 */
@Injectable()
export class RouteTable {
  private entries: RouteEntry[] = [];

  load(app: INestApplication): void {
    const adapter = app.getHttpAdapter();
    const express = adapter.getInstance() as { router?: { stack: RouteLayer[] } };
    const layers = [
      ...(express.router?.stack ?? []),
      ...(adapter instanceof RoutingExpressAdapter ? adapter.prefixRouteLayers() : []),
    ];
    const byPath = new Map<string, Set<string>>();
    for (const layer of layers) {
      if (!layer.route || typeof layer.route.path !== 'string') continue;
      // Nest mounts middleware as routes for every method (or with wildcards); those are not endpoints.
      if (layer.route.path.includes('*') || Object.keys(layer.route.methods).length > 8) continue;
      const methods = byPath.get(layer.route.path) ?? new Set<string>();
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') methods.add(method.toUpperCase());
      }
      byPath.set(layer.route.path, methods);
    }
    this.entries = [...byPath].map(([path, methods]) => ({ path, pattern: compile(path), methods }));
  }

  /**
   * The route template (`/api/v2/users/:user`) that serves `method` at `path` (without query
   * string), as the router matches it, or undefined when none does.
   */
  routeOf(method: string, path: string): string | undefined {
    const wanted = method === 'HEAD' ? 'GET' : method;
    return this.entries.find((entry) => entry.methods.has(wanted) && entry.pattern.test(path))?.path;
  }

  /** Methods served at `path` (without query string); empty when no route matches the path. */
  allowedMethods(path: string): string[] {
    const allowed = new Set<string>();
    for (const entry of this.entries) {
      if (entry.pattern.test(path)) entry.methods.forEach((m) => allowed.add(m));
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }
}
