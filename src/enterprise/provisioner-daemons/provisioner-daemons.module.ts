import { Module } from '@nestjs/common';
import { AccessModule } from '../../core/access/resolved-params.js';
import { OrganizationsModule } from '../../core/organizations/organizations.module.js';
import { ProvisionerDaemonServeController, ProvisionerDaemonsController } from './provisioner-daemons.controller.js';
import { OrgRefParamResolver } from './provisioner-daemons.params.js';
import { ProvisionerDaemonsService } from './provisioner-daemons.service.js';
import { ServeAccessService } from './serve-access.service.js';
import { ServeGateway } from './serve.gateway.js';
import { AuthModule } from '../../core/auth/auth.module.js';
import { ProvisioningModule } from '../../core/provisioning/provisioning.module.js';
import { ProvisionerKeysModule } from '../provisioner-keys/provisioner-keys.module.js';

/**
 * External provisioner daemons (`external_provisioner_daemons`): the list route and `/serve`, the
 * WebSocket over which daemons run jobs with the JSON protocol (docs/provisioner-protocol.md);
 * the `{orgref}` path parameter.
 */
@Module({
  imports: [ProvisioningModule, AuthModule, AccessModule, OrganizationsModule, ProvisionerKeysModule],
  controllers: [ProvisionerDaemonsController, ProvisionerDaemonServeController],
  providers: [OrgRefParamResolver, ProvisionerDaemonsService, ServeAccessService, ServeGateway],
  exports: [ProvisionerDaemonsService],
})
export class ProvisionerDaemonsModule {}
