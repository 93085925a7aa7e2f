import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module.js';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { TemplateCreateService } from './template-create.service.js';
import { TemplatePresenter } from './template-presenter.js';
import { TemplateUpdateService } from './template-update.service.js';
import { TemplateVersionsController } from './template-versions.controller.js';
import { TemplateVersionsRepository } from './template-versions.repository.js';
import { TemplateVersionsService } from './template-versions.service.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';
import { TemplateVersionLogsGateway } from './template-version-logs.gateway.js';

/** Template versions (imports of uploaded files) and templates. Exports the lookups workspaces need. */
@Module({
  imports: [OrganizationsModule, FilesModule],
  controllers: [TemplatesController, TemplateVersionsController],
  providers: [
    TemplateVersionLogsGateway,
    TemplatesService,
    TemplateCreateService,
    TemplateUpdateService,
    TemplateVersionsService,
    TemplatePresenter,
    TemplatesRepository,
    TemplateVersionsRepository,
  ],
  exports: [TemplatesService],
})
export class TemplatesModule {}
