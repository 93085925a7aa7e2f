import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { ProvisionerJobLogResponse } from '../provisioning/dto/job.dto.js';
import type { Actor } from '../rbac/actor.js';
import { CreateWorkspaceBuildRequest } from './dto/create-workspace.dto.js';
import { WorkspaceBuildResponse } from './dto/workspace.dto.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';

const WORKSPACE_PARAM = { name: 'workspace', format: 'uuid' } as const;
const BUILD_PARAM = { name: 'workspacebuild', format: 'uuid' } as const;

@ApiTags('Builds')
@Controller()
export class WorkspaceBuildsController {
  constructor(private readonly builds: WorkspaceBuildsService) {}

  @Post('workspaces/:workspace/builds')
  @Authenticated()
  @ApiOperation({ summary: 'Start, stop or delete a workspace (its owner, owners, organization admins)' })
  @ApiParam(WORKSPACE_PARAM)
  @ApiCreatedResponse({ type: WorkspaceBuildResponse })
  @ApiResponse({ status: 406, type: ErrorResponseDto, description: 'The template version is still importing.' })
  @ApiResponse({ status: 410, type: ErrorResponseDto, description: 'The workspace was deleted.' })
  @ApiErrors(400, 403, 404, 409)
  create(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Body() body: CreateWorkspaceBuildRequest, @ReqMeta() meta: RequestMeta) {
    return this.builds.create(actor, id, body, meta);
  }

  @Get('workspaces/:workspace/builds')
  @Authenticated()
  @ApiOperation({ summary: 'The builds of a workspace, newest first' })
  @ApiParam(WORKSPACE_PARAM)
  @ApiQuery({ name: 'after_id', required: false, type: String, format: 'uuid' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000.' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'since', required: false, type: String, format: 'date-time', description: 'Only builds created at or after this RFC 3339 time.' })
  @ApiOkResponse({ type: [WorkspaceBuildResponse] })
  @ApiErrors(400, 404)
  list(@CurrentActor() actor: Actor, @Param('workspace') id: string, @Query() query: Record<string, unknown>) {
    return this.builds.list(actor, id, query);
  }

  @Get('workspacebuilds/:workspacebuild')
  @Authenticated()
  @ApiOperation({ summary: 'Get a workspace build' })
  @ApiParam(BUILD_PARAM)
  @ApiOkResponse({ type: WorkspaceBuildResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string) {
    return this.builds.get(actor, id);
  }

  @Get('workspacebuilds/:workspacebuild/logs')
  @Authenticated()
  @ApiOperation({ summary: 'Logs of the build\'s job, oldest first (`follow`: a WebSocket stream until the job completes)' })
  @ApiParam(BUILD_PARAM)
  @ApiQuery({ name: 'after', required: false, type: Number, description: 'Only logs with a greater id.' })
  @ApiQuery({ name: 'before', required: false, type: Number, description: 'Only logs with a smaller id.' })
  @ApiQuery({
    name: 'follow',
    required: false,
    allowEmptyValue: true,
    description: 'As a WebSocket upgrade: the logs after `after`, then each new one as it is written (one JSON log per text message); closed with 1000 when the job has completed. Without the upgrade: 400.',
  })
  @ApiOkResponse({ type: [ProvisionerJobLogResponse] })
  @ApiErrors(400, 404)
  logs(@CurrentActor() actor: Actor, @Param('workspacebuild') id: string, @Query() query: Record<string, unknown>) {
    return this.builds.logs(actor, id, query);
  }
}
