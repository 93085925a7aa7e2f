import { Module } from '@nestjs/common';
import { UsersModule } from '../../core/users/users.module.js';
import { QuietHoursController } from './quiet-hours.controller.js';
import { QuietHoursService } from './quiet-hours.service.js';
import { AuditModule } from '../../core/audit/audit.module.js';

/** User quiet hours (`advanced_template_scheduling`); `{user}` is resolved by the users module. */
@Module({ imports: [AuditModule, UsersModule], controllers: [QuietHoursController], providers: [QuietHoursService] })
export class QuietHoursModule {}
