import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OrganizationsService } from '../../core/organizations/organizations.service.js';
import { SCHEMA } from './scim.constants.js';
import { ScimError } from './scim-error.js';
import type { ScimReply } from './scim-http.js';
import type { ListQuery } from './scim-list-query.js';
import { project, type Projection } from './scim-projection.js';

const NO_ORGANIZATION = 'Coder has no default organization yet: create the first user before provisioning.';

/**
 * The organization SCIM provisions into: Coder's default one. It is created with the first user
 * and never deleted or replaced, so its id is remembered once found (no query per request).
 */
@Injectable()
export class ScimOrganization {
  private known: string | undefined;

  constructor(private readonly orgs: OrganizationsService) {}

  async id(manager?: EntityManager): Promise<string | undefined> {
    this.known ??= (await this.orgs.getDefaultOrganization(manager))?.id;
    return this.known;
  }

  /** For writes: 409 while there is no organization yet (before the first user). */
  async requireId(manager?: EntityManager): Promise<string> {
    const id = await this.id(manager);
    if (!id) throw new ScimError(409, undefined, NO_ORGANIZATION);
    return id;
  }
}

/** Whether a projection returns the multi-valued attribute `name` (`groups`, `members`). */
export function wantsAttribute(projection: Projection, name: string): boolean {
  if (projection.exclude.includes(name)) return false;
  return !projection.include || projection.include.some((n) => n === name || n.startsWith(`${name}.`));
}

/** A ListResponse page (RFC 7644 §3.4.2) of resources, each projected. */
export function listReply(query: ListQuery, total: number, resources: Record<string, unknown>[]): ScimReply {
  return {
    status: 200,
    body: {
      schemas: [SCHEMA.listResponse],
      totalResults: total,
      startIndex: query.startIndex,
      itemsPerPage: resources.length,
      Resources: resources.map((r) => project(r, query.projection)),
    },
  };
}

/**
 * A resource answer with its `ETag` (and `Location` for 201): the projected resource, or, for a
 * PATCH only (RFC 7644 §3.5.2 allows 204 there, not for GET or PUT), 204 when `attributes` asks
 * for none.
 */
export function resourceReply(resource: Record<string, unknown>, projection: Projection, status: number, patch = false): ScimReply {
  const meta = resource.meta as { location: string; version: string };
  const headers: Record<string, string> = { ETag: meta.version };
  if (status === 201) headers.Location = meta.location;
  if (patch && projection.include?.length === 0) return { status: 204, headers };
  return { status, headers, body: project(resource, projection) };
}
