import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { TemplatesModule } from '../../core/templates/templates.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { TemplateAclController } from './template-acl.controller.js';
import { TemplateAclService } from './template-acl.service.js';
import { AuditModule } from '../../core/audit/audit.module.js';

/** Template ACLs (`template_rbac`): stored in the templates' ACL columns, which TemplatesRepository owns. */
@Module({
  imports: [AuditModule, TemplatesModule, GroupsModule, OrganizationsModule, UsersModule],
  controllers: [TemplateAclController],
  providers: [TemplateAclService],
})
export class TemplateAclModule {}
