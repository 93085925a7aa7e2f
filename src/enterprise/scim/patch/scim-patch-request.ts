import { LIMITS, SCHEMA } from '../discovery/scim.constants.js';
import type { ResourceSchema } from '../discovery/scim-schema.js';
import { parseValueFilter, type FilterNode } from '../filter/scim-filter.js';
import { asBoolean, getKey, isPlainObject } from '../http/scim-json.js';
import { describe, FilterError, invalidFilter, invalidPath, invalidSyntax, invalidValue } from '../http/scim.errors.js';

/** A PatchOp message (RFC 7644 §3.5.2) and its paths, read and checked before anything is loaded. */

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

export type PatchRequest = { kind: 'operations'; operations: PatchOperation[] } | { kind: 'legacy'; active?: boolean };

export interface PatchPath {
  urn?: string;
  name?: string;
  filter?: FilterNode;
  sub?: string;
}

const NAME = /^\$?[A-Za-z][A-Za-z0-9_$-]*$/;

/**
 * Reads a PatchOp body. A body without `Operations` that carries a User's attributes is Coder's
 * legacy form (the whole SCIMUser; Coder only reads `active`), accepted for `allowLegacy`.
 */
export function parsePatchRequest(body: unknown, allowLegacy: boolean): PatchRequest {
  if (!isPlainObject(body)) throw invalidSyntax('The request body must be a JSON object (a PatchOp message).');
  const schemas = getKey(body, 'schemas');
  const operations = getKey(body, 'Operations');
  if (operations === undefined && allowLegacy && !listsPatchOp(schemas)) {
    const active = getKey(body, 'active');
    if (active === undefined) return { kind: 'legacy' };
    const value = asBoolean(active);
    if (value === undefined) throw invalidValue(`active must be a boolean, not ${describe(active)}.`);
    return { kind: 'legacy', active: value };
  }
  if (schemas !== undefined && !listsPatchOp(schemas)) {
    throw invalidSyntax(`schemas must contain "${SCHEMA.patchOp}".`);
  }
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('Operations must be an array of one or more operations.');
  }
  if (operations.length > LIMITS.maxOperations)
    throw invalidSyntax(`At most ${LIMITS.maxOperations} operations are accepted per request.`);
  return { kind: 'operations', operations: operations.map(parseOperation) };
}

function listsPatchOp(schemas: unknown): boolean {
  return (
    Array.isArray(schemas) &&
    schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCHEMA.patchOp.toLowerCase())
  );
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object.`);
  const op = getKey(raw, 'op');
  const name = typeof op === 'string' ? op.toLowerCase() : undefined;
  if (name !== 'add' && name !== 'replace' && name !== 'remove') {
    throw invalidSyntax(`Operations[${index}].op must be "add", "replace" or "remove", not ${describe(op)}.`);
  }
  const path = getKey(raw, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string')
    throw invalidPath(`Operations[${index}].path must be a string.`);
  const operation: PatchOperation = { op: name };
  if (typeof path === 'string' && path.trim() !== '') operation.path = path.trim();
  const value = getKey(raw, 'value');
  if (value !== undefined) operation.value = value;
  return operation;
}

/** Parses `[urn:]attr[.sub]`, `attr[filter][.sub]`, or a bare schema URN. */
export function parsePatchPath(text: string, schema: ResourceSchema): PatchPath {
  if (text.length > LIMITS.filterLength) throw invalidPath('The path is too long.');
  const bracket = text.indexOf('[');
  const head = bracket >= 0 ? text.slice(0, bracket) : text;
  const known = [schema.id, ...schema.ignoredSchemas];
  if (bracket < 0 && known.some((urn) => urn.toLowerCase() === text.toLowerCase())) return { urn: text };
  let urn: string | undefined;
  let rest = text;
  // A known schema as the prefix, whatever its form (Entra's group extension is an http URI).
  const prefix = known.find((id) => head.toLowerCase().startsWith(`${id.toLowerCase()}:`));
  if (prefix) {
    urn = text.slice(0, prefix.length);
    rest = text.slice(prefix.length + 1);
  } else if (/^urn:/i.test(head)) {
    const colon = head.lastIndexOf(':');
    urn = head.slice(0, colon);
    rest = text.slice(colon + 1);
  }
  const m = /^([^.[\]]+)(?:\[(.*)\])?(?:\.([^.[\]]+))?$/s.exec(rest);
  if (!m || !NAME.test(m[1]) || (m[3] !== undefined && !NAME.test(m[3])))
    throw invalidPath(`Invalid path ${describe(text)}.`);
  const path: PatchPath = { urn, name: m[1] };
  if (m[2] !== undefined) {
    try {
      path.filter = parseValueFilter(m[2]);
    } catch (err) {
      if (err instanceof FilterError) throw invalidFilter(`Invalid filter in path ${describe(text)}: ${err.message}`);
      throw err;
    }
  }
  if (m[3] !== undefined) path.sub = m[3];
  return path;
}
