import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { isAbsent } from '../../common/coder-validators.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { ApiError, badRequest, forbidden, validationFailed } from '../../common/errors.js';
import { AuditService } from '../audit/audit.service.js';
import { FilesService } from '../files/files.service.js';
import { JobsService } from '../provisioning/jobs.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import type { ProvisionerType } from '../provisioning/entities/provisioner-job.entity.js';
import { mutateTags, tagsProblem } from '../provisioning/tags.js';
import type { Actor } from '../rbac/actor.js';
import { can } from '../rbac/policy.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { CreateTemplateVersionRequest, TemplateVersionResponse } from './dto/template-version.dto.js';
import type { PatchTemplateVersionRequest } from './dto/update-template.dto.js';
import { TemplateVersionEntity } from './entities/template-version.entity.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { parseLogsQuery, withinWindow } from './job-logs-query.js';
import { randomName } from '../../common/random-names.js';
import { TemplatePresenter } from './template-presenter.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

interface NewVersion {
  id: string;
  orgId: string;
  templateId: string | null;
  name: string;
  message: string;
  jobId: string;
}

const TEMPLATE_MISSING = () => new ApiError(404, { message: 'Template does not exist.' });

function versionNameTaken(name: string): ApiError {
  return new ApiError(409, {
    message: `A template version named "${name}" already exists for this template.`,
    validations: [{ field: 'name', detail: 'This value is already in use and should be unique.' }],
  });
}

/** `/organizations/{organization}/templateversions` and `/templateversions/{templateversion}/...`. */
@Injectable()
export class TemplateVersionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly templates: TemplatesService,
    private readonly templatesRepo: TemplatesRepository,
    private readonly repo: TemplateVersionsRepository,
    private readonly presenter: TemplatePresenter,
    private readonly files: FilesService,
    private readonly jobs: JobsService,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, orgParam: string, body: CreateTemplateVersionRequest, meta: RequestMeta): Promise<TemplateVersionResponse> {
    const orgId = (await this.orgs.resolveVisible(actor, orgParam)).id;
    const templateId = isAbsent(body.template_id) ? null : body.template_id!.toLowerCase();
    // A new version of an existing template needs `update` on it (a template ACL admin has it);
    // a version for a template yet to be created needs the right to create templates here.
    if (templateId) await this.attachableTemplate(actor, orgId, templateId);
    else if (!can(actor, 'create', { type: 'template', orgId })) throw forbidden();
    const tags = body.tags ?? {};
    const problem = tagsProblem(tags);
    if (problem) throw validationFailed([{ field: 'tags', detail: problem }]);
    if (!isAbsent(body.example_id) && !isAbsent(body.file_id)) throw badRequest('You cannot specify both an example_id and a file_id.');
    if (!isAbsent(body.example_id)) {
      throw badRequest(
        'Example not found.',
        'Coder\'s starter examples are not bundled with this server: upload the template with POST /files and pass its file_id.',
      );
    }
    const file = await this.files.getUsable(actor, body.file_id!.toLowerCase());
    if (!file) throw new ApiError(404, { message: 'File not found.' });
    const name = body.name || randomName();
    const versionId = randomUUID();
    const { version, job } = await this.db.transaction(async (manager) => {
      if (templateId) await this.checkName(manager, templateId, name);
      const created = await this.jobs.createJob(manager, {
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
      const row = await this.insertVersion(manager, actor, input, meta);
      return { version: row, job: created };
    });
    await this.jobs.announce(job);
    return this.presenter.version(version);
  }

  /** Coder checks the template before anything else: 404 if it is not a live template of this organization. */
  private async attachableTemplate(actor: Actor, orgId: string, templateId: string): Promise<TemplateEntity> {
    const template = await this.templatesRepo.getTemplateById(templateId);
    if (!template || template.deleted || template.organizationId !== orgId || !canOnTemplate(actor, 'read', template)) {
      throw TEMPLATE_MISSING();
    }
    if (!canOnTemplate(actor, 'update', template)) throw forbidden();
    return template;
  }

  /** Version names are unique per template; the template row lock serialises concurrent creates. */
  private async checkName(manager: EntityManager, templateId: string, name: string): Promise<void> {
    const locked = await this.templatesRepo.lockTemplate(manager, templateId, 'update');
    if (!locked || locked.deleted) throw TEMPLATE_MISSING();
    if (await this.repo.getVersionByTemplateAndName(manager, templateId, name)) throw versionNameTaken(name);
  }

  private async insertVersion(manager: EntityManager, actor: Actor, input: NewVersion, meta: RequestMeta): Promise<TemplateVersionEntity> {
    const now = new Date();
    const version = Object.assign(new TemplateVersionEntity(), {
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
    });
    await this.repo.insertVersion(manager, version);
    await this.audit.record(
      {
        meta,
        userId: actor.id,
        organizationId: input.orgId,
        resourceType: 'template_version',
        resourceId: version.id,
        resourceTarget: input.name,
        action: 'create',
        statusCode: 201,
      },
      manager,
    );
    return version;
  }

  async get(actor: Actor, param: string): Promise<TemplateVersionResponse> {
    return this.presenter.version((await this.templates.resolveVersion(actor, param)).version);
  }

  /** The import's resources, start and stop sets, by name; only once the import job completed. */
  async resources(actor: Actor, param: string) {
    const { version } = await this.templates.resolveVersion(actor, param);
    const job = await this.jobs.getJob(version.jobId);
    if (!job?.completedAt) throw badRequest("Job hasn't completed!");
    const resources = await this.jobs.resources([job.id]);
    return resources.sort((a, b) => a.name.localeCompare(b.name) || a.workspace_transition.localeCompare(b.workspace_transition));
  }

  async logs(actor: Actor, param: string, query: Record<string, unknown>) {
    const { version } = await this.templates.resolveVersion(actor, param);
    const window = parseLogsQuery(query);
    return withinWindow(await this.jobs.logs(version.jobId, window.after), window);
  }

  /**
   * `PATCH /templateversions/{templateversion}`: rename and/or set the message (Coder's rules: an
   * empty name keeps the name, an absent message keeps the message, names are unique within the
   * template). Coder does not audit this.
   */
  async rename(actor: Actor, param: string, body: PatchTemplateVersionRequest): Promise<TemplateVersionResponse> {
    const found = await this.templates.resolveVersion(actor, param);
    if (!this.templates.canOnVersion(actor, 'update', found)) throw forbidden();
    const { version } = found;
    const name = body.name || version.name;
    const updated = await this.db.transaction(async (manager) => {
      if (version.templateId && name !== version.name) {
        await this.templatesRepo.lockTemplate(manager, version.templateId, 'update');
        if (await this.repo.getVersionByTemplateAndName(manager, version.templateId, name)) {
          throw badRequest('template version name must be unique for a template', undefined, [{ field: 'name', detail: 'Name is already used' }]);
        }
      }
      return this.repo.renameVersion(manager, version.id, name, body.message ?? version.message);
    });
    return this.presenter.version(updated);
  }

  async cancel(actor: Actor, param: string): Promise<{ message: string }> {
    const found = await this.templates.resolveVersion(actor, param);
    if (!this.templates.canOnVersion(actor, 'update', found)) throw forbidden();
    switch (await this.repo.cancelJob(found.version.jobId)) {
      case 'canceled':
        return { message: 'Job has been marked as canceled...' };
      case 'already_canceled':
        throw badRequest('Job has already been marked as canceled!');
      default:
        throw badRequest('Job has already completed!');
    }
  }
}
