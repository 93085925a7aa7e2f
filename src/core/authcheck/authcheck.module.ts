import { Module } from '@nestjs/common';
import { CoreGroupsModule } from '../groups/groups.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { UsersModule } from '../users/users.module.js';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { AuthCheckController } from './authcheck.controller.js';
import { AuthCheckService } from './authcheck.service.js';

/** `POST /authcheck`: the dashboard's permission questions, answered by the RBAC policy and the row lookups. */
@Module({
  imports: [WorkspacesModule, TemplatesModule, UsersModule, CoreGroupsModule],
  controllers: [AuthCheckController],
  providers: [AuthCheckService],
  exports: [AuthCheckService],
})
export class AuthCheckModule {}
