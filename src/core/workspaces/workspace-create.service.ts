import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden, internalError, notFound } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../audit/audit.service.js';
import { workspaceAuditEntry } from './workspace-audit.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { JobsService } from '../provisioning/jobs.service.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import type { TemplateVersionEntity } from '../templates/entities/template-version.entity.js';
import type { TemplateEntity } from '../templates/entities/template.entity.js';
import { TemplatesService } from '../templates/templates.service.js';
import type { UserEntity } from '../users/entities/user.entity.js';
import type { CreateWorkspaceRequest } from './dto/create-workspace.dto.js';
import type { WorkspaceResponse } from './dto/workspace.dto.js';
import { AUTOMATIC_UPDATES, WorkspaceEntity, type AutomaticUpdates } from './entities/workspace.entity.js';
import { validAutostartSchedule, workspaceTtl } from './schedule.js';
import { WorkspaceBuilder, type NewBuild } from './workspace-builder.js';
import {
  invalidAutomaticUpdates,
  nameTaken,
  templateDeleted,
  templateDeprecated,
  templateMissing,
  templateOfOtherOrganization,
  versionMissing,
} from './workspaces.errors.js';
import { WorkspacesRepository } from './workspaces.repository.js';
import { WorkspacesService } from './workspaces.service.js';

/** Coder's validWorkspaceAutomaticUpdates: absent or empty is `never`. */
function automaticUpdates(value: string | undefined): AutomaticUpdates {
  if (value === undefined || value === '') return 'never';
  if ((AUTOMATIC_UPDATES as readonly string[]).includes(value)) return value as AutomaticUpdates;
  throw invalidAutomaticUpdates();
}

interface NewWorkspace {
  ownerId: string;
  organizationId: string;
  templateId: string;
  name: string;
  autostartSchedule: string | null;
  ttl: number | null;
  automaticUpdates: AutomaticUpdates;
}

function newWorkspace(input: NewWorkspace) {
  const now = new Date();
  return Object.assign(new WorkspaceEntity(), {
    id: randomUUID(),
    createdAt: now,
    updatedAt: now,
    ...input,
    deleted: false,
    lastUsedAt: now,
    favorite: false,
  });
}

/** `POST /organizations/{organization}/members/{user}/workspaces`: the workspace and its first (start) build. */
@Injectable()
export class WorkspaceCreateService {
  constructor(
    private readonly db: Database,
    private readonly repo: WorkspacesRepository,
    private readonly workspaces: WorkspacesService,
    private readonly builder: WorkspaceBuilder,
    private readonly templates: TemplatesService,
    private readonly orgs: OrganizationsRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: Actor,
    org: OrganizationEntity,
    owner: UserEntity,
    body: CreateWorkspaceRequest,
    meta: RequestMeta,
  ): Promise<WorkspaceResponse> {
    if (!(await this.orgs.getMember(org.id, owner.id))) throw notFound();
    // The caller sees the organization and the user: refusing is a 403 (Coder answers 404).
    if (!can(actor, 'create', { type: 'workspace', orgId: org.id, ownerId: owner.id })) throw forbidden();
    const { template, version } = await this.templateAndVersion(actor, org, body);
    if (template.deprecationMessage) throw templateDeprecated(template);
    const workspace = newWorkspace({
      ownerId: owner.id,
      organizationId: org.id,
      templateId: template.id,
      name: body.name,
      autostartSchedule: validAutostartSchedule(body.autostart_schedule),
      ttl: workspaceTtl(body.ttl_ms, template.defaultTtl, template.maxTtl),
      automaticUpdates: automaticUpdates(body.automatic_updates),
    });
    if (await this.repo.getWorkspaceByOwnerAndName(owner.id, body.name)) throw nameTaken(body.name);
    const importJob = await this.builder.succeededImport(version);
    let job;
    try {
      job = await this.db.transaction(() =>
        this.insert(actor, { workspace, template, version, importJob }, body, meta),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(body.name);
      throw err;
    }
    await this.jobs.announce(job);
    return this.workspaces.present(workspace, actor.id);
  }

  /**
   * `POST /users/{user}/workspaces` (Coder's current route; the organization-member one is its
   * deprecated predecessor): the organization is the template's. Coder's order: the template (or
   * version) first, with the same 400s, then the owner's membership of its organization (404).
   */
  async createForUser(
    actor: Actor,
    owner: UserEntity,
    body: CreateWorkspaceRequest,
    meta: RequestMeta,
  ): Promise<WorkspaceResponse> {
    const { template } = await this.templateAndVersion(actor, undefined, body);
    const org = await this.orgs.getOrganizationById(template.organizationId);
    if (!org) throw internalError(`template ${template.id} has no organization`);
    return this.create(actor, org, owner, body, meta);
  }

  private async insert(
    actor: Actor,
    input: Pick<NewBuild, 'workspace' | 'template' | 'version' | 'importJob'>,
    body: CreateWorkspaceRequest,
    meta: RequestMeta,
  ) {
    await this.lockLiveTemplate(input.template);
    await this.repo.insertWorkspace(input.workspace);
    const created = await this.builder.insert({
      ...input,
      transition: 'start',
      initiatorId: actor.id,
      buildNumber: 1,
      state: Buffer.alloc(0),
      richParameterValues: body.rich_parameter_values?.map(({ name, value }) => ({ name, value })),
    });
    await this.record(actor, input.workspace, meta);
    return created.job;
  }

  /**
   * Coder's order: the version (when only it is given), the template, deleted, organization (when
   * the route names one). A template the caller may not use answers as one that does not exist.
   */
  private async templateAndVersion(
    actor: Actor,
    org: OrganizationEntity | undefined,
    body: CreateWorkspaceRequest,
  ): Promise<{ template: TemplateEntity; version: TemplateVersionEntity }> {
    let templateId = isAbsent(body.template_id) ? undefined : body.template_id!.toLowerCase();
    let version: TemplateVersionEntity | undefined;
    if (!templateId) {
      const versionId = body.template_version_id!.toLowerCase();
      const found = await this.templates.findVersion(versionId);
      if (!found?.template || !this.templates.canOnVersion(actor, 'read', found)) throw versionMissing(versionId);
      version = found.version;
      templateId = found.template.id;
    }
    const template = await this.templates.findUsableTemplate(actor, templateId);
    if (!template) throw templateMissing(templateId);
    if (template.deleted) throw templateDeleted(template.name);
    if (org && template.organizationId !== org.id) throw templateOfOtherOrganization(org.name);
    if (!version) {
      const active = await this.templates.findVersion(template.activeVersionId);
      if (!active) throw internalError(`template ${template.id} has no active version`);
      version = active.version;
    }
    return { template, version };
  }

  /** Holds the template (a delete waits, and we see one that happened meanwhile). */
  private async lockLiveTemplate(template: TemplateEntity): Promise<void> {
    const locked = await this.templates.lockTemplate(template.id, 'share');
    if (!locked || locked.deleted) throw templateDeleted(template.name);
  }

  private record(actor: Actor, workspace: WorkspaceEntity, meta: RequestMeta): Promise<void> {
    return this.audit.record(
      workspaceAuditEntry(meta, actor.id, workspace, {
        action: 'create',
        statusCode: 201,
        diff: auditDiff(null, {
          id: workspace.id,
          name: workspace.name,
          owner_id: workspace.ownerId,
          template_id: workspace.templateId,
          autostart_schedule: workspace.autostartSchedule,
          ttl: workspace.ttl,
          automatic_updates: workspace.automaticUpdates,
        }),
      }),
    );
  }
}
