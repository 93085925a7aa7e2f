import { LIMITS } from '../discovery/scim.constants.js';
import { FilterError } from '../http/scim.errors.js';

/**
 * RFC 7644 §3.4.2.2 filters: a tokenizer and a recursive-descent parser producing an AST. Pure:
 * every malformed input becomes a FilterError (answered 400 `invalidFilter`), never a crash;
 * depth and size are bounded so hostile input cannot exhaust the stack.
 */

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/** `urn:...:User:name.givenName` → `{ urn, name: 'name', sub: 'givenName' }` (names as written). */
export interface AttrPath {
  urn?: string;
  name: string;
  sub?: string;
}

export type FilterNode =
  | { type: 'compare'; attr: AttrPath; op: CompareOp; value: FilterValue }
  | { type: 'present'; attr: AttrPath }
  | { type: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; expr: FilterNode }
  /** `emails[type eq "work"]`: some value of the multi-valued attribute matches `filter`. */
  | { type: 'valuePath'; attr: AttrPath; filter: FilterNode };

/** Lone UTF-16 surrogates: JSON can carry them, PostgreSQL cannot store or compare them. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const NAME_RE = /^\$?[A-Za-z][A-Za-z0-9_$-]*$/;

type Token =
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: '(' | ')' | '[' | ']'; pos: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      tokens.push({ kind: c, pos: i });
      i++;
    } else if (c === '"') {
      const start = i;
      i++;
      while (i < input.length && input[i] !== '"') i += input[i] === '\\' ? 2 : 1;
      if (i >= input.length) throw new FilterError(`Unterminated string starting at position ${start + 1}.`);
      i++;
      let value: unknown;
      try {
        value = JSON.parse(input.slice(start, i));
      } catch {
        throw new FilterError(`Invalid string literal at position ${start + 1}.`);
      }
      tokens.push({ kind: 'string', value: value as string, pos: start });
    } else if (/[-0-9]/.test(c) && /^-?[0-9]/.test(input.slice(i, i + 2))) {
      const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(input.slice(i));
      const text = m ? m[0] : '';
      const next = input[i + text.length];
      if (!m || (next !== undefined && !/[\s()[\]]/.test(next)))
        throw new FilterError(`Invalid number at position ${i + 1}.`);
      const value = Number(text);
      if (!Number.isFinite(value)) throw new FilterError(`Invalid number at position ${i + 1}.`);
      tokens.push({ kind: 'number', value, pos: i });
      i += text.length;
    } else if (/[A-Za-z0-9_:.$-]/.test(c)) {
      const start = i;
      while (i < input.length && /[A-Za-z0-9_:.$-]/.test(input[i])) i++;
      tokens.push({ kind: 'word', text: input.slice(start, i), pos: start });
    } else {
      throw new FilterError(`Unexpected character ${JSON.stringify(c)} at position ${i + 1}.`);
    }
  }
  return tokens;
}

/** Parses `[urn:]name[.sub]` (also used for PATCH paths, `attributes` and filter attributes). */
export function parseAttrPath(text: string): AttrPath {
  let rest = text;
  let urn: string | undefined;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    urn = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!urn || urn.endsWith(':')) throw new FilterError(`Invalid attribute path ${JSON.stringify(text)}.`);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((p) => NAME_RE.test(p))) {
    throw new FilterError(`Invalid attribute path ${JSON.stringify(text)}.`);
  }
  return parts.length === 2 ? { urn, name: parts[0], sub: parts[1] } : { urn, name: parts[0] };
}

class Parser {
  private i = 0;
  private depth = 0;
  private terms = 0;

  constructor(private readonly tokens: Token[]) {}

  /** `inValuePath`: the content of brackets, where attributes are sub-attributes and `[` is not allowed. */
  parse(inValuePath: boolean): FilterNode {
    if (this.tokens.length === 0) throw new FilterError('The filter is empty.');
    const node = this.parseOr(inValuePath);
    const extra = this.tokens[this.i];
    if (extra) throw new FilterError(`Unexpected ${this.describe(extra)} at position ${extra.pos + 1}.`);
    return node;
  }

