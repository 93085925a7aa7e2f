/**
 * Bounds on the shape of a JSON request body, checked on the raw bytes before anything parses it.
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
} as const;

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
export function jsonShapeProblem(body: Uint8Array, limits: { maxDepth: number; maxElements: number } = JSON_LIMITS): string | undefined {
  let depth = 0;
  // Every container holds one element more than its commas (empty ones are over-counted by one,
  // which only makes the bound a little stricter for bodies of empty containers).
  let elements = 0;
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
        if (++depth > limits.maxDepth) return `The request body nests objects and arrays more than ${limits.maxDepth} levels deep.`;
        elements++;
        break;
      case CLOSE_BRACE:
      case CLOSE_BRACKET:
        depth--;
        break;
      case COMMA:
        if (++elements > limits.maxElements) {
          return `The request body holds more than ${limits.maxElements} object keys and array items.`;
        }
        break;
    }
  }
  if (elements > limits.maxElements) return `The request body holds more than ${limits.maxElements} object keys and array items.`;
  return undefined;
}

/** A body-parser `verify` hook: rejects a body over JSON_LIMITS as a 400 before it is parsed. */
export function verifyJsonShape(_req: unknown, _res: unknown, body: Buffer): void {
  const problem = jsonShapeProblem(body);
  if (problem) throw Object.assign(new Error(problem), { status: 400, statusCode: 400, type: 'entity.too.complex', expose: true });
}
