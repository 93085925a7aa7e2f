import { Global, Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module.js';
import { AuditLogsService } from './audit-logs.service.js';
import { AuditController } from './audit.controller.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  imports: [OrganizationsModule],
  controllers: [AuditController],
  providers: [AuditService, AuditLogsService, AuditRepository],
  exports: [AuditService],
})
export class AuditModule {}
