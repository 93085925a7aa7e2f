import { randomName } from '../../../common/random-names.js';
import { GROUP_NAME_MAX, isValidGroupName } from '../../groups/dto/group.dto.js';
import { LIMITS, SCHEMA } from '../discovery/scim.constants.js';
import { GROUP_SCHEMA } from '../discovery/scim-schema.js';
import { getKey, isPlainObject } from '../http/scim-json.js';
import { optionalString, requiredString, weakEtag } from '../http/scim-values.js';
import { describe, invalidSyntax, invalidValue } from '../http/scim.errors.js';
import type { PatchRequest } from '../patch/scim-patch-request.js';
import { applyPatch } from '../patch/scim-patch.js';
import { EVERYONE_GROUP_NAME } from '../../../core/groups/everyone-group.js';

/** One group as the SCIM queries read it. */
export interface ScimGroupRow {
  id: string;
  name: string;
  displayName: string;
  externalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MemberRef {
  id: string;
  userName: string;
}

/** What a POST or PUT body (or a patched resource) says the group should be. */
export interface GroupInput {
  displayName: string;
  externalId: string | null;
  /** Lower-cased user ids. */
  members: string[];
}

/** SCIM `displayName`: Coder's display name, or its name when it has none. */
export function displayNameOf(row: Pick<ScimGroupRow, 'name' | 'displayName'>): string {
  return row.displayName !== '' ? row.displayName : row.name;
}

/** The full Group resource; `members` only when loaded (`excludedAttributes=members` skips the query). */
export function toScimGroup(row: ScimGroupRow, base: string, members?: MemberRef[]): Record<string, unknown> {
  const resource: Record<string, unknown> = { schemas: [SCHEMA.group], id: row.id };
  if (row.externalId !== null) resource.externalId = row.externalId;
  resource.displayName = displayNameOf(row);
  if (members && members.length > 0) {
    resource.members = members.map((m) => ({
      value: m.id,
      $ref: `${base}/Users/${m.id}`,
      display: m.userName,
      type: 'User',
    }));
  }
  resource.meta = {
    resourceType: 'Group',
    created: row.createdAt.toISOString(),
    lastModified: row.updatedAt.toISOString(),
    location: `${base}/Groups/${row.id}`,
    version: groupVersion(row),
  };
  return resource;
}

/**
 * The group's version: its SCIM fields and `updated_at`, which the database bumps on every change
 * of the group or its members, so the version is known without reading the members.
 */
export function groupVersion(row: ScimGroupRow): string {
  return weakEtag([row.id, displayNameOf(row), row.externalId, row.updatedAt.toISOString()]);
}

function readMembers(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length > LIMITS.maxMembers)
    throw invalidValue(`A group may be given at most ${LIMITS.maxMembers} members at once.`);
  const ids = list.map((item, i) => {
    if (!isPlainObject(item)) throw invalidValue(`members[${i}] must be an object, not ${describe(item)}.`);
    const type = getKey(item, 'type');
    if (typeof type === 'string' && type.toLowerCase() === 'group')
      throw invalidValue('Groups cannot be members of groups here.');
    return requiredString(`members[${i}].value`, getKey(item, 'value'), 64).toLowerCase();
  });
  return [...new Set(ids)];
}

/** Reads a Group from a POST or PUT body, or a patched resource (full replace: no members = none). */
export function readGroup(body: unknown): GroupInput {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a JSON object (a Group resource).');
  const schemas = getKey(body, 'schemas');
  if (
    schemas !== undefined &&
    !(
      Array.isArray(schemas) &&
      schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA.group.toLowerCase())
    )
  ) {
    throw invalidSyntax(`schemas must contain "${SCHEMA.group}".`);
  }
  return {
    displayName: requiredString('displayName', getKey(body, 'displayName'), LIMITS.groupDisplayName),
    externalId: optionalString('externalId', getKey(body, 'externalId'), LIMITS.externalId),
    members: readMembers(getKey(body, 'members')),
  };
}

/** Coder group names (letters, digits, single hyphens, at most 36; not `new` or `create`) to try for a display name, in order. */
export function groupNameCandidates(displayName: string): string[] {
  const base =
    displayName
      .normalize('NFKD')
      // Drop the accents NFKD splits off ("Équipe" → "Equipe", not "E-quipe").
      .replace(/\p{M}+/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, GROUP_NAME_MAX)
      .replace(/-+$/, '') || 'group';
  const out = [base];
  for (let n = 2; n <= 20; n++) {
    const suffix = `-${n}`;
    out.push(`${base.slice(0, GROUP_NAME_MAX - suffix.length).replace(/-+$/, '')}${suffix}`);
  }
  for (let n = 0; n < 5; n++) out.push(randomName().replace(/_/g, '-'));
  return out.filter((name) => isValidGroupName(name) && name.toLowerCase() !== EVERYONE_GROUP_NAME.toLowerCase());
}

/** What a PATCH makes of a group: its operations applied to the group's resource, read back as a PUT body. */
export function patchedGroup(
  current: ScimGroupRow,
  members: MemberRef[],
  request: PatchRequest,
  base: string,
): GroupInput {
  const doc = toScimGroup(current, base, members);
  delete doc.meta;
  // PatchOp only here (parsePatchRequest refuses the legacy form for groups).
  return readGroup(applyPatch(doc, request.kind === 'operations' ? request.operations : [], GROUP_SCHEMA));
}
