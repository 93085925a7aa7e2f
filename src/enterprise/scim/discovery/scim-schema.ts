import { SCHEMA } from './scim.constants.js';

export type ValueType = 'string' | 'boolean' | 'reference' | 'dateTime';

/** The sub-attributes a bracket filter may name, by lower-cased name, with their type and case rule. */
export type SubAttributeTypes = Record<string, { type: ValueType; caseExact: boolean }>;

/**
 * The attributes this server stores, as RFC 7643 §7 schema definitions. `/Schemas` publishes
 * exactly these; the PATCH applier, the projection and the body readers resolve names against
 * them. Attributes of the RFC schemas we do not store (a user's `title`, `phoneNumbers`, the
 * enterprise extension...) are accepted on writes and ignored, because identity providers send
 * them by default: refusing them would stop provisioning altogether.
 */
export interface AttributeDef {
  name: string;
  type: ValueType | 'complex';
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
  /** Sub-attributes of the RFC schema that are accepted on writes and ignored. */
  ignoredSubAttributes?: string[];
}

export interface ResourceSchema {
  id: string;
  name: 'User' | 'Group';
  description: string;
  endpoint: '/Users' | '/Groups';
  attributes: AttributeDef[];
  /** Top-level attributes of the RFC schema accepted on writes and ignored. */
  ignoredAttributes: string[];
  /** Extension schemas accepted on writes (as `urn:...` keys or path prefixes) and ignored. */
  ignoredSchemas: string[];
}

function attr(
  name: string,
  type: AttributeDef['type'],
  description: string,
  more: Partial<AttributeDef> = {},
): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...more,
  };
}

const ID = attr('id', 'string', 'Unique identifier of the resource (a UUID), assigned by the service provider.', {
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
});

const EXTERNAL_ID = attr('externalId', 'string', "The identity provider's identifier for the resource.", {
  caseExact: true,
});

export const USER_SCHEMA: ResourceSchema = {
  id: SCHEMA.user,
  name: 'User',
  description: 'A Coder user of the default organization (login type oidc when created here).',
  endpoint: '/Users',
  attributes: [
    ID,
    EXTERNAL_ID,
    attr(
      'userName',
      'string',
      'Unique identifier of the user for the identity provider (often an email address). Coder usernames are derived from it at creation.',
      {
        required: true,
        uniqueness: 'server',
      },
    ),
    attr('name', 'complex', "The components of the user's name.", {
      subAttributes: [
        attr('formatted', 'string', 'The full name, formatted for display.'),
        attr(
          'familyName',
          'string',
          "The family name. When not provisioned: the last word of Coder's name (the whole name if one word, the username if none).",
        ),
        attr(
          'givenName',
          'string',
          "The given name. When not provisioned: Coder's name up to its last space (the whole name if one word, the username if none).",
        ),
      ],
      ignoredSubAttributes: ['middleName', 'honorificPrefix', 'honorificSuffix'],
    }),
    attr(
      'displayName',
      'string',
      "The name shown in Coder (the user's `name`); absent when the user has none. Removing it with PATCH clears Coder's name.",
    ),
    attr('emails', 'complex', 'Email addresses. Coder keeps one per user: the primary one (or the first).', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'The email address.', { uniqueness: 'server' }),
        attr('type', 'string', 'The kind of address (default "work").', { canonicalValues: ['work', 'home', 'other'] }),
        attr('primary', 'boolean', 'Whether this is the primary address.'),
      ],
      ignoredSubAttributes: ['display'],
    }),
    attr('active', 'boolean', 'false suspends the user in Coder; true reactivates it.'),
    attr('groups', 'complex', 'Groups of the default organization the user belongs to (change them through /Groups).', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attr('value', 'string', 'The group id.', { mutability: 'readOnly' }),
        attr('$ref', 'reference', 'The URI of the group.', {
          mutability: 'readOnly',
          referenceTypes: ['Group'],
          caseExact: true,
        }),
        attr('display', 'string', "The group's display name.", { mutability: 'readOnly' }),
      ],
    }),
  ],
  ignoredAttributes: [
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'password',
    'phoneNumbers',
    'ims',
    'photos',
    'addresses',
    'entitlements',
    'roles',
    'x509Certificates',
  ],
  ignoredSchemas: [SCHEMA.enterpriseUser],
};

export const GROUP_SCHEMA: ResourceSchema = {
  id: SCHEMA.group,
  name: 'Group',
  description: 'A group of the default organization (not the implicit Everyone group).',
  endpoint: '/Groups',
  attributes: [
    ID,
    EXTERNAL_ID,
    attr('displayName', 'string', "The group's name as the identity provider shows it (unique among the groups).", {
      required: true,
      uniqueness: 'server',
    }),
    attr('members', 'complex', 'The users in the group (users only; groups cannot be members).', {
      multiValued: true,
      subAttributes: [
        attr('value', 'string', 'The id of a user.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI of the user.', {
          mutability: 'readOnly',
          referenceTypes: ['User'],
          caseExact: true,
        }),
        attr('display', 'string', "The member's userName.", { mutability: 'readOnly' }),
        attr('type', 'string', 'Always "User".', { mutability: 'readOnly', canonicalValues: ['User'] }),
      ],
    }),
  ],
  ignoredAttributes: [],
  // Microsoft Entra ID adds this one to the `schemas` of the groups it creates.
  ignoredSchemas: ['http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
};

/** Common attributes (RFC 7643 §3.1): resolved like the others, but not part of a published schema. */
export const COMMON_ATTRIBUTES = ['id', 'externalId'];

export function findAttribute(schema: ResourceSchema, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return schema.attributes.find((a) => a.name.toLowerCase() === lower);
}

export function findSubAttribute(def: AttributeDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return def.subAttributes?.find((a) => a.name.toLowerCase() === lower);
}

export function isIgnoredAttribute(schema: ResourceSchema, name: string): boolean {
  const lower = name.toLowerCase();
  return schema.ignoredAttributes.some((a) => a.toLowerCase() === lower);
}

export function isIgnoredSubAttribute(def: AttributeDef, name: string): boolean {
  const lower = name.toLowerCase();
  return (def.ignoredSubAttributes ?? []).some((a) => a.toLowerCase() === lower);
}

export function isIgnoredSchema(schema: ResourceSchema, urn: string): boolean {
  const lower = urn.toLowerCase();
  return schema.ignoredSchemas.some((s) => s.toLowerCase() === lower);
}

/** The sub-attribute types of a multi-valued complex attribute, for bracket filters. */
export function subAttributeTypes(def: AttributeDef): SubAttributeTypes {
  const out: SubAttributeTypes = {};
  for (const sub of def.subAttributes ?? []) {
    out[sub.name.toLowerCase()] = { type: sub.type === 'complex' ? 'string' : sub.type, caseExact: sub.caseExact };
  }
  return out;
}
