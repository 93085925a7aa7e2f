import type { SubAttributeTypes, ValueType } from '../discovery/scim-schema.js';
import { asBoolean } from '../http/scim-json.js';
import { FilterError } from '../http/scim.errors.js';
import type { CompareOp, FilterNode, FilterValue } from './scim-filter.js';

function lookup(item: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(item)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function compareStrings(actual: string, op: CompareOp, expected: string, caseExact: boolean): boolean {
  const a = caseExact ? actual : actual.toLowerCase();
  const e = caseExact ? expected : expected.toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
  }
}

function compare(
  actual: unknown,
  op: CompareOp,
  expected: FilterValue,
  type: ValueType,
  caseExact: boolean,
  name: string,
): boolean {
  if (expected === null) {
    if (op === 'eq') return actual === undefined || actual === null;
    if (op === 'ne') return actual !== undefined && actual !== null;
    throw new FilterError(`"${op}" cannot compare ${name} with null.`);
  }
  if (type === 'boolean') {
    if (op !== 'eq' && op !== 'ne') throw new FilterError(`"${op}" is not supported on the boolean attribute ${name}.`);
    const want = asBoolean(expected);
    if (want === undefined) throw new FilterError(`${name} is a boolean: compare it with true or false.`);
    const have = asBoolean(actual) ?? false;
    return op === 'eq' ? have === want : have !== want;
  }
  if (typeof expected !== 'string') throw new FilterError(`${name} is a string: compare it with a quoted string.`);
  if (typeof actual !== 'string') return op === 'ne';
  return compareStrings(actual, op, expected, caseExact);
}

/** Evaluates a bracket filter against one value of a multi-valued attribute. */
export function evaluate(node: FilterNode, item: Record<string, unknown>, subs: SubAttributeTypes): boolean {
  switch (node.type) {
    case 'and':
      return evaluate(node.left, item, subs) && evaluate(node.right, item, subs);
    case 'or':
      return evaluate(node.left, item, subs) || evaluate(node.right, item, subs);
    case 'not':
      return !evaluate(node.expr, item, subs);
    case 'valuePath':
      throw new FilterError('Nested value filters are not supported.');
    case 'present':
    case 'compare': {
      if (node.attr.sub || node.attr.urn)
        throw new FilterError(`Invalid sub-attribute ${JSON.stringify(node.attr.name)} in a value filter.`);
      // Own entries only: `constructor` is not a sub-attribute.
      const name = node.attr.name.toLowerCase();
      const def = Object.hasOwn(subs, name) ? subs[name] : undefined;
      if (!def) throw new FilterError(`Unknown sub-attribute ${JSON.stringify(node.attr.name)}.`);
      const actual = lookup(item, node.attr.name);
      if (node.type === 'present') return actual !== undefined && actual !== null && actual !== '';
      return compare(actual, node.op, node.value, def.type, def.caseExact, node.attr.name);
    }
  }
}
