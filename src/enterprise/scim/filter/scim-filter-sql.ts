import { asBoolean } from '../http/scim-json.js';
import { FilterError } from '../http/scim.errors.js';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from './scim-filter.js';

/**
 * Compiles a filter AST into a SQL condition over a catalog of columns. Every value is a bound
 * parameter; every comparison is two-valued (`COALESCE(..., false)`), so `not (...)` and `ne`
 * behave as SCIM says on unset attributes. Unknown attributes and operators that make no sense
 * for a type (`gt` on a boolean) are FilterErrors (400 `invalidFilter`).
 */

export type ColumnType = 'string' | 'id' | 'boolean' | 'dateTime';

export interface Column {
  kind: 'column';
  type: ColumnType;
  /** SQL expression of the value (may be NULL). */
  sql: string;
  caseExact?: boolean;
}

export interface Complex {
  kind: 'complex';
  /** Sub-attributes by lower-cased name. */
  sub: Record<string, Column>;
  /** Multi-valued attributes: wraps a condition on one value in `EXISTS (...)` (identity for single-row ones). */
  some?: (condition: string) => string;
  /** The sub-attribute a comparison on the attribute itself means (`emails co "x"` → `emails.value`). */
  defaultSub?: string;
}

/** Attributes by lower-cased name; `urn` is the resource's core schema (accepted as a prefix). */
export interface Catalog {
  urn: string;
  attributes: Record<string, Column | Complex>;
}

/** Collects positional parameters (`$1`, `$2`, ...) after those the base query already uses. */
export class SqlParams {
  constructor(readonly values: unknown[] = []) {}

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * `record[key]` only when it is the record's own entry: attribute names come from the client, and
 * `constructor` or `toString` must not find Object.prototype's members (a TypeError, then a 500).
 */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function column(
  catalog: Catalog,
  attr: AttrPath,
  sub: string | undefined,
): { col: Column; wrap: (c: string) => string } {
  const name = `${attr.name}${sub ? `.${sub}` : ''}`;
  if (attr.urn !== undefined && attr.urn.toLowerCase() !== catalog.urn.toLowerCase()) {
    throw new FilterError(`Attributes of ${JSON.stringify(attr.urn)} cannot be filtered on.`);
  }
  const found = own(catalog.attributes, attr.name.toLowerCase());
  if (!found) throw new FilterError(`Filtering on ${JSON.stringify(name)} is not supported.`);
  if (found.kind === 'column') {
    if (sub) throw new FilterError(`${attr.name} has no sub-attributes.`);
    return { col: found, wrap: (c) => c };
  }
  const subName = sub ?? found.defaultSub;
  const col = subName ? own(found.sub, subName.toLowerCase()) : undefined;
  if (!col) throw new FilterError(`Filtering on ${JSON.stringify(name)} is not supported.`);
  return { col, wrap: found.some ?? ((c) => c) };
}

function text(col: Column, expr: string): string {
  return col.caseExact ? expr : `lower(${expr})`;
}

function compare(col: Column, op: CompareOp, value: FilterValue, params: SqlParams, name: string): string {
  if (value === null) {
    if (op === 'eq') return `(${col.sql}) IS NULL`;
    if (op === 'ne') return `(${col.sql}) IS NOT NULL`;
    throw new FilterError(`"${op}" cannot compare ${name} with null.`);
  }
  switch (col.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne')
        throw new FilterError(`"${op}" is not supported on the boolean attribute ${name}.`);
      const b = asBoolean(value);
      if (b === undefined) throw new FilterError(`${name} is a boolean: compare it with true or false.`);
      return `(${col.sql}) ${op === 'eq' ? '=' : '<>'} ${params.add(b)}::boolean`;
    }
    case 'dateTime': {
      const time = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? Date.parse(value) : NaN;
      // Year 0 parses in JavaScript but is out of PostgreSQL's range (a data exception, not a filter error).
      if (Number.isNaN(time) || new Date(time).getUTCFullYear() < 1) {
        throw new FilterError(`${name} is a date and time: compare it with a quoted RFC 3339 time stamp.`);
      }
      const sqlOp = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' }[op as string];
      if (!sqlOp) throw new FilterError(`"${op}" is not supported on the date attribute ${name}.`);
      // Resources show times to the millisecond: compare at that precision, so a filter on the
      // value a client was given (`meta.lastModified gt "<its lastModified>"`) means what it says.
      return `date_trunc('milliseconds', (${col.sql})) ${sqlOp} ${params.add(new Date(time).toISOString())}::timestamptz`;
    }
    default: {
      if (typeof value !== 'string') throw new FilterError(`${name} is a string: compare it with a quoted string.`);
      const exact = col.caseExact && col.type !== 'id';
      const c: Column = { ...col, caseExact: exact };
      const left = text(c, `(${col.sql})`);
      const p = text(c, `${params.add(value)}::text`);
      switch (op) {
        case 'eq':
          return `${left} = ${p}`;
        case 'ne':
          return `${left} IS DISTINCT FROM ${p}`;
        case 'co':
          return `strpos(${left}, ${p}) > 0`;
        case 'sw':
          return `starts_with(${left}, ${p})`;
        case 'ew':
          return `right(${left}, char_length(${p})) = ${p}`;
        default:
          return `${left} COLLATE "C" ${{ gt: '>', ge: '>=', lt: '<', le: '<=' }[op]} ${p} COLLATE "C"`;
      }
    }
  }
}

