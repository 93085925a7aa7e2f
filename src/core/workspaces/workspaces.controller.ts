import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { ErrorResponseDto } from '../../common/http/error-response.dto.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import { MessageResponse } from '../templates/dto/template.dto.js';
import { CreateWorkspaceRequest, UpdateWorkspaceAutomaticUpdatesRequest } from './dto/create-workspace.dto.js';
import {
  PutExtendWorkspaceRequest,
  UpdateWorkspaceAutostartRequest,
  UpdateWorkspaceTtlRequest,
} from './dto/workspace-schedule.dto.js';
import { WorkspaceResponse, WorkspacesResponse } from './dto/workspace.dto.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceCreateService } from './workspace-create.service.js';
import { WorkspaceSettingsService } from './workspace-settings.service.js';
import { WorkspacesService } from './workspaces.service.js';

const INCLUDE_DELETED = {
  name: 'include_deleted',
  required: false,
  type: Boolean,
  description: 'Also answer for a deleted workspace.',
} as const;
const DELETED = { status: 410, type: ErrorResponseDto, description: 'The workspace was deleted.' } as const;

@ApiTags('Workspaces')
@Controller('workspaces')
export class WorkspacesController {
  constructor(
    private readonly workspaces: WorkspacesService,
    private readonly settings: WorkspaceSettingsService,
  ) {}

  @Route('GET', '', {
    summary: 'List the workspaces the caller may see: your favorites first, then most recently used first',
    returns: WorkspacesResponse,
    errors: [400],
    query: [
      {
        name: 'q',
        required: false,
        description:
          'Search: `owner:<username|me>`, `template:<name>`, `name:<part>`, `status:<status>`; a bare word is a name, `owner/name` both.',
      },
      { name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000.' },
      { name: 'offset', required: false, type: Number },
    ],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.workspaces.list(actor, query);
  }

  @Route('GET', ':workspace', {
    summary: 'Get a workspace (410 once deleted, unless include_deleted=true)',
    returns: WorkspaceResponse,
    responses: [DELETED],
    errors: [400, 404],
    query: [INCLUDE_DELETED],
  })
  @Authenticated()
  get(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @Query() query: Record<string, unknown>,
  ) {
    return this.workspaces.get(actor, workspace, query);
  }

  @Route('PUT', ':workspace/autoupdates', {
    summary:
      "Set whether the workspace's starts build the template's active version (those who may update the workspace)",
    status: 204,
    returnsDescription: 'Updated.',
    responses: [DELETED],
    errors: [400, 403, 404],
  })
  @Authenticated()
  setAutomaticUpdates(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @Body() body: UpdateWorkspaceAutomaticUpdatesRequest,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.settings.setAutomaticUpdates(actor, workspace, body, meta);
  }

  @Route('PUT', ':workspace/autostart', {
    summary:
      "Set or clear the workspace's autostart schedule (those who may update the workspace; the template must allow autostart)",
    status: 204,
    returnsDescription: 'Updated.',
    responses: [DELETED],
    errors: [400, 403, 404],
  })
  @Authenticated()
  setAutostart(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @Body() body: UpdateWorkspaceAutostartRequest,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.settings.setAutostart(actor, workspace, body, meta);
  }

  @Route('PUT', ':workspace/ttl', {
    summary:
      "Set or clear the workspace's time from a start to its automatic stop (those who may update the workspace; the template must allow it)",
    status: 204,
    returnsDescription: 'Updated.',
    responses: [DELETED],
    errors: [400, 403, 404],
  })
  @Authenticated()
  setTtl(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @Body() body: UpdateWorkspaceTtlRequest,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.settings.setTtl(actor, workspace, body, meta);
  }

  @Route('PUT', ':workspace/extend', {
    summary: "Move the running build's automatic stop (deadline) to another time (those who may update the workspace)",
    returns: MessageResponse,
    responses: [
      DELETED,
      {
        status: 409,
        type: ErrorResponseDto,
        description: 'The latest build is not a completed start with a deadline.',
      },
    ],
    errors: [400, 403, 404],
  })
  @Authenticated()
  extend(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @Body() body: PutExtendWorkspaceRequest,
  ): Promise<{ message: string }> {
    return this.settings.extend(actor, workspace, body);
  }

  @Route('PUT', ':workspace/favorite', {
    summary: 'Mark your own workspace as a favorite (listed first, for you only)',
    status: 204,
    returnsDescription: 'Marked.',
    errors: [400, 403, 404],
  })
  @Authenticated()
  favorite(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.settings.setFavorite(actor, workspace, true, meta);
  }

  @Route('DELETE', ':workspace/favorite', {
    summary: 'Unmark your own workspace as a favorite',
    status: 204,
    returnsDescription: 'Unmarked.',
    errors: [400, 403, 404],
  })
  @Authenticated()
  unfavorite(
    @CurrentActor() actor: Actor,
    @Resolved('workspace') workspace: WorkspaceEntity,
    @ReqMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.settings.setFavorite(actor, workspace, false, meta);
  }
}

/** What both create routes answer (the same creation, organization named or taken from the template). */
const CREATE_ANSWERS = {
  returns: WorkspaceResponse,
  responses: [{ status: 406, type: ErrorResponseDto, description: 'The template version is still importing.' }],
  errors: [400, 403, 404, 409],
};

@ApiTags('Workspaces')
@Controller('organizations/:organization/members/:user/workspaces')
export class MemberWorkspacesController {
  constructor(private readonly creator: WorkspaceCreateService) {}

  @Route('POST', '', {
    summary:
      'Create a workspace for a member of the organization (yourself; owners and organization admins for anyone) and start its first build',
    ...CREATE_ANSWERS,
  })
  @Authenticated()
  create(
    @CurrentActor() actor: Actor,
    @Resolved('organization') org: OrganizationEntity,
    @Resolved('user') owner: UserEntity,
    @Body() body: CreateWorkspaceRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.creator.create(actor, org, owner, body, meta);
  }
}

@ApiTags('Workspaces')
@Controller('users/:user/workspaces')
export class UserWorkspaceCreateController {
  constructor(private readonly creator: WorkspaceCreateService) {}

  @Route('POST', '', {
    summary:
      "Create a workspace for a user (yourself; owners and organization admins for anyone) in its template's organization, and start its first build",
    description:
      "Coder's current route: the organization is the template's (`template_id`, or `template_version_id`'s template). A user who is not a member of it: 404.",
    ...CREATE_ANSWERS,
  })
  @Authenticated()
  create(
    @CurrentActor() actor: Actor,
    @Resolved('user') owner: UserEntity,
    @Body() body: CreateWorkspaceRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.creator.createForUser(actor, owner, body, meta);
  }
}

@ApiTags('Workspaces')
@Controller('users/:user/workspace')
export class UserWorkspacesController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Route('GET', ':workspacename', {
    summary: "Get a user's workspace by name (case-insensitive)",
    returns: WorkspaceResponse,
    errors: [400, 404],
    query: [INCLUDE_DELETED],
  })
  @Authenticated()
  getByName(@CurrentActor() actor: Actor, @Resolved('workspacename') workspace: WorkspaceEntity) {
    return this.workspaces.present(workspace, actor.id);
  }
}
