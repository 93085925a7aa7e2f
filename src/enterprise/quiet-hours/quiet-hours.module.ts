import { Module } from '@nestjs/common';
import { UsersModule } from '../../core/users/users.module.js';
import { QuietHoursController } from './quiet-hours.controller.js';
import { QuietHoursService } from './quiet-hours.service.js';

/** User quiet hours (`advanced_template_scheduling`). */
@Module({ imports: [UsersModule], controllers: [QuietHoursController], providers: [QuietHoursService] })
export class QuietHoursModule {}
