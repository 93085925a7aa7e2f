import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiResponse, ApiTags, type ApiResponseOptions } from '@nestjs/swagger';
import { Route, type RouteSpec } from '../../../common/decorators/route.decorator.js';
import { Public } from '../../../core/access/access.decorators.js';
import { ScimErrorDto } from '../dto/scim.dto.js';
import { SCIM_MOUNTS } from '../discovery/scim.constants.js';
import { ScimAuthGuard } from './scim-auth.guard.js';
import { ScimExceptionFilter } from './scim-exception.filter.js';
import { notEntitledMessage } from '../../../core/licensing/licensing.errors.js';

/** A controller's paths under both SCIM mounts (`/scim/v2/...` and `/api/v2/scim/v2/...`). */
export function scimPaths(resource: string): string[] {
  return SCIM_MOUNTS.map((mount) => (resource ? `${mount}/${resource}` : mount));
}

const ERRORS: [number, string][] = [
  [
    400,
    'Invalid request (`scimType` says why: invalidSyntax, invalidFilter, invalidValue, invalidPath, noTarget, mutability).',
  ],
  [401, 'Missing or wrong SCIM key.'],
  [403, `SCIM is not entitled (\`${notEntitledMessage('scim')}\`).`],
  [
    404,
    "Unknown resource (also for malformed ids); `Route not found.` in Coder's envelope when no SCIM key is configured.",
  ],
];

/**
 * A SCIM controller: not behind the session guard (`@Public()`; session tokens are not accepted),
 * but behind the SCIM key guard, with SCIM's error filter. Its handlers carry `@ScimRoute` alone,
 * and answer `ctx.send(reply)` (scim-http.ts: a ScimReply's status, headers and body).
 */
export function ScimController(): ClassDecorator {
  return applyDecorators(
    Public(),
    UseGuards(ScimAuthGuard),
    UseFilters(ScimExceptionFilter),
    ApiTags('SCIM'),
    ApiHeader({
      name: 'Authorization',
      required: true,
      description: '`Bearer <CODER_SCIM_AUTH_HEADER>` (or the raw key).',
    }),
    ApiProduces('application/scim+json'),
    ...ERRORS.map(([status, description]) => ApiResponse({ status, description, type: ScimErrorDto })),
  );
}

/** A SCIM route's own documentation; errors beyond those of every SCIM route are in `scimErrors`. */
export interface ScimRouteSpec extends Pick<
  RouteSpec,
  'summary' | 'description' | 'returns' | 'params' | 'query' | 'body' | 'responses'
> {
  /** Errors of this route in the SCIM error schema (409 `uniqueness`, 412), with what they mean. */
  scimErrors?: { status: number; description: string }[];
}

/**
 * The route and its Swagger operation. SCIM answers carry their own status (ScimReply), so a
 * success answer other than the method's default (200, 201 for POST) is documented in `responses`,
 * never set with `status`. A route with a body reads SCIM's media type and plain JSON.
 */
export function ScimRoute(method: Parameters<typeof Route>[0], path: string, spec: ScimRouteSpec): MethodDecorator {
  const { scimErrors = [], ...route } = spec;
  const errors: ApiResponseOptions[] = scimErrors.map(({ status, description }) => ({
    status,
    type: ScimErrorDto,
    description,
  }));
  return Route(method, path, {
    ...route,
    responses: [...(route.responses ?? []), ...errors],
    consumes: spec.body ? ['application/scim+json', 'application/json'] : undefined,
  });
}
