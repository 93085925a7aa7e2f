import { Injectable } from '@nestjs/common';
import { parseRfc3339 } from '../../common/coder-validators.js';
import { formatInZone } from '../../common/daily-schedule.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { internalError } from '../../common/errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { workspaceAuditEntry } from './workspace-audit.js';
import type { Actor } from '../rbac/actor.js';
import type { UpdateWorkspaceAutomaticUpdatesRequest } from './dto/create-workspace.dto.js';
import type {
  PutExtendWorkspaceRequest,
  UpdateWorkspaceAutostartRequest,
  UpdateWorkspaceTtlRequest,
} from './dto/workspace-schedule.dto.js';
import { AUTOMATIC_UPDATES, type AutomaticUpdates, type WorkspaceEntity } from './entities/workspace.entity.js';
import { validAutostartSchedule, workspaceTtl } from './schedule.js';
import { WorkspaceBuildsRepository, type WorkspaceScheduleState } from './workspace-builds.repository.js';
import {
  autostartNotAllowed,
  extendBeforeStart,
  extendBeyondMax,
  extendManualShutdown,
  extendNotStarted,
  extendStillBuilding,
  extendTooSoon,
  favoriteNotOwner,
  INVALID_AUTOSTART_SCHEDULE,
  invalidAutomaticUpdatesSetting,
  TTL_UPDATE_FAILED,
  ttlNotAllowed,
  updateForbidden,
  workspaceDeletedOnUpdate,
} from './workspaces.errors.js';
import { canOnWorkspace } from './workspaces.params.js';
import { WorkspacesRepository } from './workspaces.repository.js';

/** Coder's validWorkspaceDeadline: a new deadline at least this far ahead (it says 30 minutes, and allows 29). */
const EXTEND_MIN_AHEAD_MS = 29 * 60_000;

/**
 * Settings of an existing workspace: `PUT /workspaces/{workspace}/autoupdates`, `/favorite`, and
 * its schedule: `/autostart`, `/ttl`, `/extend`.
 */
@Injectable()
export class WorkspaceSettingsService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsRepository,
    private readonly audit: AuditService,
  ) {}

  /** Coder's rules: workspace `update` permission (403 for a reader), then `always` or `never`; audited as a write. */
  async setAutomaticUpdates(
    actor: Actor,
    workspace: WorkspaceEntity,
    body: UpdateWorkspaceAutomaticUpdatesRequest,
    meta: RequestMeta,
  ): Promise<void> {
    this.assertUpdatable(actor, workspace);
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
   * Coder's putWorkspaceAutostart: a weekly schedule (400 `Invalid autostart schedule.`), or none
   * (absent, null or empty); 400 when the template does not let users set autostart. The lifecycle
   * executor starts the workspace at the schedule's next time. 204; audited as a write.
   */
  async setAutostart(
    actor: Actor,
    workspace: WorkspaceEntity,
    body: UpdateWorkspaceAutostartRequest,
    meta: RequestMeta,
  ): Promise<void> {
    this.assertUpdatable(actor, workspace);
    const schedule = validAutostartSchedule(body.schedule, INVALID_AUTOSTART_SCHEDULE);
    await this.db.transaction(async () => {
      const state = await this.lockScheduleState(workspace);
      if (!state.allow_user_autostart) throw autostartNotAllowed();
      await this.repo.setAutostartSchedule(workspace.id, schedule);
      await this.recordWrite(actor, workspace, meta, { autostart_schedule: [state.autostart_schedule, schedule] });
    });
  }

  /**
   * Coder's putWorkspaceTTL: the time from a start to the automatic stop, for the builds that start
   * from now on (1 minute to 30 days, cut to whole minutes, at most the template's maximum TTL);
   * absent, null or 0 turns the automatic stop off (the template's maximum, if it has one), and
   * then the running build's deadline becomes its max deadline (none without one), as in Coder
   * since 2024. 400 when the template does not let users change autostop. 204; audited as a write.
   */
  async setTtl(actor: Actor, workspace: WorkspaceEntity, body: UpdateWorkspaceTtlRequest, meta: RequestMeta) {
    this.assertUpdatable(actor, workspace);
    await this.db.transaction(async () => {
      const state = await this.lockScheduleState(workspace);
      if (!state.allow_user_autostop) throw ttlNotAllowed();
      const ttl = workspaceTtl(body.ttl_ms, 0, state.max_ttl, TTL_UPDATE_FAILED);
      await this.repo.setTtl(workspace.id, ttl);
      if (ttl === null && state.build_id && state.transition === 'start') {
        await this.builds.setDeadline(state.build_id, state.max_deadline, state.max_deadline);
      }
      await this.recordWrite(actor, workspace, meta, { ttl: [state.ttl, ttl] });
    });
  }

  /**
   * Coder's putExtendWorkspace: moves the deadline of the running build (its latest, a `start`
   * whose job completed and that has a deadline; 409 otherwise) to `deadline`, which must be at
   * least 30 minutes ahead, after the build completed, and not past its max deadline (400 each).
   * 200 `Deadline updated to <RFC 3339>.`; not audited, as in Coder.
   */
  async extend(
    actor: Actor,
    workspace: WorkspaceEntity,
    body: PutExtendWorkspaceRequest,
  ): Promise<{ message: string }> {
    this.assertUpdatable(actor, workspace);
    const deadline = parseRfc3339(body.deadline);
    if (!deadline) throw internalError('deadline passed validation without being a time');
    return this.db.transaction(async () => {
      const state = await this.lockScheduleState(workspace);
      if (!state.build_id || state.transition !== 'start') throw extendNotStarted(state.transition ?? 'none');
      if (!state.completed_at) throw extendStillBuilding();
      if (!state.deadline) throw extendManualShutdown();
      if (deadline.getTime() < Date.now() + EXTEND_MIN_AHEAD_MS) throw extendTooSoon();
      if (deadline.getTime() < state.completed_at.getTime()) throw extendBeforeStart();
      if (state.max_deadline && deadline.getTime() > state.max_deadline.getTime()) throw extendBeyondMax();
      await this.builds.setDeadline(state.build_id, deadline, state.max_deadline);
      return { message: `Deadline updated to ${formatInZone(deadline, 'UTC')}.` };
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

  /** Workspace `update` permission (403 for one who only reads it), on a workspace not deleted (410). */
  private assertUpdatable(actor: Actor, workspace: WorkspaceEntity): void {
    if (!canOnWorkspace(actor, 'update', workspace)) throw updateForbidden();
    if (workspace.deleted) throw workspaceDeletedOnUpdate(workspace.id);
  }

  /** The workspace's schedule state, locked for this transaction (410 if it was deleted meanwhile). */
  private async lockScheduleState(workspace: WorkspaceEntity): Promise<WorkspaceScheduleState> {
    const state = await this.builds.lockScheduleState(workspace.id);
    if (!state) throw workspaceDeletedOnUpdate(workspace.id);
    return state;
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
