import fc from 'fast-check';
import { FilterError, ScimError } from '../http/scim.errors.js';
import { filterToSql, SqlParams, type Catalog } from './scim-filter-sql.js';
import {
  equalities,
  parseAttrPath,
  parseFilter,
  parseValueFilter,
  type AttrPath,
  type FilterNode,
  type FilterValue,
} from './scim-filter.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

const cmp = (name: string, op: string, value: FilterValue, more: Partial<AttrPath> = {}): FilterNode =>
  ({ type: 'compare', attr: { ...more, name }, op, value }) as FilterNode;
const pr = (name: string, more: Partial<AttrPath> = {}): FilterNode => ({ type: 'present', attr: { ...more, name } });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ type: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ type: 'or', left, right });
const not = (expr: FilterNode): FilterNode => ({ type: 'not', expr });

/** The error `fn` throws: a FilterError, which is a 400 `invalidFilter` ScimError. */
function filterError(fn: () => unknown): FilterError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FilterError);
    expect(err).toBeInstanceOf(ScimError);
    const e = err as FilterError;
    expect(e.getStatus()).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: e.message,
    });
    return e;
  }
  throw new Error('expected a FilterError');
}

describe('parseFilter (RFC 7644 §3.4.2.2)', () => {
  describe('precedence', () => {
    it('binds "and" tighter than "or", on either side', () => {
      expect(parseFilter('a pr or b pr and c pr')).toEqual(or(pr('a'), and(pr('b'), pr('c'))));
      expect(parseFilter('a pr and b pr or c pr')).toEqual(or(and(pr('a'), pr('b')), pr('c')));
      expect(parseFilter('a pr and b pr or c pr and d pr')).toEqual(or(and(pr('a'), pr('b')), and(pr('c'), pr('d'))));
    });

    it('associates "and" and "or" to the left', () => {
      expect(parseFilter('a pr or b pr or c pr')).toEqual(or(or(pr('a'), pr('b')), pr('c')));
      expect(parseFilter('a pr and b pr and c pr')).toEqual(and(and(pr('a'), pr('b')), pr('c')));
    });

    it('lets parentheses override precedence', () => {
      expect(parseFilter('(a pr or b pr) and c pr')).toEqual(and(or(pr('a'), pr('b')), pr('c')));
      expect(parseFilter('a pr and (b pr or c pr)')).toEqual(and(pr('a'), or(pr('b'), pr('c'))));
      expect(parseFilter('((a pr))')).toEqual(pr('a'));
    });

    it('applies "not" to the parenthesized expression only', () => {
      expect(parseFilter('not (a pr) and b pr')).toEqual(and(not(pr('a')), pr('b')));
      expect(parseFilter('not (a pr or b pr)')).toEqual(not(or(pr('a'), pr('b'))));
      expect(parseFilter('not(a pr)')).toEqual(not(pr('a')));
      expect(parseFilter('not (not (a pr))')).toEqual(not(not(pr('a'))));
      expect(parseFilter('b pr or not (a pr) and c pr')).toEqual(or(pr('b'), and(not(pr('a')), pr('c'))));
    });

    it('parses value paths, with and/or inside the brackets', () => {
      expect(parseFilter('emails[type eq "work" and value co "@x"]')).toEqual({
        type: 'valuePath',
        attr: { name: 'emails' },
        filter: and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@x')),
      });
      expect(parseFilter('emails[type eq "work" or not (primary eq true)] and userName pr')).toEqual(
        and(
          {
            type: 'valuePath',
            attr: { name: 'emails' },
            filter: or(cmp('type', 'eq', 'work'), not(cmp('primary', 'eq', true))),
          },
          pr('userName'),
        ),
      );
    });

    it("reads Entra's `attr[filter].sub op value` as a value path with the comparison inside", () => {
      expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual({
        type: 'valuePath',
        attr: { name: 'emails' },
        filter: and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'a@b.c')),
      });
    });
  });

  describe('names and keywords', () => {
    it('accepts operators, logical words and literals in any case; keeps attribute names as written', () => {
      expect(parseFilter('USERNAME EQ "x"')).toEqual(cmp('USERNAME', 'eq', 'x'));
      expect(parseFilter('userName Pr')).toEqual(pr('userName'));
      expect(parseFilter('a Eq TRUE AND b nE False Or c eQ NULL')).toEqual(
        or(and(cmp('a', 'eq', true), cmp('b', 'ne', false)), cmp('c', 'eq', null)),
      );
      expect(parseFilter('NOT (a pr)')).toEqual(not(pr('a')));
      for (const op of ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']) {
        expect(parseFilter(`a ${op.toUpperCase()} "v"`)).toEqual(cmp('a', op, 'v'));
      }
    });

    it('reads sub-attributes and schema URN prefixes', () => {
      expect(parseFilter('name.givenName sw "A"')).toEqual(cmp('name', 'sw', 'A', { sub: 'givenName' }));
      expect(parseFilter(`${USER}:name.givenName eq "x"`)).toEqual(
        cmp('name', 'eq', 'x', { urn: USER, sub: 'givenName' }),
      );
      expect(parseFilter(`${USER}:userName pr`)).toEqual(pr('userName', { urn: USER }));
      expect(parseFilter('meta.lastModified gt "2020-01-01T00:00:00Z"')).toEqual(
        cmp('meta', 'gt', '2020-01-01T00:00:00Z', { sub: 'lastModified' }),
      );
      expect(parseFilter('$ref pr')).toEqual(pr('$ref'));
    });

    it('treats whitespace (spaces, tabs, newlines) as separators', () => {
      expect(parseFilter('\n\ta\teq\r\n"x"  and\tb pr ')).toEqual(and(cmp('a', 'eq', 'x'), pr('b')));
      expect(parseFilter('(a pr)and(b pr)')).toEqual(and(pr('a'), pr('b')));
    });

    it('reads numbers', () => {
      expect(parseFilter('a gt 1.5e3')).toEqual(cmp('a', 'gt', 1500));
      expect(parseFilter('a eq -2')).toEqual(cmp('a', 'eq', -2));
      expect(parseFilter('a eq 0')).toEqual(cmp('a', 'eq', 0));
      expect(parseFilter('(a eq 1)')).toEqual(cmp('a', 'eq', 1));
    });
  });

  describe('string literals', () => {
    it('decodes JSON escapes', () => {
      expect(parseFilter('a eq "say \\"hi\\""')).toEqual(cmp('a', 'eq', 'say "hi"'));
      expect(parseFilter('a eq "back\\\\slash"')).toEqual(cmp('a', 'eq', 'back\\slash'));
      expect(parseFilter('a eq "\\u00e9\\n\\t\\/"')).toEqual(cmp('a', 'eq', 'é\n\t/'));
      expect(parseFilter('a eq "\\ud83d\\ude00"')).toEqual(cmp('a', 'eq', '😀'));
      expect(parseFilter('a eq "ends with backslash\\\\"')).toEqual(cmp('a', 'eq', 'ends with backslash\\'));
    });

    it('keeps characters that mean something outside strings', () => {
      expect(parseFilter('a eq "x) or (b pr"')).toEqual(cmp('a', 'eq', 'x) or (b pr'));
      expect(parseFilter('a eq "[and]"')).toEqual(cmp('a', 'eq', '[and]'));
      expect(parseFilter('a eq "日本語 😀"')).toEqual(cmp('a', 'eq', '日本語 😀'));
      expect(parseFilter('a eq ""')).toEqual(cmp('a', 'eq', ''));
    });

    it('refuses malformed strings', () => {
      expect(filterError(() => parseFilter('a eq "open')).message).toMatch(/Unterminated string/);
      expect(filterError(() => parseFilter('a eq "open\\"')).message).toMatch(/Unterminated string/);
      expect(filterError(() => parseFilter('a eq "\\x"')).message).toMatch(/Invalid string literal/);
      expect(filterError(() => parseFilter('a eq "\\u12"')).message).toMatch(/Invalid string literal/);
      expect(filterError(() => parseFilter('a eq "tab\there"')).message).toMatch(/Invalid string literal/);
      expect(filterError(() => parseFilter("a eq 'single'")).message).toMatch(/Unexpected character/);
    });

    it('refuses NUL characters and lone surrogates in values (PostgreSQL cannot compare them)', () => {
      expect(filterError(() => parseFilter('a eq "\\u0000"')).message).toMatch(/NUL/);
      expect(filterError(() => parseFilter('a eq "x\\ud800"')).message).toMatch(/surrogate/);
      expect(filterError(() => parseFilter('a eq "\\udc00x"')).message).toMatch(/surrogate/);
    });
  });

  describe('errors (all FilterError, 400 invalidFilter)', () => {
    it.each([
      ['', /empty/],
      ['   ', /empty/],
      ['userName', /Expected an operator/],
      ['userName eq', /Expected a value/],
      ['userName eq "a" and', /ends where an expression was expected/],
      ['userName eq "a" or', /ends where an expression was expected/],
      ['userName foo "a"', /Unknown operator "foo"/],
      ['userName eq bar', /Expected a value/],
      ['userName eq "a" "b"', /Unexpected string/],
      ['userName eq "a" userName pr', /Unexpected "userName"/],
      ['(userName pr', /Expected "\)" at the end/],
      ['userName pr)', /Unexpected "\)"/],
      ['()', /Expected an attribute name/],
      ['not userName pr', /Unknown operator "userName"/],
      ['emails[type eq "work"', /Expected "]"/],
      ['emails[type eq "work"]]', /Unexpected "]"/],
      ['emails[[type eq "work"]]', /Expected an attribute name/],
      ['emails[type[value eq "x"] eq "y"]', /Nested "\[" .* not allowed/],
      ['name.givenName[value eq "x"]', /"\[" must follow an attribute name/],
      ['emails[type eq "work"].va!ue eq "x"', /Unexpected character "!"/],
      ['a.b.c pr', /Invalid attribute path/],
      ['9abc pr', /Invalid number/],
      ['-x pr', /Invalid attribute path/],
      ['urn:x: pr', /Invalid attribute path/],
      ['a eq 01', /Invalid number/],
      ['a eq 1e999', /Invalid number/],
      ['a eq 12abc', /Invalid number/],
      ['a eq 1.', /Invalid number/],
      ['a eq "x" & b pr', /Unexpected character "&"/],
      ['a eq \u0000', /Unexpected character/],
    ])('%j', (input, message) => {
      expect(filterError(() => parseFilter(input)).message).toMatch(message);
    });

    it('bounds nesting, comparisons and length', () => {
      expect(parseFilter(`${'('.repeat(16)}a pr${')'.repeat(16)}`)).toEqual(pr('a'));
      expect(filterError(() => parseFilter(`${'('.repeat(17)}a pr${')'.repeat(17)}`)).message).toMatch(
        /nested more than 16/,
      );
      expect(filterError(() => parseFilter(`${'not ('.repeat(17)}a pr${')'.repeat(17)}`)).message).toMatch(
        /nested more than 16/,
      );
      const terms = (n: number) => Array.from({ length: n }, (_, i) => `a${i} pr`).join(' or ');
      expect(() => parseFilter(terms(64))).not.toThrow();
      expect(filterError(() => parseFilter(terms(65))).message).toMatch(/more than 64 comparisons/);
      expect(() => parseFilter(`a eq "${'x'.repeat(4096 - 7)}"`)).not.toThrow();
      expect(filterError(() => parseFilter(`a eq "${'x'.repeat(4096 - 6)}"`)).message).toMatch(/longer than 4096/);
      // Thousands of parentheses are refused, not a stack overflow.
      expect(filterError(() => parseFilter('('.repeat(4000))).message).toMatch(/nested more than 16/);
    });
  });
});

