import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ProvisioningModule } from '../provisioning/provisioning.module.js';
import { TemplatesModule } from '../templates/templates.module.js';
import { WorkspacesModule } from '../workspaces/workspaces.module.js';
import { LifecycleExecutorService } from './lifecycle-executor.service.js';
import { LifecycleRepository } from './lifecycle.repository.js';

/** Autostart and autostop (Coder's lifecycle executor); no routes. */
@Module({
  imports: [WorkspacesModule, ProvisioningModule, TemplatesModule, AuditModule],
  providers: [LifecycleExecutorService, LifecycleRepository],
  exports: [LifecycleExecutorService],
})
export class LifecycleModule {}
