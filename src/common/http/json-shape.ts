/**
 * Bounds on the shape of a JSON request body, checked on the raw bytes before anything parses it
 * (depth, keys per object, keys and items in all).
 * The validation pipe (class-transformer) and the null-dropping walk recurse once per level, so an
 * unbounded body (`{"a":{"a":…}}` 100,000 deep fits in 1 MiB) would overflow the stack after
 * blocking the event loop. Real clients stay far below both limits: Coder's deepest bodies (SCIM
 * PatchOps, template version variables) nest about 5 levels, and the longest lists (SCIM and group
 * member lists) hold up to 10,000 ids, each 1 item (or 3 with a SCIM `{value, display}` object).
 */
export const JSON_LIMITS = {
  /** Objects and arrays open at once. */
  maxDepth: 32,
  /** Object keys plus array items in the whole body. */
  maxElements: 100_000,
  /**
   * Keys in one object. class-transformer's copy of an object costs the square of its key count
   * (50,000 keys: 4 s of blocking work), so one object stays small; Coder's bodies hold a few dozen.
   */
  maxObjectKeys: 256,
} as const;

type Limits = { maxDepth: number; maxElements: number; maxObjectKeys: number };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Why `body` exceeds JSON_LIMITS, or undefined when it does not. One linear pass over the bytes,
 * no allocation: it counts brackets and commas outside strings (a body that is not valid JSON is
 * left for the parser to reject).
 */
export function jsonShapeProblem(body: Uint8Array, limits: Limits = JSON_LIMITS): string | undefined {
  let depth = 0;
  // Every container holds one element more than its commas (empty ones are over-counted by one,
  // which only makes the bound a little stricter for bodies of empty containers).
  let elements = 0;
  // Per open container: its element count so far, negative for objects (depth ≤ maxDepth).
  const open: number[] = [];
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_BRACE:
      case OPEN_BRACKET:
        if (++depth > limits.maxDepth)
          return `The request body nests objects and arrays more than ${limits.maxDepth} levels deep.`;
        elements++;
        open.push(c === OPEN_BRACE ? -1 : 1);
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        depth--;
        open.pop();
        break;
      case COMMA: {
        if (++elements > limits.maxElements) {
          return `The request body holds more than ${limits.maxElements} object keys and array items.`;
        }
        const top = open.length - 1;
        if (top >= 0 && open[top] < 0 && --open[top] < -limits.maxObjectKeys) {
          return `An object in the request body holds more than ${limits.maxObjectKeys} keys.`;
        }
        if (top >= 0 && open[top] > 0) open[top]++;
        break;
      }
    }
  }
  if (elements > limits.maxElements)
    return `The request body holds more than ${limits.maxElements} object keys and array items.`;
  return undefined;
}

/** A body-parser `verify` hook: rejects a body over JSON_LIMITS as a 400 before it is parsed. */
export function verifyJsonShape(_req: unknown, _res: unknown, body: Buffer): void {
  const problem = jsonShapeProblem(body);
  if (problem)
    throw Object.assign(new Error(problem), { status: 400, statusCode: 400, type: 'entity.too.complex', expose: true });
}

type WellFormable = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * `value` with every lone UTF-16 surrogate (a `\ud800` escape without its pair) replaced by U+FFFD,
 * in strings and in object keys, as Go's JSON decoder does for Coder. No encoding can carry such
 * text: PostgreSQL refuses it in jsonb, and validators that encode it throw. Bodies are already
 * bounded (JSON_LIMITS), so the recursion is at most 32 deep.
 */
export function wellFormedJson(value: unknown): unknown {
  if (typeof value === 'string')
    return (value as WellFormable).isWellFormed() ? value : (value as WellFormable).toWellFormed();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = wellFormedJson(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const fixed = wellFormedJson(key) as string;
      const item = wellFormedJson(record[key]);
      if (fixed !== key) {
        delete record[key];
        record[fixed] = item;
      } else {
        record[key] = item;
      }
    }
  }
  return value;
}