describe('parseValueFilter (the brackets of a PATCH path)', () => {
  it('parses sub-attribute filters', () => {
    expect(parseValueFilter('value eq "x" and type Eq "work"')).toEqual(
      and(cmp('value', 'eq', 'x'), cmp('type', 'eq', 'work')),
    );
  });

  it('refuses nested brackets and empty filters', () => {
    expect(filterError(() => parseValueFilter('emails[type eq "x"]')).message).toMatch(/Nested "\["/);
    filterError(() => parseValueFilter(''));
  });
});

describe('parseAttrPath', () => {
  it('splits URN, name and sub-attribute', () => {
    expect(parseAttrPath('userName')).toEqual({ urn: undefined, name: 'userName' });
    expect(parseAttrPath('name.givenName')).toEqual({ urn: undefined, name: 'name', sub: 'givenName' });
    expect(parseAttrPath(`${USER}:name.givenName`)).toEqual({ urn: USER, name: 'name', sub: 'givenName' });
    expect(parseAttrPath('URN:foo:bar')).toEqual({ urn: 'URN:foo', name: 'bar' });
  });

  it.each(['', 'a.b.c', 'a..b', '.a', 'a.', '1a', 'urn:', 'urn:a:', 'a b', 'a[b]'])('refuses %j', (text) => {
    filterError(() => parseAttrPath(text));
  });
});

