import { findAttribute, findSubAttribute, type ResourceSchema } from '../discovery/scim-schema.js';
import { isPlainObject } from '../http/scim-json.js';
import { FilterError } from '../http/scim.errors.js';
import { parseAttrPath, type AttrPath } from './scim-filter.js';

/**
 * RFC 7644 §3.9 `attributes` / `excludedAttributes`: which attributes a response carries. `id`
 * and `schemas` are always returned; names are case-insensitive and may carry the schema URN.
 */
export interface Projection {
  /** Canonical `attr` or `attr.sub` names; undefined = the default set. Empty = only the always-returned ones. */
  include?: string[];
  exclude: string[];
}

const ALWAYS = new Set(['id', 'schemas']);

/** Canonical names for a comma-separated list; unknown names are ignored (they select nothing). */
export function parseAttributeList(raw: string | string[] | undefined, schema: ResourceSchema): string[] | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : raw.split(',')).map((p) => p.trim()).filter(Boolean);
  const out: string[] = [];
  for (const part of parts) {
    const name = canonical(part, schema);
    if (name) out.push(name);
  }
  return out;
}

function canonical(text: string, schema: ResourceSchema): string | undefined {
  let path: AttrPath;
  try {
    path = parseAttrPath(text);
  } catch (err) {
    if (err instanceof FilterError) return undefined;
    throw err;
  }
  if (path.urn && path.urn.toLowerCase() !== schema.id.toLowerCase()) return undefined;
  if (path.name.toLowerCase() === 'meta') return path.sub ? `meta.${path.sub}` : 'meta';
  const def = findAttribute(schema, path.name);
  if (!def) return undefined;
  if (!path.sub) return def.name;
  const sub = findSubAttribute(def, path.sub);
  return sub ? `${def.name}.${sub.name}` : undefined;
}

function pick(value: unknown, subs: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => pick(item, subs));
  if (!isPlainObject(value)) return value;
  const lower = new Set(subs.map((s) => s.toLowerCase()));
  return Object.fromEntries(Object.entries(value).filter(([k]) => lower.has(k.toLowerCase())));
}

function omit(value: unknown, sub: string): unknown {
  if (Array.isArray(value)) return value.map((item) => omit(item, sub));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k.toLowerCase() !== sub.toLowerCase()));
}

/** Applies a projection to a full resource. */
export function project(resource: Record<string, unknown>, projection: Projection): Record<string, unknown> {
  let out: Record<string, unknown> = resource;
  if (projection.include) {
    const subsOf = new Map<string, string[] | 'all'>();
    for (const name of projection.include) {
      const [attr, sub] = name.split('.');
      if (!sub) subsOf.set(attr, 'all');
      else if (subsOf.get(attr) !== 'all')
        subsOf.set(attr, [...((subsOf.get(attr) as string[] | undefined) ?? []), sub]);
    }
    out = {};
    for (const [key, value] of Object.entries(resource)) {
      const wanted = subsOf.get(key);
      if (ALWAYS.has(key) || wanted === 'all') out[key] = value;
      else if (wanted) out[key] = pick(value, wanted);
    }
  }
  if (projection.exclude.length > 0) {
    out = { ...out };
    for (const name of projection.exclude) {
      const [attr, sub] = name.split('.');
      if (ALWAYS.has(attr) || !(attr in out)) continue;
      if (sub) out[attr] = omit(out[attr], sub);
      else delete out[attr];
    }
  }
  return out;
}
