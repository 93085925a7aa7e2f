import { Module } from '@nestjs/common';
import { AccessModule } from '../../core/access/resolved-params.js';
import { AuthModule } from '../../core/auth/auth.module.js';
import { PubSubModule } from '../../database/pubsub/pubsub.module.js';
import { ProvisionerKeyAuth } from './provisioner-key-auth.js';
import { ProvisionerKeyEvents } from './provisioner-key-events.js';
import { ProvisionerKeyFetchController, ProvisionerKeysController } from './provisioner-keys.controller.js';
import { ProvisionerKeysRepository } from './provisioner-keys.repository.js';
import { ProvisionerKeysService } from './provisioner-keys.service.js';

/**
 * Organization-scoped provisioner keys (`external_provisioner_daemons`): the key routes, and key
 * authentication and deletion events for the daemon `/serve` gateway, which ProvisionerDaemonsModule
 * imports (this module does not import that one). The `{orgref}` resolver is ProvisionerDaemonsModule's.
 */
@Module({
  imports: [AccessModule, AuthModule, PubSubModule],
  controllers: [ProvisionerKeysController, ProvisionerKeyFetchController],
  providers: [ProvisionerKeysRepository, ProvisionerKeysService, ProvisionerKeyAuth, ProvisionerKeyEvents],
  exports: [ProvisionerKeyAuth, ProvisionerKeyEvents, ProvisionerKeysRepository],
})
export class ProvisionerKeysModule {}
