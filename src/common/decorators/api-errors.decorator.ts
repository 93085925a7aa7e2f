import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../http/error-response.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (`Validation failed.` lists each field).',
  401: 'Missing, malformed, expired or revoked session token.',
  403: 'Signed in, but not allowed.',
  404: 'Not found, or not visible to the caller.',
  409: 'Conflicts with an existing resource.',
  413: 'Request body larger than 1 MiB.',
  429: 'Rate limited.',
};

/** Documents the error responses a route can give, all in the `codersdk.Response` envelope. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status] ?? 'Error.', type: ErrorResponseDto }),
    ),
  );
}

/** Documents one error response with a specific description (e.g. a feature gate's message). */
export function ApiErrorResponse(status: number, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, type: ErrorResponseDto });
}
