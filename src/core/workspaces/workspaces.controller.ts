import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import type { Actor } from '../rbac/actor.js';
import { CreateWorkspaceRequest, UpdateWorkspaceAutomaticUpdatesRequest } from './dto/create-workspace.dto.js';
import { WorkspaceResponse, WorkspacesResponse } from './dto/workspace.dto.js';
import { WorkspaceCreateService } from './workspace-create.service.js';
import { WorkspaceSettingsService } from './workspace-settings.service.js';
import { WorkspacesService } from './workspaces.service.js';

const USER_PARAM = { name: 'user', description: 'A user id, username, or `me`.' } as const;
const INCLUDE_DELETED = { name: 'include_deleted', required: false, type: Boolean, description: 'Also answer for a deleted workspace.' } as const;

@ApiTags('Workspaces')
@Controller()
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly creator: WorkspaceCreateService,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  @Post('organizations/:organization/members/:user/workspaces')
  @Authenticated()
  @ApiOperation({
    summary: 'Create a workspace for a member of the organization (yourself; owners and organization admins for anyone) and start its first build',
  })
  @ApiParam({ name: 'organization', format: 'uuid' })
  @ApiParam(USER_PARAM)
  @ApiCreatedResponse({ type: WorkspaceResponse })
  @ApiResponse({ status: 406, type: ErrorResponseDto, description: 'The template version is still importing.' })
  @ApiErrors(400, 403, 404, 409)
  create(
    @CurrentActor() actor: Actor,
    @Param('organization') org: string,
    @Param('user') user: string,
    @Body() body: CreateWorkspaceRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.creator.create(actor, org, user, body, meta);
  }

  @Get('workspaces')
  @Authenticated()
  @ApiOperation({ summary: 'List the workspaces the caller may see, most recently used first' })
  @ApiQuery({
    name: 'q',
    required: false,
    description: 'Search: `owner:<username|me>`, `template:<name>`, `name:<part>`, `status:<status>`; a bare word is a name, `owner/name` both.',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000.' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiOkResponse({ type: WorkspacesResponse })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.workspaces.list(actor, query);
  }

  @Get('workspaces/:workspace')
  @Authenticated()
  @ApiOperation({ summary: 'Get a workspace (410 once deleted, unless include_deleted=true)' })
  @ApiParam({ name: 'workspace', format: 'uuid' })
  @ApiQuery(INCLUDE_DELETED)
  @ApiOkResponse({ type: WorkspaceResponse })
  @ApiResponse({ status: 410, type: ErrorResponseDto, description: 'The workspace was deleted.' })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Query() query: Record<string, unknown>) {
    return this.workspaces.get(actor, id, query);
  }

  @Put('workspaces/:workspace/autoupdates')
  @Authenticated()
  @HttpCode(204)
  @ApiOperation({ summary: 'Set whether the workspace\'s starts build the template\'s active version (those who may update the workspace)' })
  @ApiParam({ name: 'workspace', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Updated.' })
  @ApiResponse({ status: 410, type: ErrorResponseDto, description: 'The workspace was deleted.' })
  @ApiErrors(400, 403, 404)
  setAutomaticUpdates(
    @CurrentActor() actor: Actor,
    @Param('workspace') id: string,
    @Body() body: UpdateWorkspaceAutomaticUpdatesRequest,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.settings.setAutomaticUpdates(actor, id, body, meta);
  }

  @Get('users/:user/workspace/:workspacename')
  @Authenticated()
  @ApiOperation({ summary: 'Get a user\'s workspace by name (case-insensitive)' })
  @ApiParam(USER_PARAM)
  @ApiParam({ name: 'workspacename' })
  @ApiQuery(INCLUDE_DELETED)
  @ApiOkResponse({ type: WorkspaceResponse })
  @ApiErrors(400, 404)
  getByName(
    @CurrentActor() actor: Actor,
    @Param('user') user: string,
    @Param('workspacename') name: string,
    @Query() query: Record<string, unknown>,
  ) {
    return this.workspaces.getByOwnerAndName(actor, user, name, query);
  }
}
