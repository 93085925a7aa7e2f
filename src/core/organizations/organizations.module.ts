import { Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { CoreGroupsModule } from '../groups/groups.module.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationNameParamResolver, OrganizationParamResolver } from './organizations.params.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';
import { AuditModule } from '../audit/audit.module.js';

/** `/organizations`, and the `{organization}` / `{organizationname}` path parameters of every route. */
@Module({
  imports: [AuditModule, AccessModule, CoreGroupsModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrganizationsRepository, OrganizationParamResolver, OrganizationNameParamResolver],
  exports: [OrganizationsService, OrganizationsRepository],
})
export class OrganizationsModule {}
