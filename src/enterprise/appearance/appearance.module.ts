import { Module } from '@nestjs/common';
import { AppearanceController, AppearanceUpdateController } from './appearance.controller.js';
import { AppearanceRepository } from './appearance.repository.js';
import { AppearanceService } from './appearance.service.js';
import { SiteConfigModule } from '../../core/site-config/site-config.module.js';

/** Application name, logo, banners and support links (`/appearance`), stored in `site_configs`. */
@Module({
  imports: [SiteConfigModule],
  controllers: [AppearanceController, AppearanceUpdateController],
  providers: [AppearanceService, AppearanceRepository],
  exports: [AppearanceService],
})
export class AppearanceModule {}
