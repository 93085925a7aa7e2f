import { Controller, Param } from '@nestjs/common';
import { ScimListResponseDto } from '../dto/scim.dto.js';
import { Scim, type ScimContext, type ScimBody } from '../http/scim-http.js';
import { documentReply } from '../http/scim-replies.js';
import { ScimController, ScimRoute, scimPaths } from '../http/scim-route.decorator.js';
import {
  resourceTypeList,
  resourceTypeNamed,
  schemaList,
  schemaWithId,
  serviceProviderConfig,
} from './scim-discovery.js';

/** RFC 7644 §4 discovery: what this server supports, built from the definitions the handlers use. */
@ScimController()
@Controller(scimPaths(''))
export class ScimDiscoveryController {
  @ScimRoute('GET', 'ServiceProviderConfig', {
    summary: 'What this SCIM service supports (PATCH, filter, ETags; no bulk, sort or password change)',
    responses: [{ status: 200 }],
  })
  serviceProviderConfig(@Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(documentReply(serviceProviderConfig(ctx.base)));
  }

  @ScimRoute('GET', 'ResourceTypes', {
    summary: 'The resource types served: User and Group',
    returns: ScimListResponseDto,
  })
  resourceTypes(@Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(documentReply(resourceTypeList(ctx.base)));
  }

  @ScimRoute('GET', 'ResourceTypes/:name', {
    summary: 'One resource type (`User` or `Group`)',
    params: [{ name: 'name', example: 'User' }],
    responses: [{ status: 200 }],
  })
  resourceType(@Param('name') name: string, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(documentReply(resourceTypeNamed(name, ctx.base)));
  }

  @ScimRoute('GET', 'Schemas', {
    summary: 'The User and Group schemas, exactly as supported',
    returns: ScimListResponseDto,
  })
  schemas(@Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(documentReply(schemaList(ctx.base)));
  }

  @ScimRoute('GET', 'Schemas/:id', {
    summary: 'One schema, by its URN',
    params: [{ name: 'id', example: 'urn:ietf:params:scim:schemas:core:2.0:User' }],
    responses: [{ status: 200 }],
  })
  schema(@Param('id') id: string, @Scim() ctx: ScimContext): Promise<ScimBody> {
    return ctx.send(documentReply(schemaWithId(id, ctx.base)));
  }
}
