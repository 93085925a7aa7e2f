import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import { parsePagination, QueryParser } from '../../common/query.js';
import { AuditService } from '../audit/audit.service.js';
import { isActive, jobStatus } from '../provisioning/dto/job.dto.js';
import { JobsService } from '../provisioning/jobs.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateVersionEntity } from '../templates/entities/template-version.entity.js';
import { parseLogsQuery, withinWindow } from '../templates/job-logs-query.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { CreateWorkspaceBuildRequest } from './dto/create-workspace.dto.js';
import type { WorkspaceBuildResponse } from './dto/workspace.dto.js';
import type { Transition, WorkspaceBuildEntity } from './entities/workspace-build.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import { WorkspaceBuilder } from './workspace-builder.js';
import { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { WorkspacePresenter } from './workspace-presenter.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { canOnWorkspace, WorkspacesService } from './workspaces.service.js';

export const BUILD_ACTIVE = 'A workspace build is already active.';
const workspaceGone = (id: string) => new ApiError(410, { message: `Workspace ${JSON.stringify(id)} was deleted; it cannot be built.` });

/** `POST /workspaces/{workspace}/builds` (Coder's wsbuilder checks, in its order) and the build read routes. */
@Injectable()
export class WorkspaceBuildsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly workspaces: WorkspacesService,
    private readonly workspacesRepo: WorkspacesRepository,
    private readonly repo: WorkspaceBuildsRepository,
    private readonly builder: WorkspaceBuilder,
    private readonly presenter: WorkspacePresenter,
    private readonly templates: TemplatesService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, param: string, body: CreateWorkspaceBuildRequest, meta: RequestMeta): Promise<WorkspaceBuildResponse> {
    const workspace = await this.workspaces.resolveVisible(actor, param);
    if (body.transition === 'create') throw badRequest('Transition "create" not supported.');
    const transition = body.transition as Transition;
    await this.authorize(actor, workspace, transition, body);
    if (workspace.deleted) throw workspaceGone(workspace.id);
    const template = (await this.templates.templatesByIds([workspace.templateId])).get(workspace.templateId);
    if (!template) throw new Error(`workspace ${workspace.id} has no template`);
    const version = await this.version(workspace, body.template_version_id);
    const importJob = await this.builder.succeededImport(version);
    const { build, job } = await this.db.transaction(async (manager) => {
      const previous = await this.lockAndCheckIdle(manager, workspace);
      const created = await this.builder.insert(manager, {
        workspace,
        template,
        version,
        importJob,
        transition,
        initiatorId: actor.id,
        buildNumber: previous.buildNumber + 1,
        state: body.state ? Buffer.from(body.state, 'base64') : body.orphan ? Buffer.alloc(0) : previous.provisionerState,
        richParameterValues: body.rich_parameter_values?.map(({ name, value }) => ({ name, value })),
      });
      await this.record(manager, actor, workspace, created.build, meta);
      return created;
    });
    await this.jobs.announce(job);
    return this.presenter.build(build, workspace);
  }

  /**
   * Owners of the workspace, owners and organization admins may start/stop (`update`) and delete.
   * Whoever may read but not build (a template admin) gets 403, as Coder's later versions.
   */
  private async authorize(actor: Actor, workspace: WorkspaceEntity, transition: Transition, body: CreateWorkspaceBuildRequest): Promise<void> {
    const action = transition === 'delete' ? 'delete' : 'update';
    if (!canOnWorkspace(actor, action, workspace)) throw forbidden(`You do not have permission to ${action} this workspace.`);
    if (body.orphan && transition !== 'delete') throw badRequest('Orphan is only permitted when deleting a workspace.');
    if (body.orphan && body.state) throw badRequest('ProvisionerState cannot be set alongside Orphan since state intent is unclear.');
    if (body.orphan || body.state) {
      const template = (await this.templates.templatesByIds([workspace.templateId])).get(workspace.templateId);
      if (!template || !canOnTemplate(actor, 'update', template)) throw forbidden('Only template managers may provide custom state');
    }
    if (body.log_level) {
      if (!can(actor, 'read', { type: 'deployment_config' })) {
        throw badRequest('Workspace builds with a custom log level are restricted to administrators only.');
      }
      throw badRequest('Terraform debug mode is disabled in the deployment configuration.');
    }
  }

  /** The requested version of the workspace's template, or the previous build's. */
  private async version(workspace: WorkspaceEntity, requested: string | undefined): Promise<TemplateVersionEntity> {
    const id = isAbsent(requested) ? (await this.repo.getLatestBuild(workspace.id))?.templateVersionId : requested!.toLowerCase();
    const found = id ? await this.templates.findVersion(id) : null;
    if (!found) throw badRequest('template version does not exist');
    if (found.version.templateId !== workspace.templateId) throw badRequest("template version doesn't match template");
    return found.version;
  }

  /** Locks the workspace (serialising build numbers) and refuses while its latest build's job is active. */
  private async lockAndCheckIdle(manager: EntityManager, workspace: WorkspaceEntity): Promise<WorkspaceBuildEntity> {
    const locked = await this.workspacesRepo.lockWorkspace(manager, workspace.id);
    if (!locked || locked.deleted) throw workspaceGone(workspace.id);
    const previous = await this.repo.getLatestBuild(workspace.id, manager);
    if (!previous) throw new Error(`workspace ${workspace.id} has no build`);
    const job = await this.jobs.getJob(previous.jobId, manager);
    if (job && isActive(jobStatus(job))) throw new ApiError(409, { message: BUILD_ACTIVE, detail: BUILD_ACTIVE });
    return previous;
  }

  private record(manager: EntityManager, actor: Actor, workspace: WorkspaceEntity, build: WorkspaceBuildEntity, meta: RequestMeta): Promise<void> {
    return this.audit.record(
      {
        meta,
        userId: actor.id,
        organizationId: workspace.organizationId,
        resourceType: 'workspace_build',
        resourceId: build.id,
        resourceTarget: workspace.name,
        action: build.transition,
        statusCode: 201,
        additionalFields: { workspace_name: workspace.name, build_number: String(build.buildNumber), build_reason: build.reason },
      },
      manager,
    );
  }

  /** `{workspacebuild}` → the build and its workspace, if the actor may read the workspace. */
  private async resolveBuild(actor: Actor, param: string): Promise<{ build: WorkspaceBuildEntity; workspace: WorkspaceEntity }> {
    if (!isUuid(param)) throw invalidUuid('workspacebuild', param);
    const build = await this.repo.getBuildById(param.toLowerCase());
    const workspace = build ? await this.workspacesRepo.getWorkspaceById(build.workspaceId) : null;
    if (!build || !workspace || !canOnWorkspace(actor, 'read', workspace)) throw notFound();
    return { build, workspace };
  }

  async get(actor: Actor, param: string): Promise<WorkspaceBuildResponse> {
    const { build, workspace } = await this.resolveBuild(actor, param);
    return this.presenter.build(build, workspace);
  }

  /** The provisioner job of a build the caller may read (404 otherwise). */
  async jobOf(actor: Actor, param: string): Promise<string> {
    return (await this.resolveBuild(actor, param)).build.jobId;
  }

  async logs(actor: Actor, param: string, query: Record<string, unknown>) {
    const { build } = await this.resolveBuild(actor, param);
    const window = parseLogsQuery(query);
    return withinWindow(await this.jobs.logs(build.jobId, window.after), window);
  }

  async list(actor: Actor, param: string, query: Record<string, unknown>): Promise<WorkspaceBuildResponse[]> {
    const workspace = await this.workspaces.resolveVisible(actor, param);
    const parser = new QueryParser(query);
    const page = parsePagination(parser);
    const sinceRaw = parser.string('since');
    parser.done();
    let since: Date | undefined;
    if (sinceRaw) {
      since = new Date(sinceRaw);
      if (!/^\d{4}-\d\d-\d\dT/.test(sinceRaw) || Number.isNaN(since.getTime())) throw badRequest('bad `since` format, must be RFC3339');
    }
    const builds = await this.repo.listBuilds(workspace.id, page, since);
    if (!builds) throw badRequest(`Record at "after_id" (${JSON.stringify(page.afterId)}) does not exist.`);
    return this.presenter.builds(builds, [workspace]);
  }
}
