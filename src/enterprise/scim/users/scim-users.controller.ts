import { Body, Controller, Param } from '@nestjs/common';
import type { ApiParamOptions, ApiQueryOptions } from '@nestjs/swagger';
import { ScimListResponseDto, ScimPatchOpDto, ScimSearchRequestDto, ScimUserDto } from '../dto/scim.dto.js';
import { Scim, type ScimContext, type ScimBody } from '../http/scim-http.js';
import { ScimController, ScimRoute, scimPaths } from '../http/scim-route.decorator.js';
import { ScimUsersService } from './scim-users.service.js';

const ID: ApiParamOptions[] = [{ name: 'id', description: 'The user id (any other value: 404).' }];
const PROJECTION: ApiQueryOptions[] = [
  {
    name: 'attributes',
    required: false,
    description: 'Comma-separated attributes to return (`id` and `schemas` always are).',
  },
  { name: 'excludedAttributes', required: false, description: 'Comma-separated attributes to leave out.' },
];

@ScimController()
@Controller(scimPaths('Users'))
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @ScimRoute('GET', '', {
    summary: 'List users (filter, startIndex/count, attributes)',
    description:
      'Filters: eq, ne, co, sw, ew, gt, ge, lt, le, pr, and, or, not, [] on userName, externalId, emails(.value/.type), active, id, displayName, name.*, groups, meta.created/lastModified.',
    query: [
      ...PROJECTION,
      { name: 'count', required: false, description: 'At most 200.' },
      { name: 'startIndex', required: false, description: '1-based.' },
      { name: 'filter', required: false, example: 'userName eq "alice@example.com"' },
    ],
    returns: ScimListResponseDto,
  })
  list(@Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.list(ctx));
  }

  @ScimRoute('POST', '.search', {
    summary: 'Search users with a SearchRequest body (RFC 7644 §3.4.3)',
    body: { type: ScimSearchRequestDto },
    responses: [{ status: 200, type: ScimListResponseDto }],
  })
  search(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.searchBody(body, ctx));
  }

  @ScimRoute('GET', ':id', {
    summary: 'Get a user (If-None-Match: 304)',
    params: ID,
    query: PROJECTION,
    returns: ScimUserDto,
  })
  get(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.get(id, ctx));
  }

  @ScimRoute('POST', '', {
    summary: 'Create a user (login type oidc, in the default organization)',
    description: 'A userName or email already taken: 409 uniqueness. A user deleted through SCIM before comes back.',
    body: { type: ScimUserDto },
    returns: ScimUserDto,
    scimErrors: [{ status: 409, description: '`uniqueness`: the userName or email is taken.' }],
  })
  create(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.create(body, ctx));
  }

  @ScimRoute('PUT', ':id', {
    summary: 'Replace a user (If-Match honoured)',
    params: ID,
    body: { type: ScimUserDto },
    returns: ScimUserDto,
    scimErrors: [{ status: 412, description: 'If-Match does not match the current version.' }],
  })
  replace(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.replace(id, body, ctx));
  }

  @ScimRoute('PATCH', ':id', {
    summary: "Patch a user: PatchOp, or Coder's legacy whole-user body (only `active` is read)",
    description: '`active: false` suspends, `true` reactivates. 204 when `attributes` is empty.',
    params: ID,
    body: { type: ScimPatchOpDto },
    returns: ScimUserDto,
    responses: [{ status: 204, description: '`?attributes=` (none asked for).' }],
  })
  patch(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.patch(id, body, ctx));
  }

  @ScimRoute('DELETE', ':id', {
    summary: 'Deprovision a user: suspended in Coder and gone from SCIM; no data is deleted',
    params: ID,
    responses: [{ status: 204 }],
  })
  remove(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.users.remove(id, ctx));
  }
}
