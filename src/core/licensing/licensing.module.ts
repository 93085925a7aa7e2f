import { Global, Module } from '@nestjs/common';
import { AccessModule } from '../access/resolved-params.js';
import { UsersModule } from '../users/users.module.js';
import { EntitlementsController } from './entitlements.controller.js';
import { EntitlementsService } from './entitlements.service.js';
import { LicenseKeysService } from './license-keys.service.js';
import { LicensesController } from './licenses.controller.js';
import { LicenseParamResolver } from './licenses.params.js';
import { LicensesRepository } from './licenses.repository.js';
import { LicensesService } from './licenses.service.js';
import { AuditModule } from '../audit/audit.module.js';
import { PubSubModule } from '../../database/pubsub/pubsub.module.js';
import { SiteConfigModule } from '../site-config/site-config.module.js';

/** Licenses, their verification keys, and the entitlements every feature gate reads. */
@Global()
@Module({
  imports: [SiteConfigModule, PubSubModule, AuditModule, AccessModule, UsersModule],
  controllers: [LicensesController, EntitlementsController],
  providers: [EntitlementsService, LicenseKeysService, LicensesRepository, LicensesService, LicenseParamResolver],
  exports: [EntitlementsService],
})
export class LicensingModule {}
