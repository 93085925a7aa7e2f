import { Injectable } from '@nestjs/common';
import { notFound } from '../../common/errors.js';
import type { OrganizationEntity } from '../../core/organizations/entities/organization.entity.js';
import { ProvisionerDaemonsRepository } from '../../core/provisioning/provisioner-daemons.repository.js';
import type { Actor } from '../../core/rbac/actor.js';
import { can } from '../../core/rbac/policy.js';
import { parseDaemonListQuery } from './daemon-list-query.js';
import { toDaemonResponse, type ProvisionerDaemonResponse } from './dto/provisioner-daemon.dto.js';

/** `GET /organizations/{orgref}/provisionerdaemons`. */
@Injectable()
export class ProvisionerDaemonsService {
  constructor(private readonly daemons: ProvisionerDaemonsRepository) {}

  /**
   * Coder shows the list to those who read the organization's provisioner jobs (owner,
   * organization admin, organization template admin) and answers 404 to everyone else: it names
   * the jobs the daemons run and their templates. Ours: those who edit the organization's
   * templates (owner, template admin, organization admin).
   */
  async list(
    actor: Actor,
    organization: OrganizationEntity,
    query: Record<string, unknown>,
  ): Promise<ProvisionerDaemonResponse[]> {
    if (!can(actor, 'update', { type: 'template', orgId: organization.id })) throw notFound();
    const filter = parseDaemonListQuery(query);
    return (await this.daemons.listDaemons(organization.id, filter)).map((row) =>
      toDaemonResponse(row, organization.id),
    );
  }
}
