import { Injectable } from '@nestjs/common';
import { OrganizationsService } from '../../../core/organizations/organizations.service.js';
import { noOrganization } from './scim.errors.js';

/**
 * The organization SCIM provisions into: Coder's default one. It is created with the first user
 * and never deleted or replaced, so its id is remembered once found (no query per request).
 */
@Injectable()
export class ScimOrganization {
  private known: string | undefined;

  constructor(private readonly orgs: OrganizationsService) {}

  async id(): Promise<string | undefined> {
    this.known ??= (await this.orgs.getDefaultOrganization())?.id;
    return this.known;
  }

  /** For writes: 409 while there is no organization yet (before the first user). */
  async requireId(): Promise<string> {
    const id = await this.id();
    if (!id) throw noOrganization();
    return id;
  }
}
