import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden } from '../../common/errors.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import type { UpdateWorkspaceAutomaticUpdatesRequest } from './dto/create-workspace.dto.js';
import { AUTOMATIC_UPDATES, type AutomaticUpdates } from './entities/workspace.entity.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { canOnWorkspace, WorkspacesService } from './workspaces.service.js';

/** Settings of an existing workspace: `PUT /workspaces/{workspace}/autoupdates`. */
@Injectable()
export class WorkspaceSettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workspaces: WorkspacesService,
    private readonly repo: WorkspacesRepository,
    private readonly audit: AuditService,
  ) {}

  /** Coder's rules: workspace `update` permission (403 for a reader), then `always` or `never`; audited as a write. */
  async setAutomaticUpdates(actor: Actor, param: string, body: UpdateWorkspaceAutomaticUpdatesRequest, meta: RequestMeta): Promise<void> {
    const workspace = await this.workspaces.resolveVisible(actor, param);
    if (!canOnWorkspace(actor, 'update', workspace)) throw forbidden('You do not have permission to update this workspace.');
    if (workspace.deleted) throw new ApiError(410, { message: `Workspace ${JSON.stringify(workspace.id)} was deleted; it cannot be changed.` });
    const value = body.automatic_updates;
    if (!value || !(AUTOMATIC_UPDATES as readonly string[]).includes(value)) {
      throw badRequest('Invalid request', undefined, [{ field: 'automatic_updates', detail: 'must be always or never' }]);
    }
    await this.db.transaction(async (manager) => {
      await this.repo.setAutomaticUpdates(manager, workspace.id, value as AutomaticUpdates);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          organizationId: workspace.organizationId,
          resourceType: 'workspace',
          resourceId: workspace.id,
          resourceTarget: workspace.name,
          action: 'write',
          statusCode: 204,
          diff: auditDiff({ automatic_updates: workspace.automaticUpdates }, { automatic_updates: value }),
        },
        manager,
      );
    });
  }
}
