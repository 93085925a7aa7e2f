import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import type { Actor } from '../rbac/actor.js';
import type { UpdateWorkspaceAutomaticUpdatesRequest } from './dto/create-workspace.dto.js';
import { AUTOMATIC_UPDATES, type AutomaticUpdates, type WorkspaceEntity } from './entities/workspace.entity.js';
import { invalidAutomaticUpdatesSetting, updateForbidden, workspaceDeletedOnUpdate } from './workspaces.errors.js';
import { canOnWorkspace } from './workspaces.params.js';
import { WorkspacesRepository } from './workspaces.repository.js';

/** Settings of an existing workspace: `PUT /workspaces/{workspace}/autoupdates`. */
@Injectable()
export class WorkspaceSettingsService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspacesRepository,
    private readonly audit: AuditService,
  ) {}

  /** Coder's rules: workspace `update` permission (403 for a reader), then `always` or `never`; audited as a write. */
  async setAutomaticUpdates(
    actor: Actor,
    workspace: WorkspaceEntity,
    body: UpdateWorkspaceAutomaticUpdatesRequest,
    meta: RequestMeta,
  ): Promise<void> {
    if (!canOnWorkspace(actor, 'update', workspace)) throw updateForbidden();
    if (workspace.deleted) throw workspaceDeletedOnUpdate(workspace.id);
    const value = body.automatic_updates;
    if (!value || !(AUTOMATIC_UPDATES as readonly string[]).includes(value)) throw invalidAutomaticUpdatesSetting();
    await this.db.transaction(async () => {
      await this.repo.setAutomaticUpdates(workspace.id, value as AutomaticUpdates);
      await this.audit.record({
        meta,
        userId: actor.id,
        organizationId: workspace.organizationId,
        resourceType: 'workspace',
        resourceId: workspace.id,
        resourceTarget: workspace.name,
        action: 'write',
        statusCode: 204,
        diff: auditDiff({ automatic_updates: workspace.automaticUpdates }, { automatic_updates: value }),
      });
    });
  }
}
