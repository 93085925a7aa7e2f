import { Global, Module } from '@nestjs/common';
import { EntitlementsController } from './entitlements.controller.js';
import { EntitlementsService } from './entitlements.service.js';
import { LicenseKeysService } from './license-keys.service.js';
import { LicensesController } from './licenses.controller.js';
import { LicensesRepository } from './licenses.repository.js';
import { LicensesService } from './licenses.service.js';

/** Licenses, their verification keys, and the entitlements every feature gate reads. */
@Global()
@Module({
  controllers: [LicensesController, EntitlementsController],
  providers: [EntitlementsService, LicenseKeysService, LicensesRepository, LicensesService],
  exports: [EntitlementsService],
})
export class LicensingModule {}
