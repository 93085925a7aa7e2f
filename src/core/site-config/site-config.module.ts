import { Module } from '@nestjs/common';
import { SiteConfigRepository } from './site-config.repository.js';
import { SiteConfigService } from './site-config.service.js';

@Module({ providers: [SiteConfigService, SiteConfigRepository], exports: [SiteConfigService] })
export class SiteConfigModule {}
