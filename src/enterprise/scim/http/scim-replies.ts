import { HttpStatus } from '@nestjs/common';
import { SCHEMA } from '../discovery/scim.constants.js';
import type { ListQuery } from '../filter/scim-list-query.js';
import { project, type Projection } from '../filter/scim-projection.js';
import type { ScimReply } from './scim-http.js';

/** Whether a projection returns the multi-valued attribute `name` (`groups`, `members`). */
export function wantsAttribute(projection: Projection, name: string): boolean {
  if (projection.exclude.includes(name)) return false;
  return !projection.include || projection.include.some((n) => n === name || n.startsWith(`${name}.`));
}

/** A ListResponse page (RFC 7644 §3.4.2) of resources, each projected. */
export function listReply(query: ListQuery, total: number, resources: Record<string, unknown>[]): ScimReply {
  return documentReply({
    schemas: [SCHEMA.listResponse],
    totalResults: total,
    startIndex: query.startIndex,
    itemsPerPage: resources.length,
    Resources: resources.map((r) => project(r, query.projection)),
  });
}

/** A discovery document, as it is. */
export function documentReply(body: Record<string, unknown>): ScimReply {
  return { status: HttpStatus.OK, body };
}

/** A resource answer (GET, PUT) with its `ETag`: the projected resource. */
export function resourceReply(resource: Record<string, unknown>, projection: Projection): ScimReply {
  return { status: HttpStatus.OK, headers: { ETag: versionOf(resource) }, body: project(resource, projection) };
}

/** 201 for a POST: the projected resource with its `ETag` and `Location`. */
export function createdReply(resource: Record<string, unknown>, projection: Projection): ScimReply {
  const meta = resource.meta as { location: string; version: string };
  return {
    status: HttpStatus.CREATED,
    headers: { ETag: meta.version, Location: meta.location },
    body: project(resource, projection),
  };
}

/**
 * A PATCH answer: the projected resource, or 204 when `attributes` asks for none (RFC 7644
 * §3.5.2 allows 204 there, not for GET or PUT).
 */
export function patchedReply(resource: Record<string, unknown>, projection: Projection): ScimReply {
  if (projection.include?.length === 0)
    return { status: HttpStatus.NO_CONTENT, headers: { ETag: versionOf(resource) } };
  return resourceReply(resource, projection);
}

/** 304 for a GET whose If-None-Match names the current version. */
export function notModifiedReply(version: string): ScimReply {
  return { status: HttpStatus.NOT_MODIFIED, headers: { ETag: version } };
}

/** 204 for a DELETE. */
export function deletedReply(): ScimReply {
  return { status: HttpStatus.NO_CONTENT };
}

function versionOf(resource: Record<string, unknown>): string {
  return (resource.meta as { version: string }).version;
}
