import { Global, Module } from '@nestjs/common';
import { EntitlementsService } from './entitlements.service.js';

/** Entitlements for every feature gate. The licensing issue adds licenses and the engine here. */
@Global()
@Module({ providers: [EntitlementsService], exports: [EntitlementsService] })
export class LicensingModule {}
