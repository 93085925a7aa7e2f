/** Case-insensitive access to client JSON (RFC 7643 §2.1: attribute names are case-insensitive). */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of the first key equal to `name` ignoring case, or undefined. */
export function getKey(obj: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

/** Whether `obj` has a key equal to `name` ignoring case (even with an undefined or null value). */
export function hasKey(obj: Record<string, unknown>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(obj).some((key) => key.toLowerCase() === lower);
}
