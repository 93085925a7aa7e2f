import { Body, Controller, Delete, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { ScimErrorDto, ScimGroupDto, ScimListResponseDto, ScimPatchOpDto, ScimSearchRequestDto } from './dto/scim.dto.js';
import { ScimGroupsService } from './scim-groups.service.js';
import { Scim, type ScimContext, type ScimReply } from './scim-http.js';
import { ScimConsumes, ScimController, scimPaths } from './scim-route.decorator.js';

const ID = { name: 'id', description: 'The group id (the Everyone group and any other value: 404).' };

@ScimController()
@Controller(scimPaths('Groups'))
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @Get()
  @ApiOperation({ summary: 'List the groups of the default organization (filter on displayName, externalId, id, members)' })
  @ApiQuery({ name: 'filter', required: false, example: 'displayName eq "Engineering"' })
  @ApiQuery({ name: 'startIndex', required: false })
  @ApiQuery({ name: 'count', required: false })
  @ApiQuery({ name: 'excludedAttributes', required: false, example: 'members' })
  @ApiQuery({ name: 'attributes', required: false })
  @ApiResponse({ status: 200, type: ScimListResponseDto })
  list(@Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.list(ctx);
  }

  @Post('.search')
  @ScimConsumes()
  @ApiOperation({ summary: 'Search groups with a SearchRequest body' })
  @ApiBody({ type: ScimSearchRequestDto })
  @ApiResponse({ status: 200, type: ScimListResponseDto })
  search(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.searchBody(body, ctx);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a group (If-None-Match: 304)' })
  @ApiParam(ID)
  @ApiResponse({ status: 200, type: ScimGroupDto })
  get(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.get(id, ctx);
  }

  @Post()
  @ScimConsumes()
  @ApiOperation({ summary: 'Create a group (its Coder name is derived from displayName)' })
  @ApiBody({ type: ScimGroupDto })
  @ApiResponse({ status: 201, type: ScimGroupDto })
  @ApiResponse({ status: 409, type: ScimErrorDto, description: '`uniqueness`: a group with that displayName exists.' })
  create(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.create(body, ctx);
  }

  @Put(':id')
  @ScimConsumes()
  @ApiOperation({ summary: 'Replace a group (displayName, externalId, members)' })
  @ApiParam(ID)
  @ApiBody({ type: ScimGroupDto })
  @ApiResponse({ status: 200, type: ScimGroupDto })
  replace(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.replace(id, body, ctx);
  }

  @Patch(':id')
  @ScimConsumes()
  @ApiOperation({ summary: 'Patch a group: add/remove/replace members, replace displayName', description: '`members[value eq "<id>"]` paths and Entra\'s remove-with-value form (only the listed members go).' })
  @ApiParam(ID)
  @ApiBody({ type: ScimPatchOpDto })
  @ApiResponse({ status: 200, type: ScimGroupDto })
  @ApiResponse({ status: 204, description: '`?attributes=` (none asked for).' })
  patch(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.patch(id, body, ctx);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a group' })
  @ApiParam(ID)
  @ApiResponse({ status: 204 })
  remove(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimReply> {
    return this.groups.remove(id, ctx);
  }
}
