import fc from 'fast-check';
import http from 'node:http';
import { closeWorld } from '../helpers/app.js';
import {
  openScimWorld,
  SCIM_ERROR,
  SCIM_GROUP,
  SCIM_KEY,
  SCIM_LIST,
  SCIM_PATCH,
  SCIM_USER,
  type ScimWorld,
} from '../helpers/scim.js';

/**
 * Property-based tests of the SCIM endpoints: random and malformed filters, list parameters,
 * search, PATCH, POST and PUT bodies thrown at the running server. Whatever the input, the
 * answer is never a 5xx, and every 4xx is an RFC 7644 §3.12 error in `application/scim+json`.
 * Positive properties check results too: typed filters against an in-memory oracle, paging
 * against slices of the full list, projections, `userName eq` of created users, and PATCH
 * responses against a following GET. fast-check prints the seed and the counterexample of a
 * failure; `FC_SEED=<seed>` replays a run, `SCIM_PROPERTY_RUNS=<n>` changes the number of runs.
 */

const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTRA_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const SCIM_TYPES = new Set([
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
]);

const RUNS = Number(process.env.SCIM_PROPERTY_RUNS) || 250;
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });
const runs = (share: number) => ({ numRuns: Math.max(10, Math.round(RUNS * share)) });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = Record<string, unknown>;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: unknown;
}

/** A request body; fast-check prints it shortened in counterexamples (some are 1 MiB long). */
class Body {
  constructor(readonly data: string | Buffer) {}

  [fc.toStringMethod](): string {
    return summary(this.data);
  }
}

function summary(data: string | Buffer): string {
  if (Buffer.isBuffer(data)) return `<bytes ${data.toString('hex').slice(0, 400)}>`;
  return data.length > 600 ? `${JSON.stringify(data.slice(0, 600))}… (${data.length} chars)` : JSON.stringify(data);
}

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const USER_ATTRS = [
  'userName',
  'externalId',
  'emails.value',
  'emails.type',
  'emails.primary',
  'emails',
  'active',
  'id',
  'meta.created',
  'meta.lastModified',
  'displayName',
  'name.givenName',
  'name.familyName',
  'name.formatted',
  'groups',
  'groups.value',
  'groups.display',
  `${SCIM_USER}:userName`,
  `${SCIM_USER}:name.givenName`,
  `${SCIM_USER}:emails.value`,
];
const GROUP_ATTRS = [
  'displayName',
  'externalId',
  'id',
  'members',
  'members.value',
  'members.display',
  'meta.created',
  `${SCIM_GROUP}:displayName`,
];
const ODD_ATTRS = [
  'name',
  'meta',
  'title',
  'emails.value.x',
  '$ref',
  `${ENTERPRISE}:employeeNumber`,
  `${ENTRA_GROUP}:displayName`,
  'urn:',
  'urn:x:',
  'urn:ietf:params:scim:schemas:core:2.0:User:',
  'a:b',
  '.value',
  'userName.',
  '9abc',
  '-x',
  '_x',
  'x$y',
  '$x',
  'not',
  'and',
  'pr',
  'true',
  'null',
];
const SUB_ATTRS = [
  'type',
  'value',
  'primary',
  'display',
  '$ref',
  'created',
  'givenName',
  'emails.value',
  'bogus',
  `${SCIM_USER}:type`,
];
const MULTI_ATTRS = [
  'emails',
  'members',
  'groups',
  'name',
  'meta',
  'userName',
  'phoneNumbers',
  `${SCIM_USER}:emails`,
  'emails.value',
];

/** A constant JSON value (fc.constant would type arrays as readonly tuples). */
const lit = (value: Json): fc.Arbitrary<Json> => fc.constant(value);
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

const NASTY = [
  '"',
  '\\',
  '\\"',
  '\u0000',
  '\n',
  '\t',
  '\r',
  '\u007f',
  'é',
  'ß',
  'İ',
  'K',
  '😀',
  '\ud800',
  '\udfff',
  '\u2028',
  '\ufeff',
  ' ',
  '(',
  ')',
  '[',
  ']',
  ' and ',
  ' or ',
  'not ',
  '%',
  '%00',
  '_',
  "'",
  ',',
  '.',
  ':',
  '$1',
  "'); DROP TABLE users; --",
  '\\u0000',
  '\\ud800',
];
const nastyString = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 4 })), { maxLength: 12 })
  .map((parts) => parts.join(''));
const unicodeString = fc.string({ unit: 'binary', maxLength: 30 });

/** A filter value as written in a filter: well-formed and malformed literals of every type. */
const literal: fc.Arbitrary<string> = fc.oneof(
  weighted(
    6,
    fc
      .oneof(unicodeString, nastyString, fc.constantFrom('', 'work', 'home', 'alice', '@example.com', 'a'))
      .map((s) => JSON.stringify(s)),
  ),
  weighted(
    2,
    nastyString.map((s) => `"${s}"`),
  ),
  weighted(
    1,
    fc.string({ minLength: 300, maxLength: 5000 }).map((s) => JSON.stringify(s)),
  ),
  weighted(
    1,
    fc.constantFrom(
      '"unterminated',
      '"bad \\x escape"',
      '"\\u12"',
      '"\\"',
      "'single'",
      '""',
      '"\\u0000"',
      '"\\ud800"',
      '"a\\',
      '"\t"',
      '"\n"',
      'abc',
      '"',
    ),
  ),
  weighted(2, fc.oneof(fc.integer(), fc.double(), fc.maxSafeInteger()).map(String)),
  weighted(
    1,
    fc.constantFrom(
      '0',
      '-0',
      '01',
      '1.',
      '.5',
      '-',
      '1e999',
      '-1e999',
      '1E-5',
      '12abc',
      '0x1F',
      '999999999999999999999999',
      '1e+21',
      '+1',
      'NaN',
      'Infinity',
    ),
  ),
  weighted(2, fc.mixedCase(fc.constantFrom('true', 'false', 'null'))),
  weighted(
    2,
    fc.date({ noInvalidDate: true }).map((d) => JSON.stringify(d.toISOString())),
  ),
  weighted(
    2,
    fc.constantFrom(
      '"0000-01-01T00:00:00Z"',
      '"0001-01-01T00:00:00Z"',
      '"2020-02-30T00:00:00Z"',
      '"2024-01-01T00:00:00+14:00"',
      '"2024-01-01"',
      '"9999-12-31T23:59:59.999Z"',
      '"2020-01-01T24:00:00Z"',
      '"2020-01-01T"',
      '"2020-01-01Tfoo"',
      '"1970-01-01T00:00:00.000000001Z"',
    ),
  ),
);

const ws = fc.constantFrom(' ', ' ', ' ', ' ', '  ', '\t', '\n', '\r\n', '');
const op = fc.oneof(
  weighted(12, fc.mixedCase(fc.constantFrom(...OPS))),
  weighted(1, fc.constantFrom('', 'eqq', '==', 'equals', 'contains', 'in', 'pr')),
);
const logic = fc.mixedCase(fc.constantFrom('and', 'or'));
const notWord = fc.mixedCase(fc.constant('not'));
const attrName = fc.oneof(
  weighted(6, fc.mixedCase(fc.constantFrom(...USER_ATTRS, ...GROUP_ATTRS))),
  weighted(1, fc.constantFrom(...ODD_ATTRS)),
);
const subAttrName = fc.oneof(
  weighted(4, fc.mixedCase(fc.constantFrom(...SUB_ATTRS.slice(0, 5)))),
  weighted(1, fc.constantFrom(...SUB_ATTRS, ...ODD_ATTRS)),
);
const multiAttr = fc.mixedCase(fc.constantFrom(...MULTI_ATTRS));

const attrExp = (name: fc.Arbitrary<string>) =>
  fc.oneof(
    weighted(
      5,
      fc.tuple(name, ws, op, ws, literal).map(([a, w1, o, w2, l]) => `${a}${w1}${o}${w2}${l}`),
    ),
    weighted(
      1,
      fc.tuple(name, ws, fc.mixedCase(fc.constant('pr'))).map(([a, w, p]) => `${a}${w}${p}`),
    ),
  );

/** Plausible filters built from the grammar (often well-formed, sometimes not). */
const { filter: grammarFilter, inner: innerFilter } = fc.letrec<{ filter: string; inner: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    weighted(4, attrExp(attrName)),
    weighted(
      2,
      fc.tuple(tie('filter'), ws, logic, ws, tie('filter')).map((p) => p.join('')),
    ),
    weighted(
      1,
      fc.tuple(notWord, fc.constantFrom('', ' '), tie('filter')).map(([n, s, e]) => `${n}${s}(${e})`),
    ),
    weighted(
      1,
      tie('filter').map((e) => `(${e})`),
    ),
    weighted(
      1,
      fc
        .tuple(multiAttr, tie('inner'), fc.option(fc.tuple(subAttrName, op, literal), { nil: undefined }))
        .map(([a, i, tail]) => `${a}[${i}]${tail ? `.${tail[0]} ${tail[1]} ${tail[2]}` : ''}`),
    ),
  ),
  inner: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    weighted(4, attrExp(subAttrName)),
    weighted(
      2,
      fc.tuple(tie('inner'), ws, logic, ws, tie('inner')).map((p) => p.join('')),
    ),
    weighted(
      1,
      fc.tuple(notWord, tie('inner')).map(([n, e]) => `${n} (${e})`),
    ),
    weighted(
      1,
      tie('inner').map((e) => `(${e})`),
    ),
  ),
}));

/** Small random edits of a text: deletions and insertions of random or structural characters. */
function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const insert = fc.oneof(
    fc.constant(''),
    fc.string({ unit: 'binary', maxLength: 3 }),
    fc.constantFrom('(', ')', '[', ']', '"', '\\', ' and ', ' or ', 'not', '{', '}', ',', ':', 'null'),
  );
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), insert);
  return fc.tuple(text, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([s, edits]) => {
    let out = s;
    for (const [at, del, ins] of edits) {
      const i = at % (out.length + 1);
      out = out.slice(0, i) + ins + out.slice(i + del);
    }
    return out;
  });
}

