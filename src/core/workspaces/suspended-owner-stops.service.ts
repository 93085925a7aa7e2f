import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { Database } from '../../database/database.js';
import { JobReaperRepository } from '../provisioning/job-reaper.repository.js';
import type { UserSuspension } from '../users/user-suspension.js';
import { UsersService } from '../users/users.service.js';
import { WorkspaceBuildsService } from './workspace-builds.service.js';
import { WorkspacesRepository, type StartedWorkspace } from './workspaces.repository.js';

/**
 * Coder #10597: a suspended user's workspaces do not keep running (and costing) until someone
 * notices. Right after a suspension commits (same request; CODER_STOP_WORKSPACES_ON_SUSPEND=false
 * turns this off), each workspace of the user whose latest build is a `start`:
 * - running (start succeeded): gets a `stop` build through the ordinary build path, reason
 *   `autostop` and initiated by the owner, as Coder's lifecycle executor records the stops it makes
 *   for suspended owners, but audited with the actor who suspended (an admin, or SCIM);
 * - still pending or starting: its start job is canceled (at once when pending; a running job is
 *   `canceling` until its daemon ends it), as `PATCH /workspacebuilds/{id}/cancel` does: no stop
 *   is queued behind it;
 * - failed or canceled: left alone.
 * One workspace that cannot be stopped (e.g. a build started meanwhile) is logged and skipped;
 * the suspension stands either way.
 */
@Injectable()
export class SuspendedOwnerStopsService implements OnModuleInit {
  private readonly logger = new Logger('SuspendedOwnerStops');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly users: UsersService,
    private readonly workspaces: WorkspacesRepository,
    private readonly builds: WorkspaceBuildsService,
    private readonly reaper: JobReaperRepository,
  ) {}

  onModuleInit(): void {
    if (!this.config.stopWorkspacesOnSuspend) return;
    this.users.onSuspension(async (suspension) => {
      await this.stopWorkspacesOf(suspension);
    });
  }

  /** Stops or cancels what the suspended user has running; returns how many workspaces were acted on. */
  async stopWorkspacesOf(suspension: UserSuspension): Promise<number> {
    let acted = 0;
    for (const started of await this.workspaces.listStartedWorkspacesOfOwner(suspension.userId)) {
      try {
        if (await this.settle(started, suspension)) acted += 1;
      } catch (err) {
        this.logger.warn(
          `could not stop workspace ${started.workspace_id} of suspended user ${suspension.userId}: ${(err as Error).message}`,
        );
      }
    }
    return acted;
  }

  private async settle(started: StartedWorkspace, suspension: UserSuspension): Promise<boolean> {
    if (started.status === 'pending' || started.status === 'starting') {
      return (await this.db.transaction(() => this.reaper.cancelLockedJob(started.job_id))) === 'canceled';
    }
    if (started.status !== 'running') return false;
    const workspace = await this.workspaces.getWorkspaceById(started.workspace_id);
    if (!workspace || workspace.deleted) return false;
    await this.builds.createAutomatic(workspace, {
      transition: 'stop',
      reason: 'autostop',
      initiatorId: workspace.ownerId,
      auditActor: { userId: suspension.actorId, additionalFields: suspension.auditFields },
      meta: suspension.meta,
    });
    return true;
  }
}
