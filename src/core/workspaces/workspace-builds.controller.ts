import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import { ProvisionerJobLogResponse } from '../provisioning/dto/job.dto.js';
import type { Actor } from '../rbac/actor.js';
import { MessageResponse } from '../templates/dto/template.dto.js';
import { CreateWorkspaceBuildRequest } from './dto/create-workspace.dto.js';
import { WorkspaceBuildResponse } from './dto/workspace.dto.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';
import type { VisibleBuild } from './workspaces.params.js';

@ApiTags('Builds')
@Controller('workspaces/:workspace/builds')
export class WorkspaceBuildsController {
  constructor(private readonly builds: WorkspaceBuildsService) {}

  @Route('POST', '', {
    summary: 'Start, stop or delete a workspace (its owner, owners, organization admins)',
    returns: WorkspaceBuildResponse,
    responses: [
      { status: 406, type: ErrorResponseDto, description: 'The template version is still importing.' },
      { status: 410, type: ErrorResponseDto, description: 'The workspace was deleted.' },
    ],
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  create(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @Body() body: CreateWorkspaceBuildRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.builds.create(actor, workspace, body, meta);
  }

  @Route('GET', '', {
    summary: 'The builds of a workspace, newest first',
    returns: [WorkspaceBuildResponse],
    errors: [400, 404],
    query: [
      { name: 'after_id', required: false, type: String, format: 'uuid' },
      { name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000.' },
      { name: 'offset', required: false, type: Number },
      {
        name: 'since',
        required: false,
        type: String,
        format: 'date-time',
        description: 'Only builds created at or after this RFC 3339 time.',
      },
    ],
  })
  @Authenticated()
  list(@Resolved('workspace') workspace: WorkspaceEntity, @Query() query: Record<string, unknown>) {
    return this.builds.list(workspace, query);
  }
}

@ApiTags('Builds')
@Controller('workspacebuilds/:workspacebuild')
export class WorkspaceBuildController {
  constructor(private readonly builds: WorkspaceBuildsService) {}

  @Route('GET', '', { summary: 'Get a workspace build', returns: WorkspaceBuildResponse, errors: [400, 404] })
  @Authenticated()
  get(@Resolved('workspacebuild') build: VisibleBuild) {
    return this.builds.get(build);
  }

  @Route('GET', 'logs', {
    summary: "Logs of the build's job, oldest first (`follow`: a WebSocket stream until the job completes)",
    returns: [ProvisionerJobLogResponse],
    errors: [400, 404],
    query: [
      { name: 'after', required: false, type: Number, description: 'Only logs with a greater id.' },
      { name: 'before', required: false, type: Number, description: 'Only logs with a smaller id.' },
      {
        name: 'follow',
        required: false,
        allowEmptyValue: true,
        description:
          'As a WebSocket upgrade: the logs after `after`, then each new one as it is written (one JSON log per text message); ' +
          'closed with 1000 when the job has completed. Without the upgrade: 400.',
      },
    ],
  })
  @Authenticated()
  logs(@Resolved('workspacebuild') build: VisibleBuild, @Query() query: Record<string, unknown>) {
    return this.builds.logs(build, query);
  }

  @Route('PATCH', 'cancel', {
    summary:
      "Cancel the build's job (with `expect_status=pending`: whoever may build the workspace; otherwise also " +
      'the template must allow user cancels, or the caller be an owner)',
    returns: MessageResponse,
    returnsDescription: '`{"message":"Job has been marked as canceled..."}`',
    responses: [{ status: 412, type: ErrorResponseDto, description: 'The job is not in the `expect_status` state.' }],
    errors: [400, 403, 404],
    query: [
      {
        name: 'expect_status',
        required: false,
        enum: ['running', 'pending'],
        description: 'Cancel only if the job is in this state (else 412).',
      },
    ],
  })
  @Authenticated()
  cancel(
    @CurrentActor() actor: Actor,
    @Resolved('workspacebuild') build: VisibleBuild,
    @Query() query: Record<string, unknown>,
  ) {
    return this.builds.cancel(actor, build, query);
  }
}
