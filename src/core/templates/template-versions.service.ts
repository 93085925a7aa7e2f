import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden } from '../../common/errors.js';
import { randomName } from '../../common/random-names.js';
import { Database } from '../../database/database.js';
import { AuditService } from '../audit/audit.service.js';
import { FilesService } from '../files/files.service.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { ProvisionerType } from '../provisioning/entities/provisioner-job.entity.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { mutateTags, tagsProblem } from '../provisioning/tags.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { CreateTemplateVersionRequest, TemplateVersionResponse } from './dto/template-version.dto.js';
import type { PatchTemplateVersionRequest } from './dto/update-template.dto.js';
import type { TemplateVersionEntity } from './entities/template-version.entity.js';
import { parseLogsQuery, withinWindow } from './job-logs-query.js';
import { TemplatePresenter } from './template-presenter.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import {
  exampleAndFile,
  exampleNotBundled,
  fileMissing,
  invalidTags,
  jobAlreadyCanceled,
  jobAlreadyCompleted,
  jobNotCompleted,
  templateMissing,
  versionNameNotUnique,
  versionNameTaken,
} from './templates.errors.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService, type VisibleVersion } from './templates.service.js';

interface NewVersion {
  id: string;
  orgId: string;
  templateId: string | null;
  name: string;
  message: string;
  jobId: string;
}

/** `/organizations/{organization}/templateversions` and `/templateversions/{templateversion}/...`. */
@Injectable()
export class TemplateVersionsService {
  constructor(
    private readonly db: Database,
    private readonly templates: TemplatesService,
    private readonly templatesRepo: TemplatesRepository,
    private readonly repo: TemplateVersionsRepository,
    private readonly presenter: TemplatePresenter,
    private readonly files: FilesService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: Actor,
    org: OrganizationEntity,
    body: CreateTemplateVersionRequest,
    meta: RequestMeta,
  ): Promise<TemplateVersionResponse> {
    const orgId = org.id;
    const templateId = isAbsent(body.template_id) ? null : body.template_id!.toLowerCase();
    // A new version of an existing template needs `update` on it (a template ACL admin has it);
    // a version for a template yet to be created needs the right to create templates here.
    if (templateId) await this.assertAttachable(actor, orgId, templateId);
    else if (!can(actor, 'create', { type: 'template', orgId })) throw forbidden();
    const tags = body.tags ?? {};
    const problem = tagsProblem(tags);
    if (problem) throw invalidTags(problem);
    if (!isAbsent(body.example_id) && !isAbsent(body.file_id)) throw exampleAndFile();
    if (!isAbsent(body.example_id)) throw exampleNotBundled();
    const file = await this.files.getUsable(actor, body.file_id!.toLowerCase());
    if (!file) throw fileMissing();
    const name = body.name || randomName();
    const versionId = randomUUID();
    const { version, job } = await this.db.transaction(async () => {
      if (templateId) await this.checkName(templateId, name);
      const created = await this.jobs.createJob({
        type: 'template_version_import',
        provisioner: body.provisioner as ProvisionerType,
        organizationId: orgId,
        initiatorId: actor.id,
        fileId: file.id,
        input: {
          template_version_id: versionId,
          user_variable_values: (body.user_variable_values ?? []).map((v) => ({ name: v.name, value: v.value })),
        },
        tags: mutateTags(actor.id, tags),
      });
      const input = { id: versionId, orgId, templateId, name, message: body.message ?? '', jobId: created.id };
      const row = await this.insertVersion(actor, input, meta);
      return { version: row, job: created };
    });
    await this.jobs.announce(job);
    return this.presenter.version(version);
  }

  /** Coder checks the template before anything else: 404 if it is not a live template of this organization. */
  private async assertAttachable(actor: Actor, orgId: string, templateId: string): Promise<void> {
    const template = await this.templatesRepo.getTemplateById(templateId);
    if (!template || template.deleted || template.organizationId !== orgId || !canOnTemplate(actor, 'read', template)) {
      throw templateMissing();
    }
    if (!canOnTemplate(actor, 'update', template)) throw forbidden();
  }

  /** Version names are unique per template; the template row lock serialises concurrent creates. */
  private async checkName(templateId: string, name: string): Promise<void> {
    const locked = await this.templatesRepo.lockTemplate(templateId, 'update');
    if (!locked || locked.deleted) throw templateMissing();
    if (await this.repo.getVersionByTemplateAndName(templateId, name)) throw versionNameTaken(name);
  }

  private async insertVersion(actor: Actor, input: NewVersion, meta: RequestMeta): Promise<TemplateVersionEntity> {
    const now = new Date();
    const version: TemplateVersionEntity = {
      id: input.id,
      templateId: input.templateId,
      organizationId: input.orgId,
      createdAt: now,
      updatedAt: now,
      name: input.name,
      message: input.message,
      readme: '',
      jobId: input.jobId,
      createdBy: actor.id,
      archived: false,
    };
    await this.repo.insertVersion(version);
    await this.audit.record({
      meta,
      userId: actor.id,
      organizationId: input.orgId,
      resourceType: 'template_version',
      resourceId: version.id,
      resourceTarget: input.name,
      action: 'create',
      statusCode: 201,
    });
    return version;
  }

  get(found: VisibleVersion): Promise<TemplateVersionResponse> {
    return this.presenter.version(found.version);
  }

  /** The import's resources, start and stop sets, by name; only once the import job completed. */
  async resources(found: VisibleVersion) {
    const job = await this.jobs.getJob(found.version.jobId);
    if (!job?.completedAt) throw jobNotCompleted();
    const resources = await this.jobs.resources([job.id]);
    return resources.sort(
      (a, b) => a.name.localeCompare(b.name) || a.workspace_transition.localeCompare(b.workspace_transition),
    );
  }

  async logs(found: VisibleVersion, query: Record<string, unknown>) {
    const window = parseLogsQuery(query);
    return withinWindow(await this.jobs.logs(found.version.jobId, window.after), window);
  }

  /**
   * `PATCH /templateversions/{templateversion}`: rename and/or set the message (Coder's rules: an
   * empty name keeps the name, an absent message keeps the message, names are unique within the
   * template). Coder does not audit this.
   */
  async rename(
    actor: Actor,
    found: VisibleVersion,
    body: PatchTemplateVersionRequest,
  ): Promise<TemplateVersionResponse> {
    if (!this.templates.canOnVersion(actor, 'update', found)) throw forbidden();
    const { version } = found;
    const name = body.name || version.name;
    const updated = await this.db.transaction(async () => {
      if (version.templateId && name !== version.name) {
        await this.templatesRepo.lockTemplate(version.templateId, 'update');
        if (await this.repo.getVersionByTemplateAndName(version.templateId, name)) throw versionNameNotUnique();
      }
      return this.repo.renameVersion(version.id, name, body.message ?? version.message);
    });
    return this.presenter.version(updated);
  }

  async cancel(actor: Actor, found: VisibleVersion): Promise<{ message: string }> {
    if (!this.templates.canOnVersion(actor, 'update', found)) throw forbidden();
    switch (await this.jobs.cancelJob(found.version.jobId)) {
      case 'canceled':
        return { message: 'Job has been marked as canceled...' };
      case 'already_canceled':
        throw jobAlreadyCanceled();
      default:
        throw jobAlreadyCompleted();
    }
  }
}
