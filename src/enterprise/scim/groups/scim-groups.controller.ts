import { Body, Controller, Param } from '@nestjs/common';
import type { ApiParamOptions } from '@nestjs/swagger';
import { ScimGroupDto, ScimListResponseDto, ScimPatchOpDto, ScimSearchRequestDto } from '../dto/scim.dto.js';
import { Scim, type ScimContext, type ScimBody } from '../http/scim-http.js';
import { ScimController, ScimRoute, scimPaths } from '../http/scim-route.decorator.js';
import { ScimGroupsService } from './scim-groups.service.js';

const ID: ApiParamOptions[] = [
  { name: 'id', description: 'The group id (the Everyone group and any other value: 404).' },
];

@ScimController()
@Controller(scimPaths('Groups'))
export class ScimGroupsController {
  constructor(private readonly groups: ScimGroupsService) {}

  @ScimRoute('GET', '', {
    summary: 'List the groups of the default organization (filter on displayName, externalId, id, members)',
    query: [
      { name: 'attributes', required: false },
      { name: 'excludedAttributes', required: false, example: 'members' },
      { name: 'count', required: false },
      { name: 'startIndex', required: false },
      { name: 'filter', required: false, example: 'displayName eq "Engineering"' },
    ],
    returns: ScimListResponseDto,
  })
  list(@Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.list(ctx));
  }

  @ScimRoute('POST', '.search', {
    summary: 'Search groups with a SearchRequest body',
    body: { type: ScimSearchRequestDto },
    responses: [{ status: 200, type: ScimListResponseDto }],
  })
  search(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.searchBody(body, ctx));
  }

  @ScimRoute('GET', ':id', { summary: 'Get a group (If-None-Match: 304)', params: ID, returns: ScimGroupDto })
  get(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.get(id, ctx));
  }

  @ScimRoute('POST', '', {
    summary: 'Create a group (its Coder name is derived from displayName)',
    body: { type: ScimGroupDto },
    returns: ScimGroupDto,
    scimErrors: [{ status: 409, description: '`uniqueness`: a group with that displayName exists.' }],
  })
  create(@Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.create(body, ctx));
  }

  @ScimRoute('PUT', ':id', {
    summary: 'Replace a group (displayName, externalId, members)',
    params: ID,
    body: { type: ScimGroupDto },
    returns: ScimGroupDto,
  })
  replace(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.replace(id, body, ctx));
  }

  @ScimRoute('PATCH', ':id', {
    summary: 'Patch a group: add/remove/replace members, replace displayName',
    description: '`members[value eq "<id>"]` paths and Entra\'s remove-with-value form (only the listed members go).',
    params: ID,
    body: { type: ScimPatchOpDto },
    returns: ScimGroupDto,
    responses: [{ status: 204, description: '`?attributes=` (none asked for).' }],
  })
  patch(@Param('id') id: string, @Body() body: unknown, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.patch(id, body, ctx));
  }

  @ScimRoute('DELETE', ':id', { summary: 'Delete a group', params: ID, responses: [{ status: 204 }] })
  remove(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(this.groups.remove(id, ctx));
  }
}
