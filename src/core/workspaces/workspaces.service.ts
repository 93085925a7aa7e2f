import { Injectable } from '@nestjs/common';
import { badRequest } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { WorkspaceResponse, WorkspacesResponse } from './dto/workspace.dto.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspacePresenter } from './workspace-presenter.js';
import { parseWorkspaceSearch } from './workspace-search.js';
import { workspaceDeletedOnRead } from './workspaces.errors.js';
import { includeDeleted } from './workspaces.params.js';
import { WorkspacesRepository, type WorkspaceVisibility } from './workspaces.repository.js';

/** Reading workspaces: one (by id or by owner and name), and the filtered list. */
@Injectable()
export class WorkspacesService {
  constructor(
    private readonly repo: WorkspacesRepository,
    private readonly presenter: WorkspacePresenter,
    private readonly orgs: OrganizationsService,
  ) {}

  /** The workspace as `viewerId` sees it (`favorite` is the owner's alone). */
  async present(workspace: WorkspaceEntity, viewerId: string): Promise<WorkspaceResponse> {
    return (await this.presenter.workspaces([workspace], viewerId))[0];
  }

  /** A deleted workspace answers 410 unless `include_deleted` asks for it. */
  async get(actor: Actor, workspace: WorkspaceEntity, query: Record<string, unknown>): Promise<WorkspaceResponse> {
    if (workspace.deleted && !includeDeleted(query)) throw workspaceDeletedOnRead(workspace.id);
    return this.present(workspace, actor.id);
  }

  async list(actor: Actor, query: Record<string, unknown>): Promise<WorkspacesResponse> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const q = parser.string('q');
    parser.done();
    const filter = parseWorkspaceSearch(q);
    const ownerId = filter.owner === 'me' ? actor.id : undefined;
    let organizationId: string | undefined;
    if (filter.organization !== undefined) {
      const found = await this.orgs.searchKeyOrganization(actor, filter.organization);
      if ('invalid' in found) throw badRequest('Invalid workspace search query.', undefined, [found.invalid]);
      organizationId = found.id;
    }
    const { workspaces, count } = await this.repo.listWorkspaces(
      { ...filter, ownerId, organizationId },
      this.visibility(actor),
      page,
      actor.id,
    );
    return { workspaces: await this.presenter.workspaces(workspaces, actor.id), count };
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
