import { Injectable, type OnModuleInit } from '@nestjs/common';
import { internalError, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import { ParamResolvers, type ParamResolver, type ResolutionContext } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import type { Action } from '../rbac/permissions.js';
import { can } from '../rbac/policy.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import type { WorkspaceBuildEntity } from './entities/workspace-build.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { invalidIncludeDeleted } from './workspaces.errors.js';
import { WorkspacesRepository } from './workspaces.repository.js';

/** RBAC on a workspace: its owner (while a member of its organization), owners, organization admins, template admins (read). */
export function canOnWorkspace(actor: Actor, action: Action, w: WorkspaceEntity): boolean {
  return can(actor, action, { type: 'workspace', orgId: w.organizationId, ownerId: w.ownerId });
}

/** Go's strconv.ParseBool, as Coder reads `include_deleted`. */
export function includeDeleted(query: Record<string, unknown>): boolean {
  const raw = query.include_deleted;
  if (raw === undefined || raw === '') return false;
  if (typeof raw === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (typeof raw === 'string' && ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes the query value as sent (a string or a list of them)
  throw invalidIncludeDeleted(String(raw));
}

/** `{workspace}`: a workspace id (400 when not a UUID); deleted ones too; 404 when unknown or not readable by the caller. */
@Injectable()
export class WorkspaceParamResolver implements ParamResolver<WorkspaceEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: WorkspacesRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('workspace', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<WorkspaceEntity> {
    if (!isUuid(value)) throw invalidUuid('workspace', value);
    const workspace = await this.repo.getWorkspaceById(value.toLowerCase());
    if (!actor || !workspace || !canOnWorkspace(actor, 'read', workspace)) throw notFound();
    return workspace;
  }
}

/** A build and the workspace it belongs to. */
export interface VisibleBuild {
  build: WorkspaceBuildEntity;
  workspace: WorkspaceEntity;
}

/**
 * `{workspacebuild}`: a build id (400 when not a UUID), with its workspace; 404 when unknown or
 * when the caller may not read the workspace. Also resolves the logs WebSocket's path, which
 * bypasses the guards (workspace-build-logs.gateway.ts).
 */
@Injectable()
export class WorkspaceBuildParamResolver implements ParamResolver<VisibleBuild>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('workspacebuild', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<VisibleBuild> {
    if (!isUuid(value)) throw invalidUuid('workspacebuild', value);
    const build = await this.builds.getBuildById(value.toLowerCase());
    const workspace = build ? await this.workspaces.getWorkspaceById(build.workspaceId) : null;
    if (!actor || !build || !workspace || !canOnWorkspace(actor, 'read', workspace)) throw notFound();
    return { build, workspace };
  }
}

/**
 * `{workspacename}` under `{user}`: the user's live workspace of that name (case-insensitive), or
 * with `include_deleted` its latest deleted one; 404 when none the caller may read.
 */
@Injectable()
export class WorkspaceNameParamResolver implements ParamResolver<WorkspaceEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: WorkspacesRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('workspacename', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<WorkspaceEntity> {
    const withDeleted = includeDeleted(req.query);
    const owner = req.resolved?.user as UserEntity | undefined;
    if (!owner) throw internalError('{workspacename} is resolved under a resolved {user}');
    if (!actor) throw notFound();
    const workspace = await this.repo.getWorkspaceByOwnerAndName(owner.id, value, withDeleted);
    if (!workspace || !canOnWorkspace(actor, 'read', workspace)) throw notFound();
    return workspace;
  }
}
