import { Injectable } from '@nestjs/common';
import { ApiError, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import type { Actor } from '../rbac/actor.js';
import type { Action } from '../rbac/permissions.js';
import { can } from '../rbac/policy.js';
import { UsersService } from '../users/users.service.js';
import type { WorkspaceResponse, WorkspacesResponse } from './dto/workspace.dto.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspacePresenter } from './workspace-presenter.js';
import { parseWorkspaceSearch } from './workspace-search.js';
import { WorkspacesRepository, type WorkspaceVisibility } from './workspaces.repository.js';

/** RBAC on a workspace: its owner (while a member of its organization), owners, organization admins, template admins (read). */
export function canOnWorkspace(actor: Actor, action: Action, w: WorkspaceEntity): boolean {
  return can(actor, action, { type: 'workspace', orgId: w.organizationId, ownerId: w.ownerId });
}

/** Go's strconv.ParseBool, as Coder reads `include_deleted`. */
function includeDeleted(query: Record<string, unknown>): boolean {
  const raw = query.include_deleted;
  if (raw === undefined || raw === '') return false;
  if (typeof raw === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (typeof raw === 'string' && ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new ApiError(400, {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- echoes the query value as sent (a string or a list of them)
    message: `Invalid boolean value ${JSON.stringify(String(raw))} for "include_deleted" query param.`,
    validations: [{ field: 'include_deleted', detail: 'Must be a valid boolean' }],
  });
}

/** Reading workspaces: by id, by owner and name, and the filtered list. */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly repo: WorkspacesRepository,
    private readonly presenter: WorkspacePresenter,
    private readonly users: UsersService,
  ) {}

  /** `{workspace}` → a workspace (deleted ones too) the actor may read, or 400 / 404. */
  async resolveVisible(actor: Actor, param: string): Promise<WorkspaceEntity> {
    if (!isUuid(param)) throw invalidUuid('workspace', param);
    const workspace = await this.repo.getWorkspaceById(param.toLowerCase());
    if (!workspace || !canOnWorkspace(actor, 'read', workspace)) throw notFound();
    return workspace;
  }

  async present(workspace: WorkspaceEntity): Promise<WorkspaceResponse> {
    return (await this.presenter.workspaces([workspace]))[0];
  }

  async get(actor: Actor, param: string, query: Record<string, unknown>): Promise<WorkspaceResponse> {
    const workspace = await this.resolveVisible(actor, param);
    if (workspace.deleted && !includeDeleted(query)) {
      throw new ApiError(410, {
        message:
          `Workspace ${JSON.stringify(workspace.id)} was deleted, ` +
          "you can view this workspace by specifying '?include_deleted=true' and trying again.",
      });
    }
    return this.present(workspace);
  }

  async getByOwnerAndName(actor: Actor, userParam: string, name: string, query: Record<string, unknown>): Promise<WorkspaceResponse> {
    const withDeleted = includeDeleted(query);
    const owner = await this.users.resolveVisible(actor, userParam);
    const workspace = await this.repo.getWorkspaceByOwnerAndName(owner.id, name, withDeleted);
    if (!workspace || !canOnWorkspace(actor, 'read', workspace)) throw notFound();
    return this.present(workspace);
  }

  async list(actor: Actor, query: Record<string, unknown>): Promise<WorkspacesResponse> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    const filter = parseWorkspaceSearch(q);
    const ownerId = filter.owner === 'me' ? actor.id : undefined;
    const { workspaces, count } = await this.repo.listWorkspaces({ ...filter, ownerId }, this.visibility(actor), page);
    return { workspaces: await this.presenter.workspaces(workspaces), count };
  }

  /** The list filter equivalent to `canOnWorkspace(actor, 'read', w)`. */
  private visibility(actor: Actor): WorkspaceVisibility {
    if (can(actor, 'read', { type: 'workspace' })) return { all: true };
    const memberOrgIds = [...actor.orgRoles.keys()];
    return {
      all: false,
      actorId: actor.id,
      memberOrgIds,
      adminOrgIds: memberOrgIds.filter((orgId) => can(actor, 'read', { type: 'workspace', orgId })),
    };
  }
}
