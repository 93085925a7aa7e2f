import { Injectable } from '@nestjs/common';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { internalError } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { Database } from '../../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import { isActive, jobStatus } from '../provisioning/dto/job.dto.js';
import { JobReaperRepository } from '../provisioning/job-reaper.repository.js';
import { JobsService } from '../provisioning/jobs.service.js';
import type { Actor } from '../rbac/actor.js';
import { can, isOwner } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateVersionEntity } from '../templates/entities/template-version.entity.js';
import { parseLogsQuery, withinWindow } from '../templates/job-logs-query.js';
import { jobAlreadyCanceled, jobAlreadyCompleted } from '../templates/templates.errors.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { CreateWorkspaceBuildRequest } from './dto/create-workspace.dto.js';
import type { WorkspaceBuildResponse } from './dto/workspace.dto.js';
import type { Transition, WorkspaceBuildEntity } from './entities/workspace-build.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuilder, type NewBuild } from './workspace-builder.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { WorkspacePresenter } from './workspace-presenter.js';
import {
  badSince,
  buildActive,
  buildForbidden,
  buildVersionMissing,
  buildVersionOfOtherTemplate,
  cancelForbidden,
  createTransition,
  customStateForbidden,
  debugModeDisabled,
  invalidExpectStatus,
  jobNotInExpectedState,
  logLevelForbidden,
  orphanOnlyOnDelete,
  orphanWithState,
  unknownAfterId,
  workspaceDeletedOnBuild,
} from './workspaces.errors.js';
import { canOnWorkspace, type VisibleBuild } from './workspaces.params.js';
import { WorkspacesRepository } from './workspaces.repository.js';

type BuildReason = NonNullable<NewBuild['reason']>;

/** Who the audit log records a build as coming from: a user, or Coder's automatic actor (nil id + fields). */
export interface BuildAuditActor {
  userId: string;
  additionalFields?: Record<string, string>;
}

/** A build made on the system's behalf; see WorkspaceBuildsService.createAutomatic. */
export interface AutomaticBuild {
  transition: Transition;
  reason: BuildReason;
  initiatorId: string;
  auditActor: BuildAuditActor;
  meta: RequestMeta;
}

interface BuildSpec extends Omit<AutomaticBuild, 'reason'> {
  reason?: BuildReason;
  /** Absent: the previous build's version. */
  versionId?: string;
  state: (previous: WorkspaceBuildEntity) => Buffer;
  richParameterValues?: { name: string; value: string }[];
}

/** Coder reads the first `expect_status`; empty means none. */
function expectStatus(query: Record<string, unknown>): 'pending' | 'running' | undefined {
  const raw: unknown = Array.isArray(query.expect_status) ? query.expect_status[0] : query.expect_status;
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'pending' || raw === 'running') return raw;
  throw invalidExpectStatus(typeof raw === 'string' ? raw : JSON.stringify(raw));
}

/** `POST /workspaces/{workspace}/builds` (Coder's wsbuilder checks, in its order) and the build read routes. */
@Injectable()
export class WorkspaceBuildsService {
  constructor(
    private readonly db: Database,
    private readonly workspacesRepo: WorkspacesRepository,
    private readonly repo: WorkspaceBuildsRepository,
    private readonly builder: WorkspaceBuilder,
    private readonly presenter: WorkspacePresenter,
    private readonly templates: TemplatesService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly reaper: JobReaperRepository,
  ) {}

  async create(
    actor: Actor,
    workspace: WorkspaceEntity,
    body: CreateWorkspaceBuildRequest,
    meta: RequestMeta,
  ): Promise<WorkspaceBuildResponse> {
    if (body.transition === 'create') throw createTransition();
    const transition = body.transition as Transition;
    await this.authorize(actor, workspace, transition, body);
    const build = await this.insertBuild(workspace, {
      transition,
      versionId: body.template_version_id,
      initiatorId: actor.id,
      auditActor: { userId: actor.id },
      meta,
      state: (previous) =>
        body.state ? Buffer.from(body.state, 'base64') : body.orphan ? Buffer.alloc(0) : previous.provisionerState,
      richParameterValues: body.rich_parameter_values?.map(({ name, value }) => ({ name, value })),
    });
    return this.presenter.build(build, workspace);
  }

  /**
   * A build nobody requested through this route (a suspended owner's workspace stopped): the same
   * checks and path as `create` after its authorization, the previous build's version and state.
   * Throws as `create` would (e.g. 409 while another build is active).
   */
  async createAutomatic(workspace: WorkspaceEntity, build: AutomaticBuild): Promise<WorkspaceBuildEntity> {
    return this.insertBuild(workspace, { ...build, state: (previous) => previous.provisionerState });
  }

  /** Inserts the job and build in one transaction (workspace locked, audited) and announces the job. */
  private async insertBuild(workspace: WorkspaceEntity, spec: BuildSpec): Promise<WorkspaceBuildEntity> {
    if (workspace.deleted) throw workspaceDeletedOnBuild(workspace.id);
    const template = (await this.templates.templatesByIds([workspace.templateId])).get(workspace.templateId);
    if (!template) throw internalError(`workspace ${workspace.id} has no template`);
    const version = await this.version(workspace, spec.versionId);
    const importJob = await this.builder.succeededImport(version);
    const { build, job } = await this.db.transaction(async () => {
      const previous = await this.lockAndCheckIdle(workspace);
      const created = await this.builder.insert({
        workspace,
        template,
        version,
        importJob,
        transition: spec.transition,
        initiatorId: spec.initiatorId,
        reason: spec.reason,
        buildNumber: previous.buildNumber + 1,
        state: spec.state(previous),
        richParameterValues: spec.richParameterValues,
      });
      await this.record(spec.auditActor, workspace, created.build, spec.meta);
      return created;
    });
    await this.jobs.announce(job);
    return build;
  }

