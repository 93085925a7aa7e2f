import { applyDecorators, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { ApiConsumes, ApiHeader, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../core/access/access.decorators.js';
import { ScimErrorDto } from './dto/scim.dto.js';
import { ScimAuthGuard } from './scim-auth.guard.js';
import { ScimExceptionFilter } from './scim-exception.filter.js';
import { ScimReplyInterceptor } from './scim-http.js';
import { SCIM_MOUNTS } from './scim.constants.js';

/** A controller's paths under both SCIM mounts (`/scim/v2/...` and `/api/v2/scim/v2/...`). */
export function scimPaths(resource: string): string[] {
  return SCIM_MOUNTS.map((mount) => (resource ? `${mount}/${resource}` : mount));
}

const ERRORS: [number, string][] = [
  [400, 'Invalid request (`scimType` says why: invalidSyntax, invalidFilter, invalidValue, invalidPath, noTarget, mutability).'],
  [401, 'Missing or wrong SCIM key.'],
  [403, 'SCIM is not entitled (`SCIM is an Enterprise feature. Contact sales!`).'],
  [404, 'Unknown resource (also for malformed ids); `Route not found.` in Coder\'s envelope when no SCIM key is configured.'],
];

/**
 * A SCIM controller: not behind the session guard (`@Public()`; session tokens are not accepted),
 * but behind the SCIM key guard, with SCIM's error filter and reply writer.
 */
export function ScimController(): ClassDecorator {
  return applyDecorators(
    Public(),
    UseGuards(ScimAuthGuard),
    UseFilters(ScimExceptionFilter),
    UseInterceptors(ScimReplyInterceptor),
    ApiTags('SCIM'),
    ApiHeader({ name: 'Authorization', required: true, description: '`Bearer <CODER_SCIM_AUTH_HEADER>` (or the raw key).' }),
    ApiProduces('application/scim+json'),
    ...ERRORS.map(([status, description]) => ApiResponse({ status, description, type: ScimErrorDto })),
  );
}

/** Documents the request body types of a SCIM write. */
export function ScimConsumes(): MethodDecorator {
  return applyDecorators(ApiConsumes('application/scim+json', 'application/json'));
}