describe('equalities', () => {
  it('collects eq constraints joined by and', () => {
    expect(equalities(parseValueFilter('type eq "work" and primary eq true'))).toEqual({ type: 'work', primary: true });
    expect(equalities(parseValueFilter('value eq "x"'))).toEqual({ value: 'x' });
  });

  it('gives up on anything else', () => {
    for (const f of ['type ne "work"', 'type eq "a" or value eq "b"', 'not (type eq "a")', 'type pr', 'x.y eq "a"']) {
      expect(equalities(parseValueFilter(f))).toBeUndefined();
    }
  });
});

describe('filterToSql', () => {
  const CATALOG: Catalog = {
    urn: USER,
    attributes: {
      id: { kind: 'column', type: 'id', sql: 'u.id::text' },
      username: { kind: 'column', type: 'string', sql: 'u.username' },
      externalid: { kind: 'column', type: 'string', sql: 'u.external_id', caseExact: true },
      active: { kind: 'column', type: 'boolean', sql: 'u.active' },
      emails: {
        kind: 'complex',
        defaultSub: 'value',
        some: (c) => `EXISTS (SELECT 1 FROM emails e WHERE ${c})`,
        sub: {
          value: { kind: 'column', type: 'string', sql: 'e.value' },
          type: { kind: 'column', type: 'string', sql: 'e.type' },
        },
      },
      meta: { kind: 'complex', sub: { created: { kind: 'column', type: 'dateTime', sql: 'u.created_at' } } },
    },
  };
  const sql = (filter: string, base: unknown[] = ['org']) => {
    const params = new SqlParams([...base]);
    return { sql: filterToSql(parseFilter(filter), CATALOG, params), params: params.values };
  };

  it('binds every value as a parameter, after those of the base query', () => {
    expect(sql('userName eq "a\'; DROP TABLE users; --"')).toEqual({
      sql: 'COALESCE((lower((u.username)) = lower($2::text)), false)',
      params: ['org', "a'; DROP TABLE users; --"],
    });
  });

  it('compares caseExact attributes exactly and others case-insensitively', () => {
    expect(sql('externalId eq "X"').sql).toBe('COALESCE(((u.external_id) = $2::text), false)');
    expect(sql('USERNAME sw "X"').sql).toBe('COALESCE((starts_with(lower((u.username)), lower($2::text))), false)');
  });

  it('resolves names case-insensitively, with or without the schema URN', () => {
    expect(sql(`${USER.toUpperCase()}:UserName pr`).sql).toContain('u.username');
    expect(sql('EMAILS.VALUE co "x"').sql).toMatch(
      /^EXISTS \(SELECT 1 FROM emails e WHERE COALESCE\(\(strpos\(lower\(\(e\.value\)\)/,
    );
  });

  it('compiles not, and, or, value paths and null comparisons', () => {
    expect(sql('not (active eq true) or emails[type eq "work" and value ew "@x"]').sql).toBe(
      '((NOT COALESCE(((u.active) = $2::boolean), false)) OR EXISTS (SELECT 1 FROM emails e WHERE COALESCE(((COALESCE((lower((e.type)) = lower($3::text)), false) AND COALESCE((right(lower((e.value)), char_length(lower($4::text))) = lower($4::text)), false))), false)))',
    );
    expect(sql('externalId eq null').sql).toBe('COALESCE(((u.external_id) IS NULL), false)');
    expect(sql('externalId ne null').sql).toBe('COALESCE(((u.external_id) IS NOT NULL), false)');
  });

  it('accepts booleans as Entra sends them', () => {
    expect(sql('active eq "True"').params).toEqual(['org', true]);
    expect(sql('active ne "false"').params).toEqual(['org', false]);
  });

  it('compares times at the millisecond precision resources show', () => {
    expect(sql('meta.created gt "2024-01-02T03:04:05.678+01:00"')).toEqual({
      sql: "COALESCE((date_trunc('milliseconds', (u.created_at)) > $2::timestamptz), false)",
      params: ['org', '2024-01-02T02:04:05.678Z'],
    });
  });

  it.each([
    ['title eq "x"', /not supported/],
    ['name.givenName eq "x"', /not supported/],
    ['userName.x eq "y"', /no sub-attributes/],
    ['urn:other:schema:userName eq "x"', /cannot be filtered on/],
    ['userName eq 1', /is a string/],
    ['userName eq true', /is a string/],
    ['userName gt null', /cannot compare .* with null/],
    ['active gt true', /not supported on the boolean/],
    ['active eq "yes"', /is a boolean/],
    ['active eq 1', /is a boolean/],
    ['meta.created co "2020"', /is a date and time/],
    ['meta.created co "2020-01-01T00:00:00Z"', /not supported on the date/],
    ['meta.created gt 2020', /is a date and time/],
    ['meta.created gt "2020-01-01"', /is a date and time/],
    ['meta.created gt "2020-01-01T25:00:00Z"', /is a date and time/],
    ['meta.created gt "0000-01-01T00:00:00Z"', /is a date and time/],
    ['meta pr', /not supported/],
    ['userName[value eq "x"]', /has no values to filter/],
    ['emails[value.x eq "y"]', /without a prefix/],
    ['emails[bogus eq "y"]', /not supported/],
  ])('refuses %j with a FilterError', (filter, message) => {
    expect(filterError(() => sql(filter)).message).toMatch(message);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const KEYWORDS = new Set(['and', 'or', 'not']);
const name = fc.oneof(
  fc.constantFrom('userName', 'emails', 'name', 'meta', 'active', 'displayName', '$ref', 'x-y_z$1'),
  fc.stringMatching(/^\$?[A-Za-z][A-Za-z0-9_$-]{0,8}$/).filter((n) => !KEYWORDS.has(n.toLowerCase())),
);
const attrPath: fc.Arbitrary<AttrPath> = fc
  .tuple(fc.option(fc.constantFrom(USER, 'urn:a:b'), { nil: undefined }), name, fc.option(name, { nil: undefined }))
  .map(([urn, n, sub]) => {
    const path: AttrPath = { name: n };
    if (urn !== undefined) path.urn = urn;
    if (sub !== undefined) path.sub = sub;
    return path;
  });
const value: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const compare: fc.Arbitrary<FilterNode> = fc
  .tuple(attrPath, fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'), value)
  .map(([attr, op, v]) => ({ type: 'compare', attr, op, value: v }));
const present: fc.Arbitrary<FilterNode> = attrPath.map((attr) => ({ type: 'present', attr }));

const { tree } = fc.letrec<{ tree: FilterNode; inner: FilterNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    compare,
    present,
    fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('tree'), right: tie('tree') }),
    fc.record({ type: fc.constant('not' as const), expr: tie('tree') }),
    fc.record({
      type: fc.constant('valuePath' as const),
      attr: fc
        .tuple(fc.option(fc.constant(USER), { nil: undefined }), name)
        .map(([urn, n]) => (urn ? { urn, name: n } : { name: n })),
      filter: tie('inner'),
    }),
  ),
  inner: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    compare,
    present,
    fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('inner'), right: tie('inner') }),
    fc.record({ type: fc.constant('not' as const), expr: tie('inner') }),
  ),
}));

/** Renders an AST with as few parentheses as precedence and left-associativity need. */
function render(node: FilterNode, mixCase: (s: string) => string, parent = 0, right = false): string {
  const path = (a: AttrPath) => `${a.urn ? `${a.urn}:` : ''}${a.name}${a.sub ? `.${a.sub}` : ''}`;
  switch (node.type) {
    case 'compare':
      return `${path(node.attr)} ${mixCase(node.op)} ${typeof node.value === 'string' ? JSON.stringify(node.value) : mixCase(String(node.value))}`;
    case 'present':
      return `${path(node.attr)} ${mixCase('pr')}`;
    case 'not':
      return `${mixCase('not')} (${render(node.expr, mixCase)})`;
    case 'valuePath':
      return `${path(node.attr)}[${render(node.filter, mixCase)}]`;
    case 'and':
    case 'or': {
      const prec = node.type === 'or' ? 1 : 2;
      const text = `${render(node.left, mixCase, prec)} ${mixCase(node.type)} ${render(node.right, mixCase, prec, true)}`;
      return prec < parent || (prec === parent && right) ? `(${text})` : text;
    }
  }
}

const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const mixCase = fc
  .func(fc.boolean())
  .map((f) => (s: string) => [...s].map((c, i) => (f(s, i) ? c.toUpperCase() : c)).join(''));

describe('parseFilter properties', () => {
  it('round-trips: parsing the rendering of any filter gives that filter back', () => {
    fc.assert(
      fc.property(tree, mixCase, (ast, mixed) => {
        const text = render(ast, mixed);
        fc.pre(text.length <= 4096);
        expect(parseFilter(text)).toEqual(ast);
      }),
      { numRuns: 1000 },
    );
  });

  const filterChars = fc.constantFrom(
    ...'()[]"\\ .:$-_aeqnotrpsuIDN019eE+\t\n'.split(''),
    ' and ',
    ' or ',
    ' eq ',
    ' pr',
    'not (',
    'userName',
    '"x"',
    '\\u0000',
    '\\ud800',
  );
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: filterChars, maxLength: 200 }),
    fc
      .tuple(tree, mixCase, fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 }))
      .map(([ast, mixed, at, del, ins]) => {
        const text = render(ast, mixed);
        const i = at % (text.length + 1);
        return text.slice(0, i) + ins + text.slice(i + del);
      }),
    fc.nat({ max: 5000 }).map((n) => '('.repeat(n)),
    fc.nat({ max: 5000 }).map((n) => `a eq "${'\\'.repeat(n)}`),
  );

  it('never throws anything but a FilterError (400 invalidFilter) on arbitrary text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parseFilter(text);
        } catch (err) {
          if (
            !(err instanceof FilterError) ||
            !(err instanceof ScimError) ||
            err.scimType !== 'invalidFilter' ||
            err.getStatus() !== 400
          )
            throw err;
        }
        try {
          parseValueFilter(text);
        } catch (err) {
          if (!(err instanceof FilterError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('compiles any parsed filter to SQL or refuses it with a FilterError, binding values as parameters only', () => {
    const catalog: Catalog = {
      urn: USER,
      attributes: {
        username: { kind: 'column', type: 'string', sql: 'u.username' },
        active: { kind: 'column', type: 'boolean', sql: 'u.active' },
        emails: {
          kind: 'complex',
          defaultSub: 'value',
          some: (c) => `EXISTS (${c})`,
          sub: { value: { kind: 'column', type: 'string', sql: 'e.value' } },
        },
        meta: { kind: 'complex', sub: { created: { kind: 'column', type: 'dateTime', sql: 'u.created' } } },
      },
    };
    // Mostly comparisons the catalog accepts (right names and types), sometimes wrong ones.
    const str = fc
      .string({ unit: 'binary', maxLength: 12 })
      .filter((v) => !v.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(v));
    const typedLeaf: fc.Arbitrary<FilterNode> = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('userName', 'USERNAME', `${USER}:userName`),
          fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'),
          fc.oneof(str, fc.constant(null)),
        )
        .map(([n, op, v]) =>
          n.startsWith('urn')
            ? cmp('userName', v === null ? 'eq' : op, v, { urn: USER })
            : cmp(n, v === null ? 'ne' : op, v),
        ),
      fc
        .tuple(fc.constantFrom('eq', 'ne'), fc.constantFrom<FilterValue>(true, false, 'True', 'false'))
        .map(([op, v]) => cmp('active', op, v)),
      fc.tuple(fc.constantFrom('eq', 'co', 'ew'), str).map(([op, v]) => cmp('emails', op, v, { sub: 'value' })),
      fc
        .tuple(
          fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'),
          fc.date({ min: new Date(1), max: new Date(4e12), noInvalidDate: true }),
        )
        .map(([op, d]) => cmp('meta', op, d.toISOString(), { sub: 'created' })),
      fc.constantFrom(pr('userName'), pr('emails'), pr('active')),
      compare,
    );
    const typedTree = fc.letrec<{ t: FilterNode }>((tie) => ({
      t: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        weighted(5, typedLeaf),
        weighted(
          2,
          fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('t'), right: tie('t') }),
        ),
        weighted(1, fc.record({ type: fc.constant('not' as const), expr: tie('t') })),
        weighted(
          1,
          typedLeaf.map((leaf): FilterNode => ({
            type: 'valuePath',
            attr: { name: 'emails' },
            filter: leaf.type === 'compare' || leaf.type === 'present' ? { ...leaf, attr: { name: 'value' } } : leaf,
          })),
        ),
      ),
    })).t;
    let compiled = 0;
    fc.assert(
      fc.property(fc.oneof(weighted(1, tree), weighted(3, typedTree)), (ast) => {
        const params = new SqlParams(['org']);
        try {
          const sql = filterToSql(ast, catalog, params);
          // Values are never spliced into the SQL text: no quotes but the catalog's own, and
          // every placeholder has its parameter.
          expect(
            sql.replaceAll("'milliseconds'", '').replaceAll("<> ''", '').replaceAll('COLLATE "C"', ''),
          ).not.toMatch(/['"\\]/);
          for (const [, n] of sql.matchAll(/\$(\d+)/g)) expect(Number(n)).toBeLessThanOrEqual(params.values.length);
          compiled++;
        } catch (err) {
          if (!(err instanceof FilterError)) throw err;
        }
      }),
      { numRuns: 1000 },
    );
    expect(compiled).toBeGreaterThan(200); // the property reached past the name lookup
  });
});
