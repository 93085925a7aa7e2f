import { Global, Module } from '@nestjs/common';
import { SiteConfigService } from './site-config.service.js';

@Global()
@Module({ providers: [SiteConfigService], exports: [SiteConfigService] })
export class SiteConfigModule {}
