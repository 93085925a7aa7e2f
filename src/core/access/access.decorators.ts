import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { internalError } from '../../common/errors.js';
import { SESSION_SECURITY } from '../../common/http/security-schemes.js';
import type { Actor } from '../rbac/actor.js';
import type { Action, Resource } from '../rbac/permissions.js';

export const ACCESS_METADATA = 'coder:access';

export interface AuthorizeOptions {
  /** Route parameter holding the organization the permission must hold in (a UUID). */
  orgParam?: string;
  /** The 403 message when the actor lacks the permission (default `Forbidden.`). */
  message?: string;
  /** Answer 404 instead of 403: for site resources whose existence is not shown to others. */
  hide?: boolean;
}

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'authorize'; resource: Resource; action: Action; options: AuthorizeOptions };

/** No session needed (first-user setup, login, health). */
export function Public(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies AccessRule);
}

/** Any signed-in user; the service filters or checks each object itself (404 when not visible). */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'authenticated' } satisfies AccessRule),
    ApiSecurity(SESSION_SECURITY),
    ApiErrors(401),
  );
}

/**
 * Signed in and holding `action` on `resource`: site-wide, or inside the organization named by
 * `orgParam`. Checked by the authorization guard before the body is validated.
 */
export function Authorize(resource: Resource, action: Action, options: AuthorizeOptions = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'authorize', resource, action, options } satisfies AccessRule),
    ApiSecurity(SESSION_SECURITY),
    ApiErrors(401, options.hide ? 404 : 403),
  );
}

/** The authenticated actor (set by the session guard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<Request & { user?: Actor }>().user;
  // Only a public route has no actor: asking for one there is a wiring bug (a logged 500).
  if (!actor) throw internalError('CurrentActor used on a route without authentication');
  return actor;
});
