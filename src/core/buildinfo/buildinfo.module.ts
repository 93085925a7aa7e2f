import { Module } from '@nestjs/common';
import { BuildInfoController } from './buildinfo.controller.js';
import { BuildInfoService } from './buildinfo.service.js';
import { SiteConfigModule } from '../site-config/site-config.module.js';

@Module({
  imports: [SiteConfigModule],
  controllers: [BuildInfoController],
  providers: [BuildInfoService],
})
export class BuildInfoModule {}
