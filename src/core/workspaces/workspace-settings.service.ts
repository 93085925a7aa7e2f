import { Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { workspaceAuditEntry } from './workspace-audit.js';
import type { Actor } from '../rbac/actor.js';
import type { UpdateWorkspaceAutomaticUpdatesRequest } from './dto/create-workspace.dto.js';
import { AUTOMATIC_UPDATES, type AutomaticUpdates, type WorkspaceEntity } from './entities/workspace.entity.js';
import {
  favoriteNotOwner,
  invalidAutomaticUpdatesSetting,
  updateForbidden,
  workspaceDeletedOnUpdate,
} from './workspaces.errors.js';
import { canOnWorkspace } from './workspaces.params.js';
import { WorkspacesRepository } from './workspaces.repository.js';

/** Settings of an existing workspace: `PUT /workspaces/{workspace}/autoupdates`, `/favorite`. */
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
      await this.recordWrite(actor, workspace, meta, {
        automatic_updates: [workspace.automaticUpdates, value],
      });
    });
  }

  /**
   * Coder's put/deleteFavoriteWorkspace: only the owner (anyone else who can see the workspace, an
   * admin included, gets 403); idempotent; audited as a write. As in Coder, a deleted workspace may
   * still be (un)marked: the flag is the owner's bookmark, not a change to the workspace.
   */
  async setFavorite(actor: Actor, workspace: WorkspaceEntity, favorite: boolean, meta: RequestMeta): Promise<void> {
    if (actor.id !== workspace.ownerId) throw favoriteNotOwner(favorite);
    await this.db.transaction(async () => {
      await this.repo.setFavorite(workspace.id, favorite);
      await this.recordWrite(actor, workspace, meta, { favorite: [workspace.favorite, favorite] });
    });
  }

  /** A settings change (204) audited as a write of the workspace, with the [old, new] of each field. */
  private recordWrite(
    actor: Actor,
    workspace: WorkspaceEntity,
    meta: RequestMeta,
    changes: Record<string, [unknown, unknown]>,
  ): Promise<void> {
    const before = Object.fromEntries(Object.entries(changes).map(([k, [old]]) => [k, old]));
    const after = Object.fromEntries(Object.entries(changes).map(([k, [, next]]) => [k, next]));
    return this.audit.record(
      workspaceAuditEntry(meta, actor.id, workspace, {
        action: 'write',
        statusCode: 204,
        diff: auditDiff(before, after),
      }),
    );
  }
}
