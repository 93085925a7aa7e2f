import { scimNotFound } from '../http/scim.errors.js';
import { LIMITS, SCHEMA } from './scim.constants.js';
import { COMMON_ATTRIBUTES, GROUP_SCHEMA, USER_SCHEMA, type AttributeDef, type ResourceSchema } from './scim-schema.js';

/**
 * The discovery documents of RFC 7644 §4 / RFC 7643 §5-7, built from the same definitions the
 * handlers use, so they describe exactly what is supported.
 */

function meta(base: string, resourceType: string, path: string) {
  return { resourceType, location: `${base}${path}` };
}

export function serviceProviderConfig(base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA.serviceProviderConfig],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: LIMITS.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'The key configured in CODER_SCIM_AUTH_HEADER, as "Authorization: Bearer <key>" (or the raw key).',
        primary: true,
      },
    ],
    meta: meta(base, 'ServiceProviderConfig', '/ServiceProviderConfig'),
  };
}

const RESOURCE_SCHEMAS: ResourceSchema[] = [USER_SCHEMA, GROUP_SCHEMA];

function resourceType(schema: ResourceSchema, base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA.resourceType],
    id: schema.name,
    name: schema.name,
    endpoint: schema.endpoint,
    description: schema.description,
    schema: schema.id,
    schemaExtensions: [],
    meta: meta(base, 'ResourceType', `/ResourceTypes/${schema.name}`),
  };
}

function published(def: AttributeDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness,
  };
  if (def.canonicalValues) out.canonicalValues = def.canonicalValues;
  if (def.referenceTypes) out.referenceTypes = def.referenceTypes;
  if (def.subAttributes) out.subAttributes = def.subAttributes.map(published);
  return out;
}

function schemaDocument(schema: ResourceSchema, base: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    // `id` and `externalId` are common attributes (RFC 7643 §3.1), not part of the schema.
    attributes: schema.attributes.filter((a) => !COMMON_ATTRIBUTES.includes(a.name)).map(published),
    meta: meta(base, 'Schema', `/Schemas/${schema.id}`),
  };
}

function findResourceSchema(nameOrId: string): ResourceSchema | undefined {
  const lower = nameOrId.toLowerCase();
  return RESOURCE_SCHEMAS.find((s) => s.name.toLowerCase() === lower || s.id.toLowerCase() === lower);
}

function listResponse(resources: Record<string, unknown>[]): Record<string, unknown> {
  return {
    schemas: [SCHEMA.listResponse],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** `/ResourceTypes`: every resource type served. */
export function resourceTypeList(base: string): Record<string, unknown> {
  return listResponse(RESOURCE_SCHEMAS.map((s) => resourceType(s, base)));
}

/** `/ResourceTypes/{name}`: by name (`User`, `Group`, any case); 404 for anything else. */
export function resourceTypeNamed(name: string, base: string): Record<string, unknown> {
  const schema = findResourceSchema(name);
  if (!schema || schema.name.toLowerCase() !== name.toLowerCase()) throw scimNotFound();
  return resourceType(schema, base);
}

/** `/Schemas`: the User and Group schemas. */
export function schemaList(base: string): Record<string, unknown> {
  return listResponse(RESOURCE_SCHEMAS.map((s) => schemaDocument(s, base)));
}

/** `/Schemas/{id}`: by URN (any case); 404 for anything else. */
export function schemaWithId(id: string, base: string): Record<string, unknown> {
  const schema = findResourceSchema(id);
  if (!schema || schema.id.toLowerCase() !== id.toLowerCase()) throw scimNotFound();
  return schemaDocument(schema, base);
}
