import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { FilesModule } from '../files/files.module.js';
import { UsersModule } from '../users/users.module.js';
import { OrganizationTemplateVersionsController } from './organization-template-versions.controller.js';
import { OrganizationTemplatesController } from './organization-templates.controller.js';
import { TemplateCreateService } from './template-create.service.js';
import { TemplatePresenter } from './template-presenter.js';
import { TemplateUpdateService } from './template-update.service.js';
import { TemplateVersionLogsGateway } from './template-version-logs.gateway.js';
import { TemplateVersionsController } from './template-versions.controller.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { TemplatesController, TemplatesListController } from './templates.controller.js';
import { TemplateNameParamResolver, TemplateParamResolver, TemplateVersionParamResolver } from './templates.params.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';
import { AuditModule } from '../audit/audit.module.js';
import { ProvisioningModule } from '../provisioning/provisioning.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';

/**
 * Template versions (imports of uploaded files) and templates. Exports the lookups workspaces need,
 * and the templates repository (the owner of the ACL columns the template ACL routes write).
 */
@Module({
  imports: [ProvisioningModule, AuditModule, AccessModule, FilesModule, UsersModule, OrganizationsModule],
  controllers: [
    OrganizationTemplatesController,
    TemplatesListController,
    TemplatesController,
    OrganizationTemplateVersionsController,
    TemplateVersionsController,
  ],
  providers: [
    TemplateVersionLogsGateway,
    TemplatesService,
    TemplateCreateService,
    TemplateUpdateService,
    TemplateVersionsService,
    TemplatePresenter,
    TemplatesRepository,
    TemplateVersionsRepository,
    TemplateParamResolver,
    TemplateNameParamResolver,
    TemplateVersionParamResolver,
  ],
  exports: [TemplatesService, TemplatesRepository],
})
export class TemplatesModule {}