function leaf(
  node: FilterNode & { type: 'compare' | 'present' },
  catalog: Catalog,
  params: SqlParams,
  prefix?: AttrPath,
): string {
  const attr = prefix ?? node.attr;
  const sub = prefix ? node.attr.name : node.attr.sub;
  if (prefix && (node.attr.sub || node.attr.urn))
    throw new FilterError('Sub-attributes in a value filter are named without a prefix.');
  const name = `${attr.name}${sub ? `.${sub}` : ''}`;
  const { col, wrap } = column(catalog, attr, sub);
  const condition =
    node.type === 'present'
      ? `(${col.sql}) IS NOT NULL${col.type === 'string' || col.type === 'id' ? ` AND (${col.sql})::text <> ''` : ''}`
      : compare(col, node.op, node.value, params, name);
  return prefix ? condition : wrap(`COALESCE((${condition}), false)`);
}

function compile(node: FilterNode, catalog: Catalog, params: SqlParams, prefix?: AttrPath): string {
  switch (node.type) {
    case 'and':
      return `(${compile(node.left, catalog, params, prefix)} AND ${compile(node.right, catalog, params, prefix)})`;
    case 'or':
      return `(${compile(node.left, catalog, params, prefix)} OR ${compile(node.right, catalog, params, prefix)})`;
    case 'not':
      return `(NOT ${compile(node.expr, catalog, params, prefix)})`;
    case 'valuePath': {
      if (prefix) throw new FilterError('Nested value filters are not supported.');
      if (node.attr.sub) throw new FilterError(`"[" must follow an attribute name.`);
      const found = own(catalog.attributes, node.attr.name.toLowerCase());
      if (!found || found.kind !== 'complex')
        throw new FilterError(`${JSON.stringify(node.attr.name)} has no values to filter.`);
      column(catalog, node.attr, Object.keys(found.sub)[0]); // checks the schema URN
      const inner = compile(node.filter, catalog, params, node.attr);
      return (found.some ?? ((c: string) => c))(`COALESCE((${inner}), false)`);
    }
    default:
      return prefix ? `COALESCE((${leaf(node, catalog, params, prefix)}), false)` : leaf(node, catalog, params);
  }
}

/** The SQL condition for `filter` (parameters appended to `params`). */
export function filterToSql(filter: FilterNode, catalog: Catalog, params: SqlParams): string {
  return compile(filter, catalog, params);
}