  private describe(t: Token): string {
    if (t.kind === 'word') return JSON.stringify(t.text);
    if (t.kind === 'string') return 'string';
    if (t.kind === 'number') return 'number';
    return `"${t.kind}"`;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private isWord(t: Token | undefined, word: string): boolean {
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private expect(kind: ')' | ']'): void {
    const t = this.tokens[this.i];
    if (t?.kind !== kind) {
      throw new FilterError(
        t ? `Expected "${kind}" at position ${t.pos + 1}.` : `Expected "${kind}" at the end of the filter.`,
      );
    }
    this.i++;
  }

  private enter(): void {
    if (++this.depth > LIMITS.filterDepth)
      throw new FilterError(`The filter is nested more than ${LIMITS.filterDepth} levels deep.`);
  }

  private parseOr(inValuePath: boolean): FilterNode {
    let left = this.parseAnd(inValuePath);
    while (this.isWord(this.peek(), 'or')) {
      this.i++;
      left = { type: 'or', left, right: this.parseAnd(inValuePath) };
    }
    return left;
  }

  private parseAnd(inValuePath: boolean): FilterNode {
    let left = this.parseUnary(inValuePath);
    while (this.isWord(this.peek(), 'and')) {
      this.i++;
      left = { type: 'and', left, right: this.parseUnary(inValuePath) };
    }
    return left;
  }

  private parseUnary(inValuePath: boolean): FilterNode {
    const t = this.peek();
    if (!t) throw new FilterError('The filter ends where an expression was expected.');
    if (this.isWord(t, 'not') && this.tokens[this.i + 1]?.kind === '(') {
      this.i++;
      return { type: 'not', expr: this.parseGroup(inValuePath) };
    }
    if (t.kind === '(') return this.parseGroup(inValuePath);
    return this.parseAttrExp(inValuePath);
  }

  private parseGroup(inValuePath: boolean): FilterNode {
    this.enter();
    this.i++; // "("
    const node = this.parseOr(inValuePath);
    this.expect(')');
    this.depth--;
    return node;
  }

  private parseAttrExp(inValuePath: boolean): FilterNode {
    const t = this.tokens[this.i];
    if (t.kind !== 'word')
      throw new FilterError(`Expected an attribute name at position ${t.pos + 1}, found ${this.describe(t)}.`);
    if (++this.terms > LIMITS.filterTerms)
      throw new FilterError(`The filter has more than ${LIMITS.filterTerms} comparisons.`);
    const attr = parseAttrPath(t.text);
    this.i++;
    if (this.peek()?.kind === '[') {
      if (inValuePath) throw new FilterError(`Nested "[" at position ${this.peek()!.pos + 1} is not allowed.`);
      if (attr.sub) throw new FilterError(`"[" must follow an attribute name, not ${JSON.stringify(t.text)}.`);
      this.enter();
      this.i++;
      const inner = this.parseOr(true);
      this.expect(']');
      this.depth--;
      const after = this.peek();
      // `emails[type eq "work"].value eq "x"` (Entra's matching attribute): a value of the
      // attribute matches the bracket filter and its sub-attribute the comparison.
      if (after?.kind === 'word' && after.text.startsWith('.')) {
        const sub = after.text.slice(1);
        if (!NAME_RE.test(sub)) throw new FilterError(`Invalid sub-attribute ${JSON.stringify(after.text)}.`);
        this.i++;
        const comparison = this.parseComparison({ name: sub }, after.pos);
        return { type: 'valuePath', attr, filter: { type: 'and', left: inner, right: comparison } };
      }
      return { type: 'valuePath', attr, filter: inner };
    }
    return this.parseComparison(attr, t.pos);
  }

  private parseComparison(attr: AttrPath, pos: number): FilterNode {
    const opToken = this.peek();
    if (opToken?.kind !== 'word')
      throw new FilterError(`Expected an operator after the attribute at position ${pos + 1}.`);
    const op = opToken.text.toLowerCase();
    this.i++;
    if (op === 'pr') return { type: 'present', attr };
    if (!COMPARE_OPS.has(op))
      throw new FilterError(`Unknown operator ${JSON.stringify(opToken.text)} at position ${opToken.pos + 1}.`);
    const v = this.peek();
    if (!v) throw new FilterError(`Expected a value after "${op}".`);
    this.i++;
    let value: FilterValue;
    if (v.kind === 'string' || v.kind === 'number') value = v.value;
    else if (v.kind === 'word' && ['true', 'false', 'null'].includes(v.text.toLowerCase())) {
      value = v.text.toLowerCase() === 'null' ? null : v.text.toLowerCase() === 'true';
    } else {
      throw new FilterError(`Expected a value (string, number, true, false or null) at position ${v.pos + 1}.`);
    }
    if (typeof value === 'string' && value.includes('\u0000'))
      throw new FilterError('Filter values must not contain NUL characters.');
    if (typeof value === 'string' && LONE_SURROGATE.test(value))
      throw new FilterError('Filter values must be valid Unicode (no lone surrogates).');
    return { type: 'compare', attr, op: op as CompareOp, value };
  }
}

/** Parses a filter; throws FilterError with a message fit for the client. */
export function parseFilter(input: string): FilterNode {
  if (input.length > LIMITS.filterLength)
    throw new FilterError(`The filter is longer than ${LIMITS.filterLength} characters.`);
  return new Parser(tokenize(input)).parse(false);
}

/** Parses the content of a PATCH path's brackets (`type eq "work"`): sub-attributes only. */
export function parseValueFilter(input: string): FilterNode {
  if (input.length > LIMITS.filterLength)
    throw new FilterError(`The filter is longer than ${LIMITS.filterLength} characters.`);
  return new Parser(tokenize(input)).parse(true);
}

/** Equality constraints of a bracket filter (`type eq "work" and primary eq true`), or undefined if it has others. */
export function equalities(node: FilterNode): Record<string, FilterValue> | undefined {
  if (node.type === 'compare' && node.op === 'eq' && !node.attr.sub && !node.attr.urn)
    return { [node.attr.name]: node.value };
  if (node.type === 'and') {
    const left = equalities(node.left);
    const right = equalities(node.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  return undefined;
}
