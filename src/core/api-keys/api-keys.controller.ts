import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { ApiKeysService } from './api-keys.service.js';
import {
  ApiKeyResponse,
  ApiKeyWithOwnerResponse,
  CreateTokenRequest,
  GenerateApiKeyResponse,
  TokenConfigResponse,
} from './dto/api-key.dto.js';

const USER_PARAM = { name: 'user', description: 'User ID, username, or `me`' };

@ApiTags('Users')
@Controller('users/:user/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Authenticated()
  @ApiOperation({ summary: 'Create a 7-day session key for a user' })
  @ApiParam(USER_PARAM)
  @ApiCreatedResponse({ type: GenerateApiKeyResponse })
  @ApiErrors(403, 404)
  createSessionKey(@CurrentActor() actor: Actor, @Param('user') user: string, @ReqMeta() meta: RequestMeta) {
    return this.keys.createSessionKey(actor, user, meta);
  }

  @Post('tokens')
  @Authenticated()
  @ApiOperation({ summary: 'Create a long-lived API token' })
  @ApiParam(USER_PARAM)
  @ApiCreatedResponse({ type: GenerateApiKeyResponse })
  @ApiErrors(400, 403, 404, 409)
  createToken(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Body() body: CreateTokenRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.keys.createToken(actor, user, body, meta);
  }

  @Get('tokens')
  @Authenticated()
  @ApiOperation({ summary: 'List long-lived API tokens' })
  @ApiParam(USER_PARAM)
  @ApiQuery({ name: 'include_all', required: false, type: Boolean, description: 'Tokens of every user (owners)' })
  @ApiOkResponse({ type: [ApiKeyWithOwnerResponse] })
  @ApiErrors(400, 403, 404)
  listTokens(@CurrentActor() actor: Actor, @Param('user') user: string, @Query() query: Record<string, unknown>) {
    return this.keys.listTokens(actor, user, query);
  }

  @Get('tokens/tokenconfig')
  @Authenticated()
  @ApiOperation({ summary: 'Token settings (maximum lifetime, in nanoseconds)' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: TokenConfigResponse })
  @ApiErrors(403, 404)
  tokenConfig(@CurrentActor() actor: Actor, @Param('user') user: string) {
    return this.keys.tokenConfig(actor, user);
  }

  @Get('tokens/:keyname')
  @Authenticated()
  @ApiOperation({ summary: 'Get an API token by name' })
  @ApiParam(USER_PARAM)
  @ApiParam({ name: 'keyname' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiErrors(403, 404)
  getTokenByName(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('keyname') name: string) {
    return this.keys.getTokenByName(actor, user, name);
  }

  @Get(':keyid')
  @Authenticated()
  @ApiOperation({ summary: 'Get an API key by id' })
  @ApiParam(USER_PARAM)
  @ApiParam({ name: 'keyid' })
  @ApiOkResponse({ type: ApiKeyResponse })
  @ApiErrors(403, 404)
  getKey(@CurrentActor() actor: Actor, @Param('user') user: string, @Param('keyid') keyId: string) {
    return this.keys.getKey(actor, user, keyId);
  }

  @Delete(':keyid')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete (revoke) an API key' })
  @ApiParam(USER_PARAM)
  @ApiParam({ name: 'keyid' })
  @ApiNoContentResponse()
  @ApiErrors(403, 404)
  deleteKey(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Param('keyid') keyId: string,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.keys.deleteKey(actor, user, keyId, meta);
  }
}
