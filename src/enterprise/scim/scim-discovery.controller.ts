import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { ScimListResponseDto } from './dto/scim.dto.js';
import {
  ALL_RESOURCE_SCHEMAS,
  findResourceSchema,
  listResponse,
  resourceType,
  schemaDocument,
  serviceProviderConfig,
} from './scim-discovery.js';
import { scimNotFound } from './scim-error.js';
import { Scim, type ScimContext, type ScimReply } from './scim-http.js';
import { ScimController, scimPaths } from './scim-route.decorator.js';

/** RFC 7644 §4 discovery: what this server supports, built from the definitions the handlers use. */
@ScimController()
@Controller(scimPaths(''))
export class ScimDiscoveryController {
  @Get('ServiceProviderConfig')
  @ApiOperation({ summary: 'What this SCIM service supports (PATCH, filter, ETags; no bulk, sort or password change)' })
  @ApiResponse({ status: 200 })
  serviceProviderConfig(@Scim() ctx: ScimContext): ScimReply {
    return { status: 200, body: serviceProviderConfig(ctx.base) };
  }

  @Get('ResourceTypes')
  @ApiOperation({ summary: 'The resource types served: User and Group' })
  @ApiResponse({ status: 200, type: ScimListResponseDto })
  resourceTypes(@Scim() ctx: ScimContext): ScimReply {
    return { status: 200, body: listResponse(ALL_RESOURCE_SCHEMAS.map((s) => resourceType(s, ctx.base))) };
  }

  @Get('ResourceTypes/:name')
  @ApiOperation({ summary: 'One resource type (`User` or `Group`)' })
  @ApiParam({ name: 'name', example: 'User' })
  @ApiResponse({ status: 200 })
  resourceType(@Param('name') name: string, @Scim() ctx: ScimContext): ScimReply {
    const schema = findResourceSchema(name);
    if (!schema || schema.name.toLowerCase() !== name.toLowerCase()) throw scimNotFound();
    return { status: 200, body: resourceType(schema, ctx.base) };
  }

  @Get('Schemas')
  @ApiOperation({ summary: 'The User and Group schemas, exactly as supported' })
  @ApiResponse({ status: 200, type: ScimListResponseDto })
  schemas(@Scim() ctx: ScimContext): ScimReply {
    return { status: 200, body: listResponse(ALL_RESOURCE_SCHEMAS.map((s) => schemaDocument(s, ctx.base))) };
  }

  @Get('Schemas/:id')
  @ApiOperation({ summary: 'One schema, by its URN' })
  @ApiParam({ name: 'id', example: 'urn:ietf:params:scim:schemas:core:2.0:User' })
  @ApiResponse({ status: 200 })
  schema(@Param('id') id: string, @Scim() ctx: ScimContext): ScimReply {
    const schema = findResourceSchema(id);
    if (!schema || schema.id.toLowerCase() !== id.toLowerCase()) throw scimNotFound();
    return { status: 200, body: schemaDocument(schema, ctx.base) };
  }
}