  /**
   * Owners of the workspace, owners and organization admins may start/stop (`update`) and delete.
   * Whoever may read but not build (a template admin) gets 403, as Coder's later versions.
   */
  private async authorize(
    actor: Actor,
    workspace: WorkspaceEntity,
    transition: Transition,
    body: CreateWorkspaceBuildRequest,
  ): Promise<void> {
    const action = transition === 'delete' ? 'delete' : 'update';
    if (!canOnWorkspace(actor, action, workspace)) throw buildForbidden(action);
    if (body.orphan && transition !== 'delete') throw orphanOnlyOnDelete();
    if (body.orphan && body.state) throw orphanWithState();
    if (body.orphan || body.state) {
      const template = (await this.templates.templatesByIds([workspace.templateId])).get(workspace.templateId);
      if (!template || !canOnTemplate(actor, 'update', template)) throw customStateForbidden();
    }
    if (body.log_level) {
      if (!can(actor, 'read', { type: 'deployment_config' })) throw logLevelForbidden();
      throw debugModeDisabled();
    }
  }

  /** The requested version of the workspace's template, or the previous build's. */
  private async version(workspace: WorkspaceEntity, requested: string | undefined): Promise<TemplateVersionEntity> {
    const id = isAbsent(requested)
      ? (await this.repo.getLatestBuild(workspace.id))?.templateVersionId
      : requested!.toLowerCase();
    const found = id ? await this.templates.findVersion(id) : null;
    if (!found) throw buildVersionMissing();
    if (found.version.templateId !== workspace.templateId) throw buildVersionOfOtherTemplate();
    return found.version;
  }

  /** Locks the workspace (serialising build numbers) and refuses while its latest build's job is active. */
  private async lockAndCheckIdle(workspace: WorkspaceEntity): Promise<WorkspaceBuildEntity> {
    const locked = await this.workspacesRepo.lockWorkspace(workspace.id);
    if (!locked || locked.deleted) throw workspaceDeletedOnBuild(workspace.id);
    const previous = await this.repo.getLatestBuild(workspace.id);
    if (!previous) throw internalError(`workspace ${workspace.id} has no build`);
    const job = await this.jobs.getJob(previous.jobId);
    if (job && isActive(jobStatus(job))) throw buildActive();
    return previous;
  }

  private record(
    actor: BuildAuditActor,
    workspace: WorkspaceEntity,
    build: WorkspaceBuildEntity,
    meta: RequestMeta,
  ): Promise<void> {
    return this.audit.record({
      meta,
      userId: actor.userId,
      organizationId: workspace.organizationId,
      resourceType: 'workspace_build',
      resourceId: build.id,
      resourceTarget: workspace.name,
      action: build.transition,
      statusCode: 201,
      additionalFields: {
        ...actor.additionalFields,
        workspace_name: workspace.name,
        build_number: String(build.buildNumber),
        build_reason: build.reason,
      },
    });
  }

  /**
   * `PATCH /workspacebuilds/{workspacebuild}/cancel`, Coder's checks in its order. The job row is
   * locked for the checks and the update, so two cancels (or a cancel and a daemon) never both win.
   * A pending job is canceled at once; a running one is `canceling` until its daemon ends it (the
   * daemon learns it from the answer to its next `update_job`). Coder does not audit cancels.
   */
  async cancel(actor: Actor, { build, workspace }: VisibleBuild, query: Record<string, unknown>) {
    const expect = expectStatus(query);
    if (!(await this.mayCancel(actor, workspace, expect))) throw cancelForbidden();
    const outcome = await this.db.transaction(() => this.reaper.cancelLockedJob(build.jobId, expect));
    switch (outcome) {
      case 'canceled':
        return { message: 'Job has been marked as canceled...' };
      case 'already_canceled':
        throw jobAlreadyCanceled();
      case 'unexpected_status':
        throw jobNotInExpectedState();
      case 'completed':
        throw jobAlreadyCompleted();
      default:
        throw internalError(`build ${build.id} has no job`);
    }
  }

  /**
   * Coder's rule: with `expect_status=pending` anyone may (canceling a queued build destroys
   * nothing), else the template must allow user cancels or the caller be an owner. Coder's
   * database layer also requires `update` on the workspace; we check it here, so a reader gets 403.
   */
  private async mayCancel(actor: Actor, workspace: WorkspaceEntity, expect: string | undefined): Promise<boolean> {
    if (!canOnWorkspace(actor, 'update', workspace)) return false;
    if (expect === 'pending' || isOwner(actor)) return true;
    const template = (await this.templates.templatesByIds([workspace.templateId])).get(workspace.templateId);
    return template?.allowUserCancelWorkspaceJobs === true;
  }

  get({ build, workspace }: VisibleBuild): Promise<WorkspaceBuildResponse> {
    return this.presenter.build(build, workspace);
  }

  async logs({ build }: VisibleBuild, query: Record<string, unknown>) {
    const window = parseLogsQuery(query);
    return withinWindow(await this.jobs.logs(build.jobId, window.after), window);
  }

  async list(workspace: WorkspaceEntity, query: Record<string, unknown>): Promise<WorkspaceBuildResponse[]> {
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const sinceRaw = parser.string('since');
    parser.done();
    let since: Date | undefined;
    if (sinceRaw) {
      since = new Date(sinceRaw);
      if (!/^\d{4}-\d\d-\d\dT/.test(sinceRaw) || Number.isNaN(since.getTime())) throw badSince();
    }
    const builds = await this.repo.listBuilds(workspace.id, page, since);
    if (!builds) throw unknownAfterId(page.afterId);
    return this.presenter.builds(builds, [workspace]);
  }
}
