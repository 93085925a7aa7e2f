import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { ScimErrorDto, ScimListResponseDto, ScimPatchOpDto, ScimSearchRequestDto, ScimUserDto } from './dto/scim.dto.js';
import { Scim, type ScimContext, type ScimReply } from './scim-http.js';
import { ScimConsumes, ScimController, scimPaths } from './scim-route.decorator.js';
import { ScimUsersService } from './scim-users.service.js';

const ID = { name: 'id', description: 'The user id (any other value: 404).' };
const PROJECTION = [
  ApiQuery({ name: 'attributes', required: false, description: 'Comma-separated attributes to return (`id` and `schemas` always are).' }),
  ApiQuery({ name: 'excludedAttributes', required: false, description: 'Comma-separated attributes to leave out.' }),
];
const projection = (): MethodDecorator => (target, key, descriptor) => {
  for (const d of PROJECTION) d(target, key, descriptor);
};

@ScimController()
@Controller(scimPaths('Users'))
export class ScimUsersController {
  constructor(private readonly users: ScimUsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users (filter, startIndex/count, attributes)', description: 'Filters: eq, ne, co, sw, ew, gt, ge, lt, le, pr, and, or, not, [] on userName, externalId, emails(.value/.type), active, id, displayName, name.*, groups, meta.created/lastModified.' })
  @ApiQuery({ name: 'filter', required: false, example: 'userName eq "alice@example.com"' })
  @ApiQuery({ name: 'startIndex', required: false, description: '1-based.' })
  @ApiQuery({ name: 'count', required: false, description: 'At most 200.' })
  @projection()
  @ApiResponse({ status: 200, type: ScimListResponseDto })
  list(@Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.list(ctx);
  }

  @Post('.search')
  @ScimConsumes()
  @ApiOperation({ summary: 'Search users with a SearchRequest body (RFC 7644 §3.4.3)' })
  @ApiBody({ type: ScimSearchRequestDto })
  @ApiResponse({ status: 200, type: ScimListResponseDto })
  search(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.searchBody(body, ctx);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (If-None-Match: 304)' })
  @ApiParam(ID)
  @projection()
  @ApiResponse({ status: 200, type: ScimUserDto })
  get(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.get(id, ctx);
  }

  @Post()
  @ScimConsumes()
  @ApiOperation({ summary: 'Create a user (login type oidc, in the default organization)', description: 'A userName or email already taken: 409 uniqueness. A user deleted through SCIM before comes back.' })
  @ApiBody({ type: ScimUserDto })
  @ApiResponse({ status: 201, type: ScimUserDto })
  @ApiResponse({ status: 409, type: ScimErrorDto, description: '`uniqueness`: the userName or email is taken.' })
  create(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.create(body, ctx);
  }

  @Put(':id')
  @ScimConsumes()
  @ApiOperation({ summary: 'Replace a user (If-Match honoured)' })
  @ApiParam(ID)
  @ApiBody({ type: ScimUserDto })
  @ApiResponse({ status: 200, type: ScimUserDto })
  @ApiResponse({ status: 412, type: ScimErrorDto, description: 'If-Match does not match the current version.' })
  replace(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.replace(id, body, ctx);
  }

  @Patch(':id')
  @ScimConsumes()
  @ApiOperation({ summary: 'Patch a user: PatchOp, or Coder\'s legacy whole-user body (only `active` is read)', description: '`active: false` suspends, `true` reactivates. 204 when `attributes` is empty.' })
  @ApiParam(ID)
  @ApiBody({ type: ScimPatchOpDto })
  @ApiResponse({ status: 200, type: ScimUserDto })
  @ApiResponse({ status: 204, description: '`?attributes=` (none asked for).' })
  patch(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.patch(id, body, ctx);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Deprovision a user: suspended in Coder and gone from SCIM; no data is deleted' })
  @ApiParam(ID)
  @ApiResponse({ status: 204 })
  remove(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.users.remove(id, ctx);
  }
}
