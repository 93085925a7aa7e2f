import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { ProvisionerDaemonsController } from './provisioner-daemons.controller.js';
import { ProvisionerDaemonsRepository } from './provisioner-daemons.repository.js';
import { ProvisionerDaemonsService } from './provisioner-daemons.service.js';
import { ServeAccessService } from './serve-access.service.js';
import { ServeGateway } from './serve.gateway.js';

/**
 * External provisioner daemons (`external_provisioner_daemons`): the list route and `/serve`, the
 * WebSocket over which daemons run jobs with the JSON protocol (docs/provisioner-protocol.md).
 */
@Module({
  imports: [OrganizationsModule],
  controllers: [ProvisionerDaemonsController],
  providers: [ProvisionerDaemonsService, ProvisionerDaemonsRepository, ServeAccessService, ServeGateway],
  exports: [ProvisionerDaemonsService],
})
export class ProvisionerDaemonsModule {}
