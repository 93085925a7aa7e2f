import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { ROOT_PATHS } from '../../src/app.factory.js';
import { ACCESS_METADATA, type AccessRule } from '../../src/core/access/access.decorators.js';
import { isScimPath } from '../../src/enterprise/scim/discovery/scim.constants.js';
import type { TestApp } from '../helpers/app.js';

export interface AppRoute {
  method: string;
  /** Full path in Nest's form: `/api/v2/groups/:group`. */
  path: string;
  /** `METHOD path`: the key the security tables use. */
  key: string;
  rule: AccessRule | undefined;
}

/**
 * Every route of the running app, read from the controllers' metadata (so routes hidden from
 * the OpenAPI document, such as `/metrics`, are found too). The security tests key their tables on
 * `AppRoute.key`, and fail when a route has no entry: a new route cannot go unreviewed.
 */
export function listAppRoutes(t: TestApp): AppRoute[] {
  const routes: AppRoute[] = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) ?? '']
        .flat()
        .map((b) => String(b).replace(/^\/|\/$/g, ''));
      const classRule = Reflect.getMetadata(ACCESS_METADATA, controller) as AccessRule | undefined;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '').replace(/^\/|\/$/g, '');
        for (const base of bases) {
          const joined = [base, sub].filter(Boolean).join('/');
          const prefix = ROOT_PATHS.includes(base) || isScimPath(`/${base}`) ? '' : '/api/v2';
          const path = `${prefix}/${joined}`;
          const verb = RequestMethod[method];
          routes.push({
            method: verb,
            path,
            key: `${verb} ${path}`,
            rule: (Reflect.getMetadata(ACCESS_METADATA, handler) as AccessRule | undefined) ?? classRule,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

export const isWriteMethod = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);
