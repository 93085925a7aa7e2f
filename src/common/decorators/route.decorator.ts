import { applyDecorators, Delete, Get, HttpCode, Patch, Post, Put, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  type ApiBodyOptions,
  type ApiHeaderOptions,
  type ApiParamOptions,
  type ApiQueryOptions,
  type ApiResponseOptions,
} from '@nestjs/swagger';
import { ApiErrors } from './api-errors.decorator.js';

type Body = Type<unknown> | [Type<unknown>];

/** Everything a handler's route says about itself, in one decorator. */
export interface RouteSpec {
  summary: string;
  description?: string;
  /** The success body: answered with 200 (201 for POST unless `status` says otherwise). */
  returns?: Body;
  /** The success status, when not the method's default (200, or 201 for POST). */
  status?: number;
  /** What the success status means, when the default reason phrase would not say it. */
  returnsDescription?: string;
  /** The error statuses this handler answers on its own (the access decorator adds 401/403/404). */
  errors?: number[];
  /** Responses that are neither the success body nor an envelope error (a redirect, a 503 body). */
  responses?: ApiResponseOptions[];
  /** Only for a path parameter the shared table (src/common/http/path-params.ts) does not describe. */
  params?: ApiParamOptions[];
  query?: ApiQueryOptions[];
  body?: ApiBodyOptions;
  headers?: ApiHeaderOptions[];
  consumes?: string[];
  produces?: string[];
  deprecated?: boolean;
}

const METHODS = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;
type Method = keyof typeof METHODS;

/**
 * The route, its success status and its Swagger operation. A handler carries this and one access
 * decorator (`@Public()`, `@Authenticated()`, `@Authorize(...)`); path parameters are described
 * once for every route in the shared table.
 */
export function Route(method: Method, path: string, spec: RouteSpec): MethodDecorator {
  const status = spec.status ?? (method === 'POST' ? 201 : 200);
  const decorators: (MethodDecorator | ClassDecorator)[] = [
    METHODS[method](path),
    ApiOperation({ summary: spec.summary, description: spec.description, deprecated: spec.deprecated }),
  ];
  if (spec.status !== undefined) decorators.push(HttpCode(spec.status));
  if (spec.returns !== undefined || status === 204) {
    const type = spec.returns;
    decorators.push(
      ApiResponse(
        type === undefined
          ? { status, description: spec.returnsDescription }
          : { status, description: spec.returnsDescription, type },
      ),
    );
  }
  for (const response of spec.responses ?? []) decorators.push(ApiResponse(response));
  if (spec.errors?.length) decorators.push(ApiErrors(...spec.errors));
  for (const param of spec.params ?? []) decorators.push(ApiParam(param));
  for (const query of spec.query ?? []) decorators.push(ApiQuery(query));
  for (const header of spec.headers ?? []) decorators.push(ApiHeader(header));
  if (spec.body) decorators.push(ApiBody(spec.body));
  if (spec.consumes) decorators.push(ApiConsumes(...spec.consumes));
  if (spec.produces) decorators.push(ApiProduces(...spec.produces));
  return applyDecorators(...decorators);
}
