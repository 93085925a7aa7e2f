import { LIMITS } from '../discovery/scim.constants.js';
import {
  findAttribute,
  findSubAttribute,
  isIgnoredAttribute,
  isIgnoredSchema,
  isIgnoredSubAttribute,
  subAttributeTypes,
  type AttributeDef,
  type ResourceSchema,
} from '../discovery/scim-schema.js';
import { evaluate } from '../filter/scim-filter-eval.js';
import { equalities, type FilterNode } from '../filter/scim-filter.js';
import { asBoolean, isPlainObject } from '../http/scim-json.js';
import {
  describe,
  FilterError,
  inOperation,
  invalidFilter,
  invalidPath,
  invalidValue,
  mutability,
  noTarget,
  ScimError,
} from '../http/scim.errors.js';
import { parsePatchPath, type PatchOperation, type PatchOpName, type PatchPath } from './scim-patch-request.js';

/**
 * RFC 7644 §3.5.2 PATCH, applied to a resource's JSON document. Pure: the caller loads the full
 * resource, applies the operations here, and stores the result as it would a PUT, so PATCH and
 * PUT share one validation and one write. Beyond the RFC, accepted as identity providers send
 * them: `op` in any case (Entra's "Replace"), path-less values whose keys are paths
 * (`"name.givenName"`, `"emails[type eq \"work\"].value"`), Entra's `remove` of `members` with a
 * `value` listing the members to remove (only those go), and attributes of the RFC schemas that
 * are not stored here (ignored).
 */

type Doc = Record<string, unknown>;

type Target =
  | { kind: 'ignore' }
  | { kind: 'resource' }
  | { kind: 'attribute'; def: AttributeDef; filter?: FilterNode; sub?: AttributeDef };

/** Resolves a parsed path against the schema; `lenient` (keys of path-less values) ignores unknown names. */
function targetOf(path: PatchPath, schema: ResourceSchema, text: string, lenient: boolean): Target {
  if (path.urn !== undefined) {
    if (isIgnoredSchema(schema, path.urn)) return { kind: 'ignore' };
    if (path.urn.toLowerCase() !== schema.id.toLowerCase()) {
      if (lenient) return { kind: 'ignore' };
      throw invalidPath(`Unknown schema in path ${describe(text)}.`);
    }
    if (path.name === undefined) return { kind: 'resource' };
  }
  const name = path.name!;
  const def = findAttribute(schema, name);
  if (!def) {
    if (isIgnoredAttribute(schema, name) || lenient) return { kind: 'ignore' };
    if (name.toLowerCase() === 'meta' || name.toLowerCase() === 'schemas')
      throw mutability(`${name} cannot be modified.`);
    throw invalidPath(`Unknown attribute in path ${describe(text)}.`);
  }
  if (def.mutability === 'readOnly') {
    if (lenient) return { kind: 'ignore' };
    throw mutability(`${def.name} is read-only.`);
  }
  if (path.filter && !def.multiValued)
    throw invalidPath(`${def.name} is not multi-valued: a value filter cannot select from it.`);
  let sub: AttributeDef | undefined;
  if (path.sub !== undefined) {
    if (def.type !== 'complex') throw invalidPath(`${def.name} has no sub-attributes.`);
    sub = findSubAttribute(def, path.sub);
    if (!sub) {
      if (isIgnoredSubAttribute(def, path.sub)) return { kind: 'ignore' };
      throw invalidPath(`Unknown sub-attribute in path ${describe(text)}.`);
    }
    if (sub.mutability === 'readOnly') throw mutability(`${def.name}.${sub.name} is read-only.`);
  }
  return { kind: 'attribute', def, filter: path.filter, sub };
}

/** Applies the operations in order to a copy of `doc`. */
export function applyPatch(doc: Doc, operations: PatchOperation[], schema: ResourceSchema): Doc {
  const out = structuredClone(doc);
  operations.forEach((operation, index) => {
    try {
      applyOperation(out, operation, schema);
    } catch (err) {
      if (err instanceof ScimError && operations.length > 1) throw inOperation(index, err);
      throw err;
    }
  });
  return out;
}