const FILTER_CHARS = [...'()[]"\\ .:$-_aeqnotrpsuIDN019'];
const filterText: fc.Arbitrary<string> = fc.oneof(
  weighted(10, grammarFilter),
  weighted(3, mutated(grammarFilter)),
  weighted(2, fc.string({ unit: 'binary', maxLength: 200 })),
  weighted(
    2,
    fc.string({
      unit: fc.oneof(
        fc.constantFrom(...FILTER_CHARS),
        fc.constantFrom(' and ', ' or ', ' eq ', ' pr', 'userName', 'emails'),
      ),
      maxLength: 80,
    }),
  ),
  weighted(
    1,
    fc.nat({ max: 40 }).map((n) => `${'('.repeat(n)}userName pr${')'.repeat(n)}`),
  ),
  weighted(
    1,
    fc.nat({ max: 40 }).map((n) => `${'not ('.repeat(n)}active eq true${')'.repeat(n)}`),
  ),
  weighted(
    1,
    fc.nat({ max: 100 }).map((n) => Array.from({ length: n + 1 }, (_, i) => `userName eq "u${i}"`).join(' or ')),
  ),
  weighted(
    1,
    fc.integer({ min: 4000, max: 4200 }).map((n) => `userName eq "${'x'.repeat(n - 14)}"`),
  ),
  weighted(
    1,
    fc.constantFrom(
      'emails[type eq "work" and value co "@x"]',
      'emails[type eq "work"].value eq "a@example.com"',
      'emails[type eq "work"].value',
      'emails[type eq "work"]].value eq "x"',
      'emails[[type eq "work"]]',
      'members[value eq "x"] and not (displayName pr)',
      'groups[display sw "g"]',
      'meta[created gt "2020-01-01T00:00:00Z"]',
      'name[givenName eq "a"]',
      'userName eq "a" and (emails.value co "@" or not (active eq false))',
      'userName eq "a" or',
      'not userName eq "a"',
      'not(userName pr)',
      'userName',
      'userName eq',
      '()',
      '[]',
      'emails[]',
    ),
  ),
);

/** Integers as query or body values: well-formed, negative, huge, and not integers at all. */
const intish = fc.oneof(
  weighted(3, fc.integer({ min: -5, max: 300 }).map(String)),
  weighted(2, fc.integer().map(String)),
  weighted(
    2,
    fc.constantFrom(
      '',
      ' ',
      '0',
      '-0',
      '+1',
      '1.5',
      '1e3',
      '0x10',
      'NaN',
      'Infinity',
      '99999999999999999999',
      '999999999999999999999999999999',
      '-99999999999999999999',
      ' 7 ',
      'abc',
      '1,2',
      '٣',
    ),
  ),
  weighted(1, fc.string({ maxLength: 10 })),
);

const projectionName = fc.oneof(
  weighted(
    4,
    fc.mixedCase(
      fc.constantFrom(
        ...USER_ATTRS,
        ...GROUP_ATTRS,
        'name',
        'emails',
        'meta',
        'schemas',
        'members',
        'groups',
        'meta.version',
        'emails.value',
      ),
    ),
  ),
  weighted(1, fc.constantFrom(...ODD_ATTRS)),
  weighted(1, fc.string({ maxLength: 12 })),
);
const attributeList = fc.oneof(
  weighted(
    4,
    fc.array(projectionName, { maxLength: 5 }).map((a) => a.join(',')),
  ),
  weighted(
    1,
    fc.array(projectionName, { maxLength: 5 }).map((a) => a.join(' , ')),
  ),
  weighted(1, fc.string({ unit: 'binary', maxLength: 40 })),
);

const queryParam: fc.Arbitrary<[string, string]> = fc.oneof(
  weighted(
    4,
    fc.tuple(
      fc.oneof(weighted(5, fc.constant('filter')), weighted(1, fc.mixedCase(fc.constant('filter')))),
      filterText,
    ),
  ),
  weighted(3, fc.tuple(fc.mixedCase(fc.constantFrom('startIndex', 'count')), intish)),
  weighted(3, fc.tuple(fc.mixedCase(fc.constantFrom('attributes', 'excludedAttributes')), attributeList)),
  weighted(
    1,
    fc.tuple(
      fc.constantFrom(
        'sortBy',
        'sortOrder',
        'filter[]',
        'count[0]',
        'startIndex[a]',
        '__proto__',
        'constructor',
        'hasOwnProperty',
      ),
      fc.string({ maxLength: 20 }),
    ),
  ),
  weighted(1, fc.tuple(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 20 }))),
);

function queryString(params: [string, string][]): string {
  const search = new URLSearchParams();
  for (const [name, value] of params) search.append(name, value);
  return search.toString();
}

/** JSON scalars, with the strings identity providers send for booleans. */
const scalar: fc.Arbitrary<Json> = fc.oneof(
  weighted(3, unicodeString),
  weighted(2, nastyString),
  weighted(
    3,
    fc.constantFrom(
      'True',
      'False',
      'true',
      'false',
      'TRUE',
      'yes',
      '',
      ' ',
      '\u0000',
      'x'.repeat(300),
      'a@example.com',
      'Work',
    ),
  ),
  weighted(2, fc.boolean()),
  weighted(1, fc.integer()),
  weighted(1, fc.double({ noNaN: true, noDefaultInfinity: true })),
  weighted(1, fc.constant(null)),
);
const anyJson = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json>;
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('not-an-email', 'a@b', '@x.com', 'x@example.com', 'UPPER@EXAMPLE.COM', ' a@example.com'),
);

/** Entries of an object whose keys may be re-cased (SCIM attribute names are case-insensitive). */
function objectOf(
  entries: [string, fc.Arbitrary<Json>][],
  extra: fc.Arbitrary<[string, Json]>[] = [],
): fc.Arbitrary<{ [key: string]: Json }> {
  const present = entries.map(([key, value]) =>
    fc.option(fc.tuple(fc.oneof(weighted(5, fc.constant(key)), weighted(1, fc.mixedCase(fc.constant(key)))), value), {
      nil: undefined,
      freq: 3,
    }),
  );
  return fc
    .tuple(
      fc.tuple(...present),
      extra.length ? fc.array(fc.oneof(...extra), { maxLength: 2 }) : fc.constant([] as [string, Json][]),
    )
    .map(([kvs, more]) => Object.fromEntries([...kvs.filter((kv): kv is [string, Json] => kv !== undefined), ...more]));
}

/** Printable text safe to store (no NUL, no lone surrogate), within the attribute limits. */
const safeText = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((t) => t.trim() !== '');

/**
 * A well-formed object with a few fields mutated: a value replaced by any JSON, a key dropped or
 * re-cased, an unknown key added. Most such bodies get past the first checks and exercise the rest.
 */
function withMutations(
  valid: fc.Arbitrary<{ [key: string]: Json }>,
  keys: string[],
): fc.Arbitrary<{ [key: string]: Json }> {
  const mutation = fc.oneof(
    fc.tuple(fc.constant('set' as const), fc.constantFrom(...keys), fc.oneof(scalar, anyJson)),
    fc.tuple(fc.constant('drop' as const), fc.constantFrom(...keys), fc.constant(null as Json)),
    fc.tuple(fc.constant('recase' as const), fc.constantFrom(...keys), fc.constant(null as Json)),
    fc.tuple(fc.constant('add' as const), fc.string({ maxLength: 10 }), scalar),
  );
  return fc.tuple(valid, fc.array(mutation, { maxLength: 2 }), fc.func(fc.boolean())).map(([obj, mutations, flip]) => {
    const out: { [key: string]: Json } = { ...obj };
    for (const [kind, key, value] of mutations) {
      if (kind === 'set' || kind === 'add') out[key] = value;
      else if (kind === 'drop') delete out[key];
      else if (key in out) {
        const v = out[key];
        delete out[key];
        out[[...key].map((c, i) => (flip(key, i) ? c.toUpperCase() : c.toLowerCase())).join('')] = v;
      }
    }
    return out;
  });
}

const emailItem = (value: fc.Arbitrary<Json> = fc.oneof(email, scalar)) =>
  objectOf([
    ['value', value],
    ['type', fc.oneof(fc.constantFrom('work', 'home', 'other'), scalar)],
    ['primary', fc.oneof(fc.boolean(), fc.constantFrom('True', 'False'), scalar)],
    ['display', scalar],
  ]);
const nameObject = objectOf([
  ['givenName', fc.oneof(unicodeString, scalar)],
  ['familyName', fc.oneof(unicodeString, scalar)],
  ['formatted', fc.oneof(unicodeString, scalar)],
  ['middleName', scalar],
  ['honorificPrefix', scalar],
]);

/** `n` nested levels of `open` (an object key, or `[`) around an empty object or array: raw JSON text. */
function nestedJson(open: string, n: number): string {
  return open === '[' ? `${'['.repeat(n)}${']'.repeat(n)}` : `${open.repeat(n)}{}${'}'.repeat(n)}`;
}

