import { createHash } from 'node:crypto';
import { describe, invalidValue } from './scim.errors.js';
import { asBoolean } from './scim-json.js';

/** Readers for attribute values of client bodies: each wrong type or size is a 400 `invalidValue`. */

export function optionalString(name: string, value: unknown, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidValue(`${name} must be a string, not ${describe(value)}.`);
  if (value.includes('\u0000')) throw invalidValue(`${name} must not contain NUL characters.`);
  // A lone UTF-16 surrogate (JSON allows `"\ud800"`) would be stored as U+FFFD: not what was sent.
  if (/[\uD800-\uDFFF]/u.test(value)) throw invalidValue(`${name} must be valid Unicode (no lone surrogates).`);
  if (value.length > max) throw invalidValue(`${name} must be at most ${max} characters.`);
  return value;
}

export function requiredString(name: string, value: unknown, max: number): string {
  const text = optionalString(name, value, max);
  if (text === null || text.trim() === '') throw invalidValue(`${name} is required.`);
  return text;
}

export function optionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const b = asBoolean(value);
  if (b === undefined) throw invalidValue(`${name} must be a boolean, not ${describe(value)}.`);
  return b;
}

/** A weak ETag over a resource's content (RFC 7644 §3.14): it changes whenever the resource does. */
export function weakEtag(content: unknown): string {
  return `W/"${createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 22)}"`;
}

/** RFC 7232 If-Match / If-None-Match: `*` or a list of (weak or strong) tags; weak comparison. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}