function applyOperation(doc: Doc, operation: PatchOperation, schema: ResourceSchema): void {
  const { op, path, value } = operation;
  if (path === undefined) {
    if (op === 'remove') throw noTarget('remove needs a path.');
    return applyPathless(doc, op, value, schema);
  }
  const target = targetOf(parsePatchPath(path, schema), schema, path, false);
  if (target.kind === 'ignore') return;
  if (target.kind === 'resource') {
    if (op === 'remove') throw noTarget('remove needs the path of an attribute.');
    return applyPathless(doc, op, value, schema);
  }
  if (op !== 'remove' && value === undefined) throw invalidValue(`${op} needs a value.`);
  applyToAttribute(doc, op, target.def, target.filter, target.sub, value);
}

/**
 * How deep a path-less value may wrap its attributes in schema URN keys (`{"urn:...:User":
 * {...}}`). One level is what clients send; the bound keeps a hostile body of thousands of nested
 * URN keys from exhausting the stack.
 */
const MAX_SCHEMA_NESTING = 4;

function applyPathless(doc: Doc, op: PatchOpName, value: unknown, schema: ResourceSchema, depth = 0): void {
  if (!isPlainObject(value))
    throw invalidValue(`Without a path, the value of ${op} must be an object of attributes, not ${describe(value)}.`);
  if (depth > MAX_SCHEMA_NESTING)
    throw invalidValue(`The value of ${op} nests schema URNs more than ${MAX_SCHEMA_NESTING} levels deep.`);
  for (const [key, v] of Object.entries(value)) {
    if (key.toLowerCase() === schema.id.toLowerCase()) {
      applyPathless(doc, op, v, schema, depth + 1);
      continue;
    }
    let path: PatchPath;
    try {
      path = parsePatchPath(key, schema);
    } catch (err) {
      if (err instanceof ScimError && !/[[.]/.test(key)) continue; // an unknown plain key: ignored
      throw err;
    }
    const target = targetOf(path, schema, key, true);
    if (target.kind === 'ignore') continue;
    if (target.kind === 'resource') {
      applyPathless(doc, op, v, schema, depth + 1);
      continue;
    }
    applyToAttribute(doc, op, target.def, target.filter, target.sub, v);
  }
}

function applyToAttribute(
  doc: Doc,
  op: PatchOpName,
  def: AttributeDef,
  filter: FilterNode | undefined,
  sub: AttributeDef | undefined,
  value: unknown,
): void {
  if (def.multiValued) return applyToMultiValued(doc, op, def, filter, sub, value);
  if (def.type === 'complex') return applyToComplex(doc, op, def, sub, value);
  if (op === 'remove') {
    if (def.required || def.type === 'boolean') throw invalidValue(`${def.name} cannot be removed.`);
    delete doc[def.name];
    return;
  }
  doc[def.name] = value;
}

function applyToComplex(
  doc: Doc,
  op: PatchOpName,
  def: AttributeDef,
  sub: AttributeDef | undefined,
  value: unknown,
): void {
  const current = isPlainObject(doc[def.name]) ? (doc[def.name] as Doc) : {};
  if (sub) {
    if (op === 'remove') delete current[sub.name];
    else current[sub.name] = value;
  } else if (op === 'remove') {
    delete doc[def.name];
    return;
  } else {
    if (!isPlainObject(value)) throw invalidValue(`${def.name} must be an object, not ${describe(value)}.`);
    Object.assign(current, canonicalItem(def, value));
  }
  doc[def.name] = current;
}

/** Known sub-attributes under their canonical names; unknown and ignored ones dropped. */
function canonicalItem(def: AttributeDef, value: Doc): Doc {
  const out: Doc = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = findSubAttribute(def, key);
    if (sub) out[sub.name] = v;
  }
  return out;
}

function itemKey(item: Doc): string | undefined {
  const v = item.value;
  return typeof v === 'string' ? v.toLowerCase() : undefined;
}