/** Bodies of any shape: JSON values, objects, mutated texts, bytes that are not UTF-8, deep nesting. */
function rawBodies(plausible: fc.Arbitrary<Json>, urn: string): fc.Arbitrary<Body> {
  return fc
    .oneof(
      weighted(
        8,
        plausible.map((v) => JSON.stringify(v)),
      ),
      weighted(
        2,
        anyJson.map((v) => JSON.stringify(v)),
      ),
      weighted(
        1,
        fc.object({ maxDepth: 2, values: [scalar] }).map((v) => JSON.stringify(v)),
      ),
      weighted(2, mutated(plausible.map((v) => JSON.stringify(v)))),
      weighted(1, fc.string({ unit: 'binary', maxLength: 60 })),
      weighted(
        1,
        fc
          .uint8Array({ maxLength: 40 })
          .map((bytes) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')])),
      ),
      weighted(
        1,
        fc
          .tuple(fc.constantFrom(`{"${urn}":`, '{"name":', '{"emails":', '['), fc.integer({ min: 1, max: 20_000 }))
          .map(([o, n]) => nestedJson(o, n)),
      ),
    )
    .map((data: string | Buffer) => new Body(data));
}

// ---------------------------------------------------------------------------------------------
// The test world
// ---------------------------------------------------------------------------------------------

describe('SCIM properties (random and malformed input)', () => {
  let w: ScimWorld;
  /** Created in beforeAll with varied ASCII attributes: the filter oracle's data set. */
  const fixtures: { id: string; userName: string }[] = [];
  /** Users and groups the PATCH and PUT properties write to. */
  const targetUsers: string[] = [];
  const targetGroups: string[] = [];
  let initialMembers = 0;
  let initialGroups = 0;
  const created = { users: 0, groups: 0 };
  let fresh = 0;
  const tally: Record<string, Record<number, number>> = {};

  /** `headers` replace the defaults (Authorization, Content-Type); an undefined value removes one. */
  /**
   * `localAddress`: the client address to send from (any 127.x.y.z): wrong keys count towards a
   * per-address limit (429 past 20 a minute), so a property that sends many uses a fresh one each.
   */
  function send(
    method: string,
    path: string,
    payload?: string | Buffer | Body,
    headers: Record<string, string | undefined> = {},
    mount = '/scim/v2',
    localAddress?: string,
  ): Promise<Reply> {
    const url = new URL(w.t.baseUrl);
    const body = payload instanceof Body ? payload.data : payload;
    const h: Record<string, string | undefined> = { Authorization: `Bearer ${SCIM_KEY}` };
    if (body !== undefined) {
      h['Content-Type'] = 'application/scim+json';
      h['Content-Length'] = String(Buffer.byteLength(body));
    }
    Object.assign(h, headers);
    for (const [name, value] of Object.entries(h)) if (value === undefined) delete h[name];
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path: `${mount}${path}`,
          headers: h as Record<string, string>,
          agent: false,
          localAddress,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            const status = res.statusCode ?? 0;
            const key = `${method} ${path.replace(/\?.*$/s, '').replace(/^(\/(?:Users|Groups))\/(?!\.search$).*$/s, '$1/{id}')}`;
            const byStatus = (tally[key] ??= {});
            byStatus[status] = (byStatus[status] ?? 0) + 1;
            if (method === 'POST' && status === 201 && path === '/Users') created.users++;
            if (method === 'POST' && status === 201 && path === '/Groups') created.groups++;
            resolve({ status, headers: res.headers, text, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  const json = (method: string, path: string, body: unknown) => send(method, path, JSON.stringify(body));

  function describeRequest(method: string, path: string, body?: string | Buffer | Body): string {
    const data = body instanceof Body ? body.data : body;
    return `${method} ${path.length > 600 ? `${path.slice(0, 600)}…` : path}${data === undefined ? '' : ` ${summary(data)}`}`;
  }

  /** Never a 5xx; errors in the SCIM error schema; successes in application/scim+json. */
  function assertScimAnswer(res: Reply, request: string): void {
    const fail = (why: string): never => {
      throw new Error(
        `${why}\n  request: ${request}\n  answer: ${res.status} ${res.headers['content-type']} ${res.text.slice(0, 1000)}`,
      );
    };
    if (res.status >= 500) fail('a 5xx answer');
    if (res.status === 204 || res.status === 304) return;
    if (!/^application\/scim\+json(;|$)/.test(res.headers['content-type'] ?? '')) fail('not application/scim+json');
    const body = res.body;
    if (!isObject(body)) return fail('the body is not a JSON object');
    if (res.status >= 400) {
      if (!Array.isArray(body.schemas) || body.schemas.length !== 1 || body.schemas[0] !== SCIM_ERROR)
        fail('schemas is not [Error URN]');
      if (body.status !== String(res.status)) fail('status is not the HTTP status as a string');
      if (body.scimType !== undefined && !SCIM_TYPES.has(body.scimType as string))
        fail('scimType is not an RFC 7644 value');
      if (body.detail !== undefined && typeof body.detail !== 'string') fail('detail is not a string');
      const extra = Object.keys(body).filter((k) => !['schemas', 'status', 'scimType', 'detail'].includes(k));
      if (extra.length > 0) fail(`unexpected error attributes ${extra.join(', ')}`);
    } else if (res.status < 200 || res.status >= 300) {
      fail('an unexpected status');
    }
  }

  function assertListResponse(res: Reply, request: string): Doc[] {
    const body = res.body as Doc;
    const fail = (why: string): never => {
      throw new Error(`${why}\n  request: ${request}\n  answer: ${res.status} ${res.text.slice(0, 1000)}`);
    };
    if (res.status !== 200) fail('not 200');
    if (!Array.isArray(body.schemas) || body.schemas[0] !== SCIM_LIST) fail('not a ListResponse');
    const resources = body.Resources;
    if (!Array.isArray(resources)) return fail('Resources is not an array');
    if (!Number.isInteger(body.totalResults) || (body.totalResults as number) < 0) fail('totalResults is not a count');
    if (body.itemsPerPage !== resources.length) fail('itemsPerPage is not the page size');
    if (resources.length > 200 || resources.length > (body.totalResults as number)) fail('more Resources than allowed');
    if (!Number.isInteger(body.startIndex) || (body.startIndex as number) < 1) fail('startIndex is not 1-based');
    for (const r of resources) {
      if (!isObject(r) || typeof r.id !== 'string' || !Array.isArray(r.schemas))
        fail('a resource without id or schemas');
    }
    return resources as Doc[];
  }

  async function listAll(resource: '/Users' | '/Groups'): Promise<Doc[]> {
    const res = await send('GET', `${resource}?count=200`);
    const all = assertListResponse(res, `GET ${resource}`);
    expect((res.body as Doc).totalResults).toBe(all.length); // the oracles need every resource on one page
    return all;
  }

  const uniqueName = () => `fz${Date.now().toString(36)}${(fresh++).toString(36)}`;
  /** Placeholders in generated bodies, replaced by fresh names at send time (so creations can succeed). */
  const FRESH = '@@fresh@@';
  const FRESH_EMAIL = '@@fresh-email@@';
  function fillFresh(body: Body): Body {
    if (Buffer.isBuffer(body.data) || !body.data.includes('@@fresh')) return body;
    const name = uniqueName();
    return new Body(body.data.replaceAll(FRESH_EMAIL, `${name}@example.com`).replaceAll(FRESH, name));
  }

  beforeAll(async () => {
    w = await openScimWorld();
    const users: Doc[] = [
      {
        userName: 'alice@example.com',
        displayName: 'Alice Smith',
        name: { givenName: 'Alice', familyName: 'Smith' },
        externalId: 'ext-A1',
      },
      {
        userName: 'bob',
        emails: [{ value: 'bob@corp.example.org', type: 'home' }],
        externalId: 'EXT-b2',
        active: false,
        name: { formatted: 'Bob B.' },
      },
      {
        userName: 'Carol.Jones@Example.com',
        displayName: 'carol',
        externalId: '',
        name: { givenName: 'Carol', familyName: 'Jones' },
      },
      {
        userName: 'dave-x',
        emails: [{ value: 'dave@example.net', type: 'other', primary: true }],
        displayName: 'Dave',
        active: true,
      },
      { userName: 'erin@example.com', name: { familyName: 'Erin' }, externalId: 'ext-e5', active: 'False' },
      {
        userName: 'Frank_Z',
        emails: [{ value: 'FRANK@Example.COM', type: 'work' }],
        displayName: 'Frank Zappa',
        name: { givenName: 'frank' },
      },
    ];
    for (const u of users) {
      const res = await json('POST', '/Users', { schemas: [SCIM_USER], ...u });
      expect(res.status).toBe(201);
      fixtures.push({ id: (res.body as Doc).id as string, userName: u.userName as string });
    }
    for (let i = 0; i < 3; i++) {
      const res = await json('POST', '/Users', {
        schemas: [SCIM_USER],
        userName: `target${i}@example.com`,
        name: { givenName: `T${i}` },
        externalId: `target-${i}`,
      });
      expect(res.status).toBe(201);
      targetUsers.push((res.body as Doc).id as string);
    }
    for (let i = 0; i < 2; i++) {
      const members = [...targetUsers, fixtures[i].id].map((value) => ({ value }));
      const res = await json('POST', '/Groups', {
        schemas: [SCIM_GROUP],
        displayName: `Target Group ${i}`,
        externalId: `tg-${i}`,
        members,
      });
      expect(res.status).toBe(201);
      targetGroups.push((res.body as Doc).id as string);
    }
    for (const g of [
      { displayName: 'Empty Group' },
      {
        displayName: 'Ops',
        externalId: 'OPS-1',
        members: [fixtures[2].id, fixtures[3].id].map((value) => ({ value })),
      },
      { displayName: 'ops-team-2', members: [{ value: fixtures[4].id }] },
    ]) {
      const res = await json('POST', '/Groups', { schemas: [SCIM_GROUP], ...g });
      expect(res.status).toBe(201);
    }
    initialMembers = await orgMemberCount();
    initialGroups = await orgGroupCount();
    created.users = 0;
    created.groups = 0;
  }, 60_000);
  afterAll(async () => {
    // SCIM_PROPERTY_STATS=1: how the answers spread over statuses (are the generators reaching past validation?).
    if (process.env.SCIM_PROPERTY_STATS) console.log(JSON.stringify(tally, null, 1));
    await closeWorld(w?.t, w?.db);
  });

  async function orgMemberCount(): Promise<number> {
    const { rows } = await w.db.query(
      'SELECT count(*)::int AS n FROM organization_members WHERE organization_id = $1',
      [w.owner.orgId],
    );
    return rows[0].n as number;
  }

  async function orgGroupCount(): Promise<number> {
    const { rows } = await w.db.query('SELECT count(*)::int AS n FROM groups WHERE organization_id = $1', [
      w.owner.orgId,
    ]);
    return rows[0].n as number;
  }

  // -------------------------------------------------------------------------------------------
  // Positive properties first, on the fixture data (ASCII, so JavaScript's case folding and
  // ordering are PostgreSQL's).
  // -------------------------------------------------------------------------------------------

  describe('typed filters match an in-memory evaluation of the same filter', () => {
    type Leaf =
      | { kind: 'str'; attr: string; op: string; value: string | null }
      | { kind: 'pr'; attr: string }
      | { kind: 'bool'; attr: string; op: 'eq' | 'ne'; value: boolean; text: string }
      | { kind: 'date'; attr: string; op: string; value: string };
    type Node =
      | Leaf
      | { kind: 'and' | 'or'; left: Node; right: Node }
      | { kind: 'not'; expr: Node }
      | { kind: 'values'; inner: Node };

    interface Shape {
      resource: '/Users' | '/Groups';
      /** Single-valued string attributes, and those of the multi-valued attribute (`members`). */
      strings: string[];
      booleans: string[];
      /** The multi-valued attribute of value paths, its string and boolean sub-attributes. */
      multi: string;
      subs: string[];
      subBooleans: string[];
    }
    const USERS: Shape = {
      resource: '/Users',
      strings: [
        'userName',
        'displayName',
        'externalId',
        'emails',
        'emails.value',
        'emails.type',
        'name.givenName',
        'name.familyName',
        'name.formatted',
        'id',
      ],
      booleans: ['active', 'emails.primary'],
      multi: 'emails',
      subs: ['value', 'type'],
      subBooleans: ['primary'],
    };
    const GROUPS: Shape = {
      resource: '/Groups',
      strings: ['displayName', 'externalId', 'id', 'members', 'members.value', 'members.display'],
      booleans: [],
      multi: 'members',
      subs: ['value', 'display'],
      subBooleans: [],
    };
    const CASE_EXACT = new Set(['externalId']);

    /**
     * The values an attribute has on a resource as the server stores it: a user has one email
     * (a single row, so `ne` holds when it is unset), a group any number of members (EXISTS:
     * no member, no match).
     */
    function valuesOf(r: Doc, attr: string): { multi: boolean; values: unknown[] } {
      const [name, sub] = attr.split('.');
      if (name === 'members')
        return { multi: true, values: ((r.members as Doc[] | undefined) ?? []).map((m) => m[sub ?? 'value']) };
      if (name === 'emails') return { multi: false, values: [(r.emails as Doc[] | undefined)?.[0]?.[sub ?? 'value']] };
      const top = r[name];
      return { multi: false, values: [sub ? (isObject(top) ? top[sub] : undefined) : top] };
    }

    function leafHolds(leaf: Leaf, raw: unknown): boolean {
      switch (leaf.kind) {
        case 'pr':
          return raw !== undefined && raw !== null && raw !== '';
        case 'bool': {
          if (raw === undefined || raw === null) return leaf.op === 'ne';
          return leaf.op === 'eq' ? raw === leaf.value : raw !== leaf.value;
        }
        case 'date': {
          const v = Date.parse(raw as string);
          const e = Date.parse(leaf.value);
          return { eq: v === e, ne: v !== e, gt: v > e, ge: v >= e, lt: v < e, le: v <= e }[leaf.op]!;
        }
        case 'str': {
          const absent = raw === undefined || raw === null;
          if (leaf.value === null) return leaf.op === 'eq' ? absent : !absent;
          if (absent) return leaf.op === 'ne';
          const exact = CASE_EXACT.has(leaf.attr);
          // eslint-disable-next-line @typescript-eslint/no-base-to-string -- string attributes hold scalars (checked absent above)
          const a = exact ? String(raw) : String(raw).toLowerCase();
          const e = exact ? leaf.value : leaf.value.toLowerCase();
          return {
            eq: a === e,
            ne: a !== e,
            co: a.includes(e),
            sw: a.startsWith(e),
            ew: a.endsWith(e),
            gt: a > e,
            ge: a >= e,
            lt: a < e,
            le: a <= e,
          }[leaf.op]!;
        }
      }
    }

    /** `item`: inside a value path, the one value its sub-attributes are read from. */
    function evalNode(node: Node, r: Doc, shape: Shape, item?: Doc): boolean {
      switch (node.kind) {
        case 'and':
          return evalNode(node.left, r, shape, item) && evalNode(node.right, r, shape, item);
        case 'or':
          return evalNode(node.left, r, shape, item) || evalNode(node.right, r, shape, item);
        case 'not':
          return !evalNode(node.expr, r, shape, item);
        case 'values':
          return ((r[shape.multi] as Doc[] | undefined) ?? []).some((value) => evalNode(node.inner, r, shape, value));
        default: {
          if (item) return leafHolds(node, item[node.attr]);
          if (node.kind === 'date') return leafHolds(node, (r.meta as Doc)[node.attr.split('.')[1]]);
          const { multi, values } = valuesOf(r, node.attr);
          return multi ? values.some((v) => leafHolds(node, v)) : leafHolds(node, values[0]);
        }
      }
    }

    function render(node: Node, mixed: (s: string) => string, multi: string): string {
      switch (node.kind) {
        case 'and':
        case 'or':
          return `(${render(node.left, mixed, multi)} ${mixed(node.kind)} ${render(node.right, mixed, multi)})`;
        case 'not':
          return `${mixed('not')} (${render(node.expr, mixed, multi)})`;
        case 'values':
          return `${mixed(multi)}[${render(node.inner, mixed, multi)}]`;
        case 'pr':
          return `${mixed(node.attr)} ${mixed('pr')}`;
        case 'bool':
          return `${mixed(node.attr)} ${mixed(node.op)} ${node.text}`;
        case 'date':
          return `${mixed(node.attr)} ${mixed(node.op)} ${JSON.stringify(node.value)}`;
        case 'str':
          return `${mixed(node.attr)} ${mixed(node.op)} ${node.value === null ? mixed('null') : JSON.stringify(node.value)}`;
      }
    }

    async function checkOracle(shape: Shape): Promise<void> {
      const all = await listAll(shape.resource);
      const strings = all
        .flatMap((r) => shape.strings.flatMap((a) => valuesOf(r, a).values))
        .filter((v): v is string => typeof v === 'string');
      const stringPool = [
        ...new Set([
          ...strings.flatMap((v) => [v, v.slice(0, 3), v.slice(-4), v.toUpperCase()]),
          '',
          'a',
          'e',
          '@',
          '.com',
          'example',
          'zzz',
          'Z',
          '0',
          '-',
          'work',
          'HOME',
          'T',
        ]),
      ];
      const dates = all.flatMap((r) => [(r.meta as Doc).created as string, (r.meta as Doc).lastModified as string]);
      const datePool = [
        ...dates,
        ...dates.map((d) => new Date(Date.parse(d) + 1).toISOString()),
        ...dates.map((d) => new Date(Date.parse(d) - 1).toISOString()),
        '2000-01-01T00:00:00Z',
        '2999-01-01T00:00:00.000Z',
      ];

      const leaf = (strs: string[], bools: string[], withDates: boolean): fc.Arbitrary<Node> => {
        const leaves: fc.Arbitrary<Node>[] = [
          fc.record({
            kind: fc.constant('str' as const),
            attr: fc.constantFrom(...strs),
            op: fc.constantFrom(...OPS),
            value: fc.constantFrom(...stringPool),
          }),
          fc.record({
            kind: fc.constant('str' as const),
            attr: fc.constantFrom(...strs),
            op: fc.constantFrom('eq', 'ne'),
            value: fc.constant(null),
          }),
          fc.record({ kind: fc.constant('pr' as const), attr: fc.constantFrom(...strs) }),
        ];
        if (bools.length > 0) {
          leaves.push(
            fc
              .tuple(
                fc.constantFrom(...bools),
                fc.constantFrom('eq' as const, 'ne' as const),
                fc.boolean(),
                fc.boolean(),
              )
              .map(([attr, o, value, quoted]) => ({
                kind: 'bool' as const,
                attr,
                op: o,
                value,
                text: quoted ? JSON.stringify(value ? 'True' : 'False') : String(value),
              })),
          );
        }
        if (withDates) {
          leaves.push(
            fc.record({
              kind: fc.constant('date' as const),
              attr: fc.constantFrom('meta.created', 'meta.lastModified'),
              op: fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'),
              value: fc.constantFrom(...datePool),
            }),
          );
        }
        return fc.oneof(...leaves);
      };
      const inner = fc.letrec<{ node: Node }>((tie) => ({
        node: fc.oneof(
          { depthSize: 'small', maxDepth: 3 },
          leaf(shape.subs, shape.subBooleans, false),
          fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
          fc.record({ kind: fc.constant('not' as const), expr: tie('node') }),
        ),
      })).node;
      const tree = fc.letrec<{ node: Node }>((tie) => ({
        node: fc.oneof(
          { depthSize: 'small', maxDepth: 4 },
          weighted(4, leaf(shape.strings, shape.booleans, true)),
          weighted(
            2,
            fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
          ),
          weighted(1, fc.record({ kind: fc.constant('not' as const), expr: tie('node') })),
          weighted(1, fc.record({ kind: fc.constant('values' as const), inner })),
        ),
      })).node;
      const mixer = fc
        .boolean()
        .chain((mix) =>
          mix
            ? fc
                .func(fc.boolean())
                .map((f) => (s: string) => [...s].map((c, i) => (f(s, i) ? c.toUpperCase() : c.toLowerCase())).join(''))
            : fc.constant((s: string) => s),
        );

      await fc.assert(
        fc.asyncProperty(tree, mixer, fc.boolean(), async (node, mixed, viaSearch) => {
          const filter = render(node, mixed, shape.multi);
          const request = `${shape.resource} filter=${filter}`;
          const res = viaSearch
            ? await json('POST', `${shape.resource}/.search`, { schemas: [SEARCH], filter, count: 200 })
            : await send(
                'GET',
                `${shape.resource}?${queryString([
                  ['filter', filter],
                  ['count', '200'],
                ])}`,
              );
          assertScimAnswer(res, request);
          const got = assertListResponse(res, request)
            .map((r) => r.id as string)
            .sort();
          const want = all
            .filter((r) => evalNode(node, r, shape))
            .map((r) => r.id as string)
            .sort();
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            throw new Error(`${request}\n  returned ${JSON.stringify(got)}\n  expected ${JSON.stringify(want)}`);
          }
          expect((res.body as Doc).totalResults).toBe(want.length);
        }),
        runs(0.75),
      );
    }

    it('on /Users: and/or/not trees of typed comparisons, value paths and pr', () => checkOracle(USERS), 120_000);

    it(
      'on /Groups: the same over multi-valued members (a member matches, or none does)',
      () => checkOracle(GROUPS),
      120_000,
    );
  });

  it('paging: any startIndex and count returns the matching slice of the full list', async () => {
    for (const resource of ['/Users', '/Groups'] as const) {
      const all = (await listAll(resource)).map((r) => r.id);
      const int = fc.oneof(
        fc.integer({ min: -3, max: all.length + 3 }),
        fc.integer(),
        fc.constantFrom(2_147_483_647, 2_147_483_648, -2_147_483_649),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.option(int, { nil: undefined }),
          fc.option(int, { nil: undefined }),
          fc.boolean(),
          async (startIndex, count, viaSearch) => {
            const params: [string, string][] = [];
            if (startIndex !== undefined) params.push(['startIndex', String(startIndex)]);
            if (count !== undefined) params.push(['count', String(count)]);
            const res = viaSearch
              ? await json('POST', `${resource}/.search`, { startIndex, count })
              : await send('GET', `${resource}?${queryString(params)}`);
            const request = `${resource} startIndex=${startIndex} count=${count}`;
            assertScimAnswer(res, request);
            const page = assertListResponse(res, request).map((r) => r.id);
            const start = Math.min(Math.max(startIndex ?? 1, 1), 2_147_483_647);
            const size = Math.min(Math.max(count ?? 200, 0), 200);
            expect(page).toEqual(all.slice(start - 1, start - 1 + size));
            expect((res.body as Doc).totalResults).toBe(all.length);
            expect((res.body as Doc).startIndex).toBe(start);
          },
        ),
        runs(0.5),
      );
    }
  }, 120_000);

  it('projection: attributes and excludedAttributes select what they name; id and schemas always come back', async () => {
    const TOP = {
      '/Users': ['externalId', 'userName', 'name', 'displayName', 'emails', 'active', 'groups', 'meta'],
      '/Groups': ['externalId', 'displayName', 'members', 'meta'],
    };
    const names = (resource: '/Users' | '/Groups') =>
      fc.array(fc.mixedCase(fc.constantFrom(...TOP[resource], 'id', 'schemas', 'bogus')), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom('/Users' as const, '/Groups' as const)
          .chain((resource) =>
            fc.tuple(fc.constant(resource), fc.option(names(resource), { nil: undefined }), names(resource)),
          ),
        async ([resource, include, exclude]) => {
          const params: [string, string][] = [['count', '200']];
          if (include !== undefined) params.push(['attributes', include.join(',')]);
          if (exclude.length > 0) params.push(['excludedAttributes', exclude.join(',')]);
          const request = `GET ${resource}?${queryString(params)}`;
          const res = await send('GET', `${resource}?${queryString(params)}`);
          assertScimAnswer(res, request);
          const lower = (list: string[]) => new Set(list.map((n) => n.toLowerCase()));
          const included = include === undefined ? undefined : lower(include);
          const excluded = lower(exclude);
          for (const r of assertListResponse(res, request)) {
            expect(typeof r.id).toBe('string');
            expect(r.schemas).toEqual([resource === '/Users' ? SCIM_USER : SCIM_GROUP]);
            for (const key of Object.keys(r)) {
              if (key === 'id' || key === 'schemas') continue;
              if (included && !included.has(key.toLowerCase()))
                throw new Error(`${request}: ${key} returned though not asked for`);
              if (excluded.has(key.toLowerCase())) throw new Error(`${request}: ${key} returned though excluded`);
            }
          }
        },
      ),
      runs(0.5),
    );
  }, 120_000);

  it('a well-formed `userName eq` filter finds exactly the user created with that userName', async () => {
    const suffix = fc
      .string({ unit: 'binary', maxLength: 40 })
      .filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s));
    const flips = fc.func(fc.boolean());
    await fc.assert(
      fc.asyncProperty(suffix, flips, fc.boolean(), async (tail, flip, viaSearch) => {
        const name = uniqueName();
        const userName = `${name}-${tail}`;
        const create = await json('POST', '/Users', {
          schemas: [SCIM_USER],
          userName,
          emails: [{ value: `${name}@example.com`, primary: true }],
        });
        assertScimAnswer(create, `POST /Users userName=${JSON.stringify(userName)}`);
        expect(create.status).toBe(201);
        const id = (create.body as Doc).id as string;
        expect((create.body as Doc).userName).toBe(userName);
        // ASCII letters in any case (userName is caseExact false); other characters as they are.
        const variant = [...userName]
          .map((c, i) =>
            /[a-z]/i.test(c) && flip(userName, i) ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c,
          )
          .join('');
        const attr = flip('attr', 0) ? 'USERNAME' : `${SCIM_USER}:userName`;
        const filter = `${attr} ${flip('op', 1) ? 'Eq' : 'eq'} ${JSON.stringify(variant)}`;
        const res = viaSearch
          ? await json('POST', '/Users/.search', { filter })
          : await send('GET', `/Users?${queryString([['filter', filter]])}`);
        assertScimAnswer(res, `filter=${filter}`);
        const found = assertListResponse(res, `filter=${filter}`);
        expect(found.map((r) => r.id)).toEqual([id]);
        expect(found[0].userName).toBe(userName);
        expect((res.body as Doc).totalResults).toBe(1);
      }),
      runs(0.75),
    );
  }, 120_000);

  it('a group is found by its displayName and by the meta times it was answered with', async () => {
    const tail = fc
      .string({ unit: 'binary', maxLength: 30 })
      .filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s));
    const timeFilter = fc.constantFrom(
      (m: Doc) => `meta.created eq ${JSON.stringify(m.created)}`,
      (m: Doc) => `meta.lastModified eq ${JSON.stringify(m.lastModified)}`,
      (m: Doc) => `meta.lastModified ge ${JSON.stringify(m.lastModified)}`,
      (m: Doc) => `not (meta.lastModified gt ${JSON.stringify(m.lastModified)})`,
      (m: Doc) => `meta.created le ${JSON.stringify(m.created)}`,
    );
    await fc.assert(
      fc.asyncProperty(tail, timeFilter, fc.boolean(), async (suffix, time, viaSearch) => {
        const displayName = `${uniqueName()} ${suffix}`;
        const create = await json('POST', '/Groups', {
          schemas: [SCIM_GROUP],
          displayName,
          members: [{ value: targetUsers[0] }],
        });
        assertScimAnswer(create, `POST /Groups displayName=${JSON.stringify(displayName)}`);
        expect(create.status).toBe(201);
        const group = create.body as Doc;
        expect(group.displayName).toBe(displayName);
        // displayName is not caseExact: ASCII letters in upper case still match.
        const filter = `displayName eq ${JSON.stringify(displayName.replace(/[a-z]/g, (c) => c.toUpperCase()))} and ${time(group.meta as Doc)}`;
        const res = viaSearch
          ? await json('POST', '/Groups/.search', { filter })
          : await send('GET', `/Groups?${queryString([['filter', filter]])}`);
        assertScimAnswer(res, `filter=${filter}`);
        expect(assertListResponse(res, `filter=${filter}`).map((r) => r.id)).toEqual([group.id]);
      }),
      runs(0.25),
    );
  }, 120_000);

  // -------------------------------------------------------------------------------------------
  // Robustness: random and malformed input never makes a 5xx or an error outside the schema.
  // -------------------------------------------------------------------------------------------

  it('GET /Users and /Groups with random filters and list parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/Users', '/Groups'),
        fc.constantFrom('/scim/v2', '/api/v2/scim/v2'),
        filterText,
        fc.array(queryParam, { maxLength: 5 }),
        async (resource, mount, filter, params) => {
          const query = queryString([['filter', filter], ...params]);
          const res = await send('GET', `${resource}?${query}`, undefined, {}, mount);
          assertScimAnswer(res, `GET ${mount}${resource}?${query}`);
          if (res.status === 200) assertListResponse(res, `GET ${resource}?${query}`);
        },
      ),
      runs(1.5),
    );
  }, 120_000);

  it('GET /Users and /Groups with random list parameters only (repeated, negative, huge, not numbers)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/Users', '/Groups'),
        fc.array(queryParam, { maxLength: 6 }),
        async (resource, params) => {
          const query = queryString(params);
          const res = await send('GET', `${resource}?${query}`);
          assertScimAnswer(res, `GET ${resource}?${query}`);
          if (res.status === 200) assertListResponse(res, `GET ${resource}?${query}`);
        },
      ),
      runs(1),
    );
  }, 120_000);

  it('GET /Users with raw query strings (bad percent-escapes, separators, brackets)', async () => {
    const chars = fc.constantFrom(
      ...'%&=+[]?;,/azAZ09-_.~!$\'()*:@"\\{}|^`<>'.split(''),
      '%00',
      '%E0%A4%A',
      '%FF',
      '%C3%28',
      '%',
      'filter=',
      '&count=',
      'startIndex=',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/Users', '/Groups'),
        fc.string({ unit: chars, maxLength: 60 }),
        async (resource, raw) => {
          const res = await send('GET', `${resource}?${raw}`);
          assertScimAnswer(res, `GET ${resource}?${raw}`);
        },
      ),
      runs(0.5),
    );
  }, 120_000);

  it('POST /.search with random bodies', async () => {
    const searchRequest: fc.Arbitrary<Json> = objectOf(
      [
        [
          'schemas',
          fc.oneof(
            weighted(4, lit([SEARCH])),
            weighted(1, lit([SEARCH.toLowerCase(), SCIM_USER])),
            weighted(1, anyJson),
          ),
        ],
        ['filter', fc.oneof(weighted(4, filterText), weighted(1, anyJson))],
        ['startIndex', fc.oneof(fc.integer(), fc.double(), intish, anyJson)],
        ['count', fc.oneof(fc.integer(), fc.double({ noNaN: true }), intish, anyJson)],
        ['attributes', fc.oneof(attributeList, fc.array(projectionName, { maxLength: 4 }), anyJson)],
        ['excludedAttributes', fc.oneof(attributeList, fc.array(projectionName, { maxLength: 4 }), anyJson)],
        ['sortBy', scalar],
        ['sortOrder', fc.oneof(fc.constantFrom('ascending', 'descending'), scalar)],
      ],
      [fc.tuple(fc.string({ maxLength: 8 }), scalar)],
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/Users/.search', '/Groups/.search'),
        rawBodies(searchRequest, SEARCH),
        async (path, body) => {
          const res = await send('POST', path, body);
          assertScimAnswer(res, describeRequest('POST', path, body));
          if (res.status === 200) assertListResponse(res, describeRequest('POST', path, body));
        },
      ),
      runs(1),
    );
  }, 120_000);

  // Bodies for the write properties. FRESH placeholders are filled at send time.
  const knownIds = () => [...targetUsers, ...fixtures.map((f) => f.id), w.owner.userId];

  const validUser = () =>
    withMutations(
      fc.record(
        {
          schemas: fc.oneof(lit([SCIM_USER]), lit([SCIM_USER, ENTERPRISE])),
          userName: fc.constantFrom(FRESH, FRESH_EMAIL),
          name: fc.record({ givenName: safeText, familyName: safeText, formatted: safeText }, { requiredKeys: [] }),
          displayName: safeText,
          emails: fc.array(
            fc.record(
              {
                value: fc.constant(FRESH_EMAIL),
                type: fc.constantFrom('work', 'home', 'other'),
                primary: fc.constantFrom<Json>(true, false, 'True', 'False'),
              },
              { requiredKeys: ['value'] },
            ),
            { minLength: 1, maxLength: 2 },
          ),
          active: fc.constantFrom<Json>(true, false, 'True', 'False', 'true'),
          externalId: safeText,
          [ENTERPRISE]: fc.record({ employeeNumber: safeText, manager: fc.record({ value: safeText }) }),
          locale: fc.constant('en-US'),
        },
        { requiredKeys: ['userName'] },
      ),
      ['schemas', 'userName', 'name', 'displayName', 'emails', 'active', 'externalId', 'groups', 'id', 'meta'],
    );

  function userShape(): fc.Arbitrary<Json> {
    return fc.oneof(weighted(2, validUser()), weighted(1, randomUserShape()));
  }

  function randomUserShape(): fc.Arbitrary<Json> {
    return objectOf(
      [
        [
          'schemas',
          fc.oneof(
            weighted(6, lit([SCIM_USER])),
            weighted(1, lit([SCIM_USER, ENTERPRISE])),
            weighted(1, lit([])),
            weighted(1, anyJson),
          ),
        ],
        [
          'userName',
          fc.oneof(
            weighted(6, fc.constant(FRESH)),
            weighted(1, fc.constant(FRESH_EMAIL)),
            weighted(2, scalar),
            weighted(1, fc.constantFrom(...fixtures.map((f) => f.userName), 'ALICE@EXAMPLE.COM', 'admin')),
          ),
        ],
        ['name', fc.oneof(weighted(4, nameObject), weighted(1, scalar))],
        ['displayName', fc.oneof(unicodeString, scalar)],
        [
          'emails',
          fc.oneof(
            weighted(
              4,
              fc.array(
                emailItem(fc.oneof(weighted(4, fc.constant(FRESH_EMAIL)), weighted(1, email), weighted(1, scalar))),
                { maxLength: 3 },
              ),
            ),
            weighted(1, emailItem()),
            weighted(1, scalar),
          ),
        ],
        ['active', fc.oneof(fc.boolean(), fc.constantFrom('True', 'False'), scalar)],
        ['externalId', fc.oneof(unicodeString, scalar)],
        ['groups', fc.oneof(lit([]), anyJson)],
        ['password', scalar],
        ['locale', scalar],
        ['phoneNumbers', anyJson],
        [ENTERPRISE, anyJson],
        ['id', fc.oneof(fc.uuid(), scalar)],
        ['meta', anyJson],
      ],
      [fc.tuple(fc.string({ maxLength: 10 }), scalar)],
    );
  }

  const memberItem = () =>
    objectOf([
      [
        'value',
        fc.oneof(
          weighted(4, fc.constantFrom(...knownIds())),
          weighted(
            1,
            fc.constantFrom(...knownIds()).map((s) => s.toUpperCase()),
          ),
          weighted(1, fc.uuid()),
          weighted(1, scalar),
        ),
      ],
      ['type', fc.oneof(fc.constantFrom('User', 'Group', 'user'), scalar)],
      ['display', scalar],
      ['$ref', scalar],
    ]);

  const validGroup = () =>
    withMutations(
      fc.record(
        {
          schemas: fc.oneof(lit([SCIM_GROUP]), lit([SCIM_GROUP, ENTRA_GROUP])),
          displayName: fc.oneof(
            fc.constant(FRESH),
            safeText.map((t) => `${FRESH} ${t}`),
          ),
          externalId: safeText,
          members: fc.array(
            fc.record(
              { value: fc.constantFrom(...knownIds()), display: safeText, type: fc.constant('User') },
              { requiredKeys: ['value'] },
            ) as fc.Arbitrary<Json>,
            { maxLength: 5 },
          ),
        },
        { requiredKeys: ['displayName'] },
      ),
      ['schemas', 'displayName', 'externalId', 'members', 'id', 'meta'],
    );

  function groupShape(): fc.Arbitrary<Json> {
    return fc.oneof(weighted(2, validGroup()), weighted(1, randomGroupShape()));
  }

  function randomGroupShape(): fc.Arbitrary<Json> {
    return objectOf(
      [
        [
          'schemas',
          fc.oneof(weighted(6, lit([SCIM_GROUP])), weighted(1, lit([SCIM_GROUP, ENTRA_GROUP])), weighted(1, anyJson)),
        ],
        [
          'displayName',
          fc.oneof(
            weighted(5, fc.constant(FRESH)),
            weighted(2, scalar),
            weighted(1, fc.constantFrom('Target Group 0', 'target group 1', 'Everyone', 'everyone', 'Empty Group')),
          ),
        ],
        ['externalId', fc.oneof(unicodeString, scalar)],
        [
          'members',
          fc.oneof(
            weighted(4, fc.array(memberItem(), { maxLength: 6 })),
            weighted(1, memberItem()),
            weighted(1, scalar),
            weighted(1, hugeMembers()),
          ),
        ],
        ['id', fc.oneof(fc.uuid(), scalar)],
        ['meta', anyJson],
      ],
      [fc.tuple(fc.string({ maxLength: 10 }), scalar)],
    );
  }

  /** Member lists around the 10,000 limit (ids repeat: the body stays under 1 MiB). */
  const hugeMembers = (): fc.Arbitrary<Json> =>
    fc
      .constantFrom(9_999, 10_000, 10_001, 12_000)
      .map((n) => Array.from({ length: n }, (_, i) => ({ value: knownIds()[i % knownIds().length] })));

  it('POST /Users and /Groups with random bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constant('/Users'), rawBodies(userShape(), SCIM_USER)),
          fc.tuple(fc.constant('/Groups'), rawBodies(groupShape(), SCIM_GROUP)),
        ),
        fc.constantFrom(
          'application/scim+json',
          'application/scim+json',
          'application/json',
          'text/plain',
          'application/scim+json; charset=utf-8',
          'application/json; charset=latin1',
          '',
        ),
        async ([path, template], contentType) => {
          const body = fillFresh(template);
          const res = await send('POST', path, body, { 'Content-Type': contentType });
          assertScimAnswer(res, describeRequest('POST', path, body));
          if (res.status === 201)
            expect((res.body as Doc).schemas).toEqual([path === '/Users' ? SCIM_USER : SCIM_GROUP]);
        },
      ),
      runs(1),
    );
  }, 120_000);

  const USER_PATHS = [
    'userName',
    'active',
    'displayName',
    'externalId',
    'name',
    'name.givenName',
    'name.familyName',
    'name.formatted',
    'name.middleName',
    'emails',
    'emails.value',
    'emails.type',
    'emails.primary',
    'emails.display',
    'emails[type eq "work"]',
    'emails[type eq "work"].value',
    'emails[primary eq true].value',
    'emails[primary eq "True"].type',
    'emails[value co "@"]',
    'emails[type eq "work" and value co "@x"]',
    'emails[type eq "home"].value',
    'emails[not (type eq "work")].type',
    'emails[value pr]',
    'emails[bogus eq 1]',
    'emails[type gt true]',
    'groups',
    'groups[value eq "x"]',
    'meta',
    'meta.created',
    'id',
    'schemas',
    'title',
    'phoneNumbers[type eq "work"].value',
    'addresses',
    `${SCIM_USER}:displayName`,
    `${SCIM_USER}:name.givenName`,
    `${SCIM_USER}:emails[type eq "work"].value`,
    `${ENTERPRISE}:employeeNumber`,
    `${ENTERPRISE}:manager.value`,
    ENTERPRISE,
    SCIM_USER,
    'urn:foo:bar',
    'urn:',
    'members',
    'displayName.x',
    'name[givenName eq "x"]',
    'emails[type eq "work"',
    'emails]',
    'emails[]',
    'emails[type eq "work"][value eq "x"]',
    'emails[type eq "work"].value.x',
    ' ',
    '',
  ];

  const groupPaths = () => [
    'displayName',
    'externalId',
    'members',
    'members.value',
    'members.display',
    'members.type',
    ...knownIds()
      .slice(0, 3)
      .flatMap((id) => [
        `members[value eq "${id}"]`,
        `members[value eq "${id.toUpperCase()}"].display`,
        `members[value eq "${id}"].value`,
      ]),
    'members[display sw "t"]',
    'members[type eq "User"]',
    `members[value ne "${targetUsers[0]}"]`,
    'members[value eq 1]',
    'members[value gt "0"]',
    `${SCIM_GROUP}:displayName`,
    `${SCIM_GROUP}:members`,
    `${ENTRA_GROUP}:foo`,
    ENTRA_GROUP,
    SCIM_GROUP,
    'id',
    'meta',
    'schemas',
    'userName',
    'members[',
  ];

  function patchBodies(kind: 'user' | 'group'): fc.Arbitrary<Body> {
    const known = kind === 'user' ? USER_PATHS : groupPaths();
    const multi = kind === 'user' ? ['emails', 'groups'] : ['members'];
    const path = fc.oneof(
      weighted(
        8,
        fc.oneof(weighted(4, fc.constantFrom(...known)), weighted(1, fc.mixedCase(fc.constantFrom(...known)))),
      ),
      weighted(
        2,
        fc
          .tuple(
            fc.mixedCase(fc.constantFrom(...multi)),
            innerFilter,
            fc.option(fc.constantFrom('value', 'type', 'primary', 'display', 'bogus'), { nil: undefined }),
          )
          .map(([a, f, s]) => `${a}[${f}]${s ? `.${s}` : ''}`),
      ),
      weighted(1, mutated(fc.constantFrom(...known))),
      weighted(1, fc.string({ unit: 'binary', maxLength: 20 })),
      weighted(1, anyJson),
    );
    const pathKeyed = (entries: fc.Arbitrary<[string, Json]>) =>
      fc.array(entries, { maxLength: 4 }).map((kvs) => Object.fromEntries(kvs));
    const value: fc.Arbitrary<Json> = fc.oneof(
      weighted(4, scalar),
      weighted(2, anyJson),
      weighted(2, fc.array(emailItem(), { maxLength: 3 })),
      weighted(1, emailItem()),
      weighted(2, fc.array(memberItem(), { maxLength: 5 })),
      weighted(1, memberItem()),
      weighted(1, nameObject),
      weighted(
        3,
        pathKeyed(
          fc.tuple(
            fc.oneof(fc.constantFrom(...known), fc.mixedCase(fc.constantFrom(...known)), fc.string({ maxLength: 8 })),
            fc.oneof(
              scalar,
              nameObject,
              fc.array(emailItem(), { maxLength: 2 }),
              fc.array(memberItem(), { maxLength: 3 }),
            ),
          ),
        ),
      ),
      weighted(
        1,
        objectOf([[kind === 'user' ? SCIM_USER : SCIM_GROUP, pathKeyed(fc.tuple(fc.constantFrom(...known), scalar))]]),
      ),
      weighted(1, hugeMembers()),
      weighted(
        1,
        fc
          .constantFrom(10_001, 9_000)
          .map((n) => Array.from({ length: n }, (_, i) => ({ value: `u${i}@example.com`, type: 'work' }))),
      ),
    );
    const operation = objectOf([
      [
        'op',
        fc.oneof(
          weighted(8, fc.mixedCase(fc.constantFrom('add', 'replace', 'remove'))),
          weighted(1, fc.constantFrom('move', 'copy', 'test', '', ' add', 'Add ')),
          weighted(1, anyJson),
        ),
      ],
      ['path', path],
      ['value', value],
    ]);
    const plausible = kind === 'user' ? plausibleUserOp() : plausibleGroupOp();
    const operations = fc.oneof(
      weighted(8, fc.array(plausible, { minLength: 1, maxLength: 4 })),
      weighted(6, fc.array(fc.oneof(weighted(2, plausible), weighted(1, operation)), { minLength: 1, maxLength: 4 })),
      weighted(4, fc.array(operation, { minLength: 1, maxLength: 4 })),
      weighted(1, lit([])),
      weighted(1, anyJson),
      weighted(1, operation),
    );
    const envelope = fc.record(
      {
        schemas: fc.oneof(weighted(6, lit([SCIM_PATCH])), weighted(1, lit([SCIM_PATCH.toUpperCase()]))),
        Operations: operations,
      },
      { requiredKeys: ['Operations'] },
    ) as fc.Arbitrary<{
      [key: string]: Json;
    }>;
    const patchOp = fc.oneof(weighted(3, envelope), weighted(1, withMutations(envelope, ['schemas', 'Operations'])));
    const legacy = objectOf([
      ['schemas', fc.oneof(lit([SCIM_USER]), anyJson)],
      ['active', fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true'), scalar)],
      ['userName', scalar],
    ]);
    return fc.oneof(
      weighted(12, rawBodies(patchOp, kind === 'user' ? SCIM_USER : SCIM_GROUP)),
      weighted(
        1,
        legacy.map((v) => new Body(JSON.stringify(v))),
      ),
      weighted(
        1,
        fc
          .tuple(
            fc.integer({ min: 2, max: 20_000 }),
            fc.constantFrom(kind === 'user' ? SCIM_USER : SCIM_GROUP, 'name', 'a'),
          )
          .map(
            ([n, key]) =>
              new Body(
                `{"schemas":["${SCIM_PATCH}"],"Operations":[{"op":"add","value":${nestedJson(`{"${key}":`, n)}}]}`,
              ),
          ),
      ),
    );
  }

  const opName = (...names: string[]) =>
    fc.oneof(weighted(4, fc.constantFrom(...names)), weighted(1, fc.mixedCase(fc.constantFrom(...names))));
  const op = (
    name: fc.Arbitrary<string>,
    path: fc.Arbitrary<string> | undefined,
    value: fc.Arbitrary<Json> | undefined,
  ): fc.Arbitrary<Json> =>
    fc.tuple(name, path ?? fc.constant(undefined), value ?? fc.constant(undefined)).map(([o, p, v]) => {
      const out: { [key: string]: Json } = { op: o };
      if (p !== undefined) out.path = p;
      if (v !== undefined) out.value = v;
      return out;
    });

  /** Operations as Okta and Entra send them, with valid values (they usually succeed). */
  function plausibleUserOp(): fc.Arbitrary<Json> {
    const bool = fc.constantFrom<Json>(true, false, 'True', 'False');
    return fc.oneof(
      op(
        opName('replace', 'add'),
        fc.constantFrom(
          'displayName',
          'name.givenName',
          'name.familyName',
          'name.formatted',
          'externalId',
          'title',
          `${ENTERPRISE}:department`,
        ),
        safeText,
      ),
      op(opName('replace'), fc.constant('active'), bool),
      op(
        opName('replace', 'add'),
        fc.constantFrom(
          'emails[type eq "work"].value',
          'emails[primary eq true].value',
          `${SCIM_USER}:emails[type eq "work"].value`,
        ),
        fc.constant(FRESH_EMAIL),
      ),
      op(opName('replace'), fc.constant('emails'), fc.constant([{ value: FRESH_EMAIL, type: 'work', primary: true }])),
      op(
        opName('replace', 'add'),
        fc.constant('name'),
        fc.record({ givenName: safeText, familyName: safeText }, { requiredKeys: [] }) as fc.Arbitrary<Json>,
      ),
      op(
        opName('remove'),
        fc.constantFrom(
          'name.givenName',
          'name.familyName',
          'externalId',
          'displayName',
          'title',
          'name',
          `${ENTERPRISE}:manager`,
        ),
        undefined,
      ),
      op(
        opName('replace', 'add'),
        undefined,
        fc.record(
          {
            active: bool,
            displayName: safeText,
            'name.givenName': safeText,
            'name.familyName': safeText,
            'emails[type eq "work"].value': fc.constant(FRESH_EMAIL),
            externalId: safeText,
            [SCIM_USER]: fc.record({ displayName: safeText }),
            [`${ENTERPRISE}:employeeNumber`]: safeText,
          },
          { requiredKeys: [] },
        ) as fc.Arbitrary<Json>,
      ),
    );
  }

  function plausibleGroupOp(): fc.Arbitrary<Json> {
    const member = fc.constantFrom(...knownIds());
    const members = fc.array(
      member.map((value) => ({ value })),
      { minLength: 1, maxLength: 4 },
    ) as fc.Arbitrary<Json>;
    return fc.oneof(
      op(opName('add'), fc.constant('members'), members),
      op(
        opName('add'),
        fc.constant('members'),
        member.map((value) => ({ value, display: 'x' })),
      ),
      op(opName('replace'), fc.constant('members'), members),
      op(opName('remove'), fc.constant('members'), members),
      op(
        opName('remove'),
        member.map((id) => `members[value eq "${id}"]`),
        undefined,
      ),
      op(
        opName('replace'),
        fc.constant('displayName'),
        fc.oneof(
          fc.constant(FRESH),
          safeText.map((t) => `${FRESH} ${t}`),
        ),
      ),
      op(opName('replace', 'add'), fc.constant('externalId'), safeText),
      op(opName('remove'), fc.constant('externalId'), undefined),
      op(
        opName('replace'),
        undefined,
        fc.record(
          { displayName: fc.constant(FRESH), externalId: safeText, id: fc.uuid() },
          { requiredKeys: [] },
        ) as fc.Arbitrary<Json>,
      ),
    );
  }

  /** If-Match: none, the current version (alone or in a list), `*`, or tags that match nothing. */
  const precondition = fc.option(
    fc.constantFrom('current', 'current-in-list', '*', 'W/"bogus"', '"bogus"', 'W/', ',', 'garbage"'),
    { nil: undefined, freq: 3 },
  );
  const MATCHING = new Set(['current', 'current-in-list', '*']);

  async function ifMatch(
    kind: string | undefined,
    resource: '/Users' | '/Groups',
    id: string,
  ): Promise<Record<string, string>> {
    if (kind === undefined) return {};
    if (!kind.startsWith('current')) return { 'If-Match': kind };
    const tag = (await send('GET', `${resource}/${encodeURIComponent(id)}`)).headers.etag ?? '"no-such-resource"';
    return { 'If-Match': kind === 'current' ? tag : `"other", ${tag}` };
  }

  /** A write with a matching If-Match is never refused for it; one with a tag that matches nothing never succeeds. */
  function assertPrecondition(kind: string | undefined, res: Reply, request: string): void {
    if (kind === undefined) return;
    if (MATCHING.has(kind) ? res.status === 412 : res.status < 300) {
      throw new Error(
        `If-Match ${kind} answered ${res.status}\n  request: ${request}\n  answer: ${res.text.slice(0, 500)}`,
      );
    }
  }

  const targetId = (ids: () => string[]) =>
    fc.oneof(
      weighted(12, fc.constantFrom(...ids())),
      weighted(
        2,
        fc.constantFrom(...ids()).map((id) => id.toUpperCase()),
      ),
      weighted(1, fc.uuid()),
      weighted(
        1,
        fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', w.owner.orgId, 'x'.repeat(300)),
      ),
    );

  /** After a successful write, the answer is what a GET returns (the stored state). */
  async function assertStored(resource: '/Users' | '/Groups', res: Reply, request: string): Promise<void> {
    if (res.status !== 200) return;
    const id = (res.body as Doc).id as string;
    const get = await send('GET', `${resource}/${id}`);
    assertScimAnswer(get, `GET ${resource}/${id}`);
    if (JSON.stringify(get.body) !== JSON.stringify(res.body)) {
      throw new Error(
        `the answer to a write is not what is stored\n  request: ${request}\n  answer: ${res.text}\n  GET: ${get.text}`,
      );
    }
    expect(get.headers.etag).toBe(res.headers.etag);
  }

  it('PATCH /Users/{id} with random PatchOps', async () => {
    await fc.assert(
      fc.asyncProperty(
        targetId(() => targetUsers),
        patchBodies('user'),
        precondition,
        async (id, template, tag) => {
          const body = fillFresh(template);
          const res = await send('PATCH', `/Users/${encodeURIComponent(id)}`, body, await ifMatch(tag, '/Users', id));
          const request = describeRequest('PATCH', `/Users/${id}`, body);
          assertScimAnswer(res, request);
          assertPrecondition(tag, res, request);
          await assertStored('/Users', res, request);
        },
      ),
      runs(1),
    );
  }, 120_000);

  it('PATCH /Groups/{id} with random PatchOps', async () => {
    await fc.assert(
      fc.asyncProperty(
        targetId(() => targetGroups),
        patchBodies('group'),
        precondition,
        async (id, template, tag) => {
          const body = fillFresh(template);
          const res = await send('PATCH', `/Groups/${encodeURIComponent(id)}`, body, await ifMatch(tag, '/Groups', id));
          const request = describeRequest('PATCH', `/Groups/${id}`, body);
          assertScimAnswer(res, request);
          assertPrecondition(tag, res, request);
          await assertStored('/Groups', res, request);
        },
      ),
      runs(1),
    );
  }, 120_000);

  it('PUT /Users/{id} and /Groups/{id} with random bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(
            fc.constant('/Users' as const),
            targetId(() => targetUsers),
            rawBodies(userShape(), SCIM_USER),
          ),
          fc.tuple(
            fc.constant('/Groups' as const),
            targetId(() => targetGroups),
            rawBodies(groupShape(), SCIM_GROUP),
          ),
        ),
        precondition,
        async ([resource, id, template], tag) => {
          const body = fillFresh(template);
          const res = await send(
            'PUT',
            `${resource}/${encodeURIComponent(id)}`,
            body,
            await ifMatch(tag, resource, id),
          );
          const request = describeRequest('PUT', `${resource}/${id}`, body);
          assertScimAnswer(res, request);
          assertPrecondition(tag, res, request);
          await assertStored(resource, res, request);
        },
      ),
      runs(1),
    );
  }, 120_000);

  it('resource ids in the URL: any text (also bad percent-escapes) is a SCIM 404 or 400, never another schema', async () => {
    const idText = fc.oneof(
      fc.uuid(),
      fc.string({
        unit: fc.constantFrom(
          ..."azAZ09-_.~!$'()*:@,;=".split(''),
          '%20',
          '%2F',
          '%00',
          '%E0',
          '%',
          '%ZZ',
          '%C3%28',
          '%FF',
        ),
        minLength: 1,
        maxLength: 40,
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PATCH', 'PUT'),
        fc.constantFrom('/Users/', '/Groups/'),
        idText,
        async (method, resource, id) => {
          const body =
            method === 'GET'
              ? undefined
              : JSON.stringify({
                  schemas: [SCIM_PATCH],
                  Operations: [{ op: 'replace', path: 'displayName', value: 'x' }],
                });
          const res = await send(method, `${resource}${id}`, body);
          assertScimAnswer(res, describeRequest(method, `${resource}${id}`, body));
          expect(res.status).toBeGreaterThanOrEqual(400);
        },
      ),
      runs(0.5),
    );
  }, 120_000);

  it('any Authorization header but the key is a SCIM 401 (and the key, raw or as a Bearer token, gets in)', async () => {
    let addresses = 0;
    const printable = fc.string({
      unit: fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))),
      maxLength: 40,
    });
    const header = fc.oneof(
      printable,
      fc
        .tuple(
          fc.constantFrom('', 'Bearer ', 'bearer ', 'BEARER\t', 'Bearer', 'Basic ', 'Token '),
          fc.constantFrom(SCIM_KEY, SCIM_KEY.toUpperCase(), SCIM_KEY.slice(1), `${SCIM_KEY}x`, ''),
          fc.constantFrom('', ' ', 'x'),
        )
        .map(([scheme, key, tail]) => `${scheme}${key}${tail}`),
      fc.constant(undefined),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.constantFrom(
          'GET /Users',
          'GET /Groups',
          'POST /Users/.search',
          'GET /Users/00000000-0000-4000-8000-000000000000',
        ),
        async (value, route) => {
          const [method, path] = route.split(' ');
          addresses += 1;
          const from = `127.1.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
          const res = await send(
            method,
            path,
            method === 'POST' ? '{}' : undefined,
            { Authorization: value },
            '/scim/v2',
            from,
          );
          const request = `${route} Authorization: ${JSON.stringify(value)}`;
          assertScimAnswer(res, request);
          // What the server receives: the value without surrounding whitespace.
          const seen = value?.trim();
          const bearer = seen === undefined ? null : /^bearer\s+(.+)$/i.exec(seen);
          const valid = seen === SCIM_KEY || bearer?.[1].trim() === SCIM_KEY;
          if (valid ? res.status === 401 : res.status !== 401)
            throw new Error(
              `${request}: ${res.status}, though the header ${valid ? 'carries' : 'does not carry'} the key`,
            );
          if (!valid) expect(res.headers['www-authenticate']).toBe('Bearer realm="SCIM"');
        },
      ),
      runs(0.25),
    );
  }, 120_000);

  // -------------------------------------------------------------------------------------------
  // After all of it, the database is consistent.
  // -------------------------------------------------------------------------------------------

  it('leaves the database consistent: counts changed only by successful POSTs, no dangling or duplicate identities', async () => {
    expect(await orgMemberCount()).toBe(initialMembers + created.users);
    expect(await orgGroupCount()).toBe(initialGroups + created.groups);

    // No two users SCIM sees share a userName (case-insensitively), nor an email.
    const { rows: dupNames } = await w.db.query(
      `SELECT lower(COALESCE(s.user_name, u.username)) AS name, count(*)::int AS n
         FROM users u JOIN organization_members om ON om.user_id = u.id AND om.organization_id = $1
         LEFT JOIN scim_users s ON s.user_id = u.id
        WHERE u.deleted = false AND s.deprovisioned_at IS NULL
        GROUP BY 1 HAVING count(*) > 1`,
      [w.owner.orgId],
    );
    expect(dupNames).toEqual([]);
    const { rows: dupEmails } = await w.db.query(
      `SELECT lower(email) AS email FROM users WHERE deleted = false GROUP BY 1 HAVING count(*) > 1`,
    );
    expect(dupEmails).toEqual([]);

    // SCIM rows only for existing users; no empty or NUL-bearing userNames.
    const { rows: badScimRows } = await w.db.query(
      `SELECT s.user_id FROM scim_users s LEFT JOIN users u ON u.id = s.user_id
        WHERE u.id IS NULL OR btrim(s.user_name) = '' OR u.email = ''`,
    );
    expect(badScimRows).toEqual([]);

    // Every member of a group of the organization is a user of the organization.
    const { rows: strayMembers } = await w.db.query(
      `SELECT gm.group_id, gm.user_id FROM group_members gm JOIN groups g ON g.id = gm.group_id AND g.organization_id = $1
         LEFT JOIN organization_members om ON om.user_id = gm.user_id AND om.organization_id = $1
         LEFT JOIN users u ON u.id = gm.user_id
        WHERE om.user_id IS NULL OR u.deleted`,
      [w.owner.orgId],
    );
    expect(strayMembers).toEqual([]);

    // Every group has its SCIM row; the targets still answer, with members that resolve.
    const { rows: noScimRow } = await w.db.query(
      `SELECT g.id FROM groups g LEFT JOIN scim_groups sg ON sg.group_id = g.id WHERE g.organization_id = $1 AND sg.group_id IS NULL`,
      [w.owner.orgId],
    );
    expect(noScimRow).toEqual([]);
    for (const id of targetGroups) {
      const res = await send('GET', `/Groups/${id}`);
      assertScimAnswer(res, `GET /Groups/${id}`);
      expect(res.status).toBe(200);
      for (const m of ((res.body as Doc).members as Doc[] | undefined) ?? []) {
        const member = await send('GET', `/Users/${m.value as string}`);
        expect(member.status).toBe(200);
        expect((member.body as Doc).userName).toBe(m.display);
      }
    }
    for (const id of [...targetUsers, ...fixtures.map((f) => f.id)]) {
      const res = await send('GET', `/Users/${id}`);
      assertScimAnswer(res, `GET /Users/${id}`);
      expect(res.status).toBe(200);
      const body = res.body as Doc;
      expect((body.emails as Doc[]).length).toBe(1);
      expect(typeof body.userName).toBe('string');
      expect(typeof body.active).toBe('boolean');
    }
    // The full lists still page through without error.
    assertListResponse(await send('GET', '/Users?count=200'), 'GET /Users');
    assertListResponse(await send('GET', '/Groups?count=200'), 'GET /Groups');
  }, 60_000);
});
