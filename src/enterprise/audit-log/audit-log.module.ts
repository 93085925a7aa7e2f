import { Module } from '@nestjs/common';
import { AuditRepository } from '../../core/audit/audit.repository.js';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { AuditController } from './audit-log.controller.js';
import { AuditLogService } from './audit-log.service.js';

/**
 * `GET /audit`, gated on the audit_log entitlement. The entries are written by AuditService
 * (src/core/audit); both go through AuditRepository, the one owner of `audit_logs`.
 */
@Module({
  imports: [OrganizationsModule],
  controllers: [AuditController],
  providers: [AuditLogService, AuditRepository],
})
export class AuditLogModule {}