function asItems(def: AttributeDef, value: unknown): Doc[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length > LIMITS.maxMembers)
    throw invalidValue(`At most ${LIMITS.maxMembers} values of ${def.name} are accepted at once.`);
  return list.map((v) => {
    if (!isPlainObject(v)) throw invalidValue(`Each value of ${def.name} must be an object, not ${describe(v)}.`);
    return canonicalItem(def, v);
  });
}

/** Adds or merges items, one per `value` (a value already present is updated, not repeated). */
function merge(items: Doc[], added: Doc[]): { items: Doc[]; written: Doc[] } {
  const out = [...items];
  const written: Doc[] = [];
  for (const item of added) {
    const key = itemKey(item);
    const existing = key === undefined ? undefined : out.find((i) => itemKey(i) === key);
    if (existing) {
      Object.assign(existing, item);
      written.push(existing);
    } else {
      out.push(item);
      written.push(item);
    }
  }
  return { items: out, written };
}

function applyToMultiValued(
  doc: Doc,
  op: PatchOpName,
  def: AttributeDef,
  filter: FilterNode | undefined,
  sub: AttributeDef | undefined,
  value: unknown,
): void {
  let items = Array.isArray(doc[def.name]) ? (doc[def.name] as Doc[]) : [];
  let written: Doc[] = [];
  if (filter) {
    const subs = subAttributeTypes(def);
    let matches: Doc[];
    try {
      matches = items.filter((item) => evaluate(filter, item, subs));
    } catch (err) {
      if (err instanceof FilterError) throw invalidFilter(err.message);
      throw err;
    }
    if (sub?.mutability === 'immutable' && op !== 'remove')
      throw mutability(`${def.name}.${sub.name} cannot be changed.`);
    if (op === 'remove') {
      if (sub) matches.forEach((m) => delete m[sub.name]);
      else items = items.filter((item) => !matches.includes(item));
    } else if (matches.length === 0) {
      if (op === 'replace') throw noTarget(`No value of ${def.name} matches the filter.`);
      // add: create the value the filter describes (Entra's `emails[type eq "work"].value`).
      const base = equalities(filter);
      if (!base) throw noTarget(`No value of ${def.name} matches the filter, and it does not describe a new one.`);
      const created = canonicalItem(def, base);
      if (sub) created[sub.name] = value;
      else if (isPlainObject(value)) Object.assign(created, canonicalItem(def, value));
      else throw invalidValue(`The value for ${def.name}[...] must be an object.`);
      ({ items, written } = merge(items, [created]));
    } else {
      for (const m of matches) {
        if (sub) m[sub.name] = value;
        else if (isPlainObject(value)) {
          if (op === 'replace') for (const key of Object.keys(m)) delete m[key];
          Object.assign(m, canonicalItem(def, value));
        } else throw invalidValue(`The value for ${def.name}[...] must be an object.`);
      }
      written = matches;
    }
  } else if (sub) {
    if (op === 'remove') items.forEach((item) => delete item[sub.name]);
    else {
      const target = items.find((item) => asBoolean(item.primary) === true) ?? items[0];
      if (target) target[sub.name] = value;
      else items = [{ [sub.name]: value }];
      written = [target ?? items[0]];
    }
  } else if (op === 'remove') {
    if (value === undefined || value === null) items = [];
    else {
      // Entra: `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}` removes only those.
      const gone = new Set(
        asItems(def, value)
          .map(itemKey)
          .filter((k): k is string => k !== undefined),
      );
      items = items.filter((item) => !gone.has(itemKey(item) ?? ''));
    }
  } else {
    ({ items, written } = merge(op === 'add' ? items : [], asItems(def, value)));
  }
  if (written.some((item) => asBoolean(item.primary) === true)) {
    // RFC 7644 §3.5.2: making a value primary makes every other value non-primary.
    for (const item of items) if (!written.includes(item) && asBoolean(item.primary) === true) item.primary = false;
  }
  if (items.length === 0) delete doc[def.name];
  else doc[def.name] = items;
}
