import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { UsersModule } from '../../core/users/users.module.js';
import { GroupsModule } from '../groups/groups.module.js';
import { TemplateAclController } from './template-acl.controller.js';
import { TemplateAclService } from './template-acl.service.js';

/** Template ACLs (`template_rbac`). */
@Module({ imports: [GroupsModule, OrganizationsModule, UsersModule], controllers: [TemplateAclController], providers: [TemplateAclService] })
export class TemplateAclModule {}
