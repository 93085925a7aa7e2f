import { Injectable } from '@nestjs/common';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { ProvisionerDaemonsRepository } from '../../core/provisioning/provisioner-daemons.repository.js';
import { toDaemonResponse, type ProvisionerDaemonResponse } from './dto/provisioner-daemon.dto.js';

/** `GET /organizations/{orgref}/provisionerdaemons`. */
@Injectable()
export class ProvisionerDaemonsService {
  constructor(private readonly daemons: ProvisionerDaemonsRepository) {}

  async list(organization: OrganizationEntity): Promise<ProvisionerDaemonResponse[]> {
    return (await this.daemons.listDaemonsServingOrganization(organization.id)).map(toDaemonResponse);
  }
}
