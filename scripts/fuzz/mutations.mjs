// The catalog of malformed values. Each mutation has a name (printed with every violation) and
// builds one bad value for one site of a request: a path parameter, a query parameter, a header,
// a body field, the whole body, or its Content-Type.

import {
  BAD_CRONS,
  BAD_JWTS,
  BAD_SCIM_FILTERS,
  BAD_SEARCH_QUERIES,
  DEEP_EXTREME,
  DEEP_SHALLOW,
  HUGE,
  INJECTIONS,
  INVALID_UUIDS,
  LONE_SURROGATES,
  LONG_URL_VALUE,
  NIL_UUID,
  ODD_STRINGS,
  OVERFLOW_LITERALS,
  Raw,
  badPatchOperations,
  deepArray,
  deepObject,
} from './corpus.mjs';

export {
  BAD_CRONS,
  BAD_JWTS,
  BAD_SCIM_FILTERS,
  DEEP_EXTREME,
  DEEP_SHALLOW,
  HUGE,
  NIL_UUID,
  Raw,
  serializeBody,
} from './corpus.mjs';

const TYPE_SAMPLES = [
  ['number', 12345],
  ['string', 'str'],
  ['boolean', true],
  ['array', [1, 'a', null]],
  ['object', { a: 1 }],
];

function typeOf(schema) {
  if (!schema) return undefined;
  if (schema.type === 'integer') return 'number';
  return schema.type;
}

/** Names of fields that carry a cron schedule, a license JWT, a SCIM filter, or PatchOp operations. */
const isCronField = (name) => /schedule/i.test(name ?? '');
const isJwtField = (name) => name === 'license';
const isFilterField = (name) => name === 'filter';
const isOperationsField = (name) => name === 'Operations';
const isSearchField = (name) => name === 'q';

/**
 * Value mutations for a body field. `ctx`: { name, schema, valid, fx }. Returns [mutationName,
 * weight, () => value]; a value of `undefined` removes the field.
 */
export function bodyValueMutations(ctx, rng) {
  const { name, schema, fx } = ctx;
  const t = typeOf(schema);
  const list = [
    ['wrong-type', 3, () => rng.pick(TYPE_SAMPLES.filter(([k]) => k !== t).map(([, v]) => v))],
    ['null', 3, () => null],
    ['missing', 1, () => undefined],
    ['huge-string', 1.5, () => 'A'.repeat(HUGE)],
    ['huge-array', 0.5, () => Array.from({ length: 50_000 }, (_, i) => i)],
    ['deep-object-5k', 1, () => deepObject(DEEP_SHALLOW)],
    ['deep-array-5k', 0.5, () => deepArray(DEEP_SHALLOW)],
    ['deep-object-100k', 0.5, () => deepObject(DEEP_EXTREME)],
    ['proto-key', 1.5, () => new Raw('{"__proto__":{"polluted":true,"roles":["owner"]},"a":1}')],
    ['constructor-prototype', 1, () => new Raw('{"constructor":{"prototype":{"polluted":true}}}')],
    ['invalid-uuid', 2, () => rng.pick(INVALID_UUIDS)],
    ['nil-uuid', 2, () => NIL_UUID],
    ['int-overflow', 2.5, () => new Raw(rng.pick(OVERFLOW_LITERALS))],
    ['nan-string', 1, () => rng.pick(['NaN', 'Infinity', '-Infinity', '0x10', '1e309', ''])],
    ['nul-unicode', 2.5, () => rng.pick(ODD_STRINGS)],
    ['lone-surrogate', 1, () => new Raw(rng.pick(LONE_SURROGATES))],
    ['empty-string', 1, () => ''],
    ['injection', 1, () => rng.pick(INJECTIONS)],
    ['long-name', 1, () => 'a'.repeat(rng.pick([33, 65, 129, 257, 2049]))],
  ];
  if (fx) list.push(['other-valid-id', 1.5, () => rng.pick(fx.allIds())]);
  if (isCronField(name)) list.push(['bad-cron', 12, () => rng.pick(BAD_CRONS)]);
  if (isJwtField(name)) list.push(['bad-jwt', 12, () => badJwt(rng, fx)]);
  if (isFilterField(name)) list.push(['bad-scim-filter', 12, () => rng.pick(BAD_SCIM_FILTERS)]);
  if (isOperationsField(name)) list.push(['bad-scim-patchop', 20, () => badPatchOperations(rng, fx)]);
  return list;
}

function badJwt(rng, fx) {
  const valid = fx?.licenseJwt;
  if (valid && rng.chance(0.3)) {
    // The fixture license with one signature or claim character flipped.
    const parts = valid.split('.');
    const which = rng.pick([1, 2]);
    const s = parts[which];
    const i = rng.int(Math.max(1, s.length - 2));
    parts[which] = `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`;
    return parts.join('.');
  }
  return rng.pick(BAD_JWTS);
}

/** Mutations of one path segment, as raw (already percent-encoded) text. */
export function pathValueMutations(ctx, rng) {
  const { fx, valid } = ctx;
  const list = [
    ['nil-uuid', 3, () => NIL_UUID],
    ['invalid-uuid', 3, () => encodeURIComponent(rng.pick(INVALID_UUIDS))],
    [
      'path-traversal',
      4,
      () =>
        rng.pick([
          '..%2f..%2fetc%2fpasswd',
          '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
          '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
          '..',
          '.',
          '%2e%2e',
          '..%5c..%5cwindows',
          `${valid}%2f..%2f..`,
        ]),
    ],
    ['nul', 3, () => rng.pick(['%00', 'a%00b', `${valid}%00`, `%00${valid}`])],
    ['bad-percent', 2, () => rng.pick(['%', '%zz', '%E0%A4%A', '%%', `${valid}%`])],
    ['lone-surrogate', 1.5, () => rng.pick(['%ED%A0%80', 'a%ED%B0%80b', '%C0%AE%C0%AE', '%FF%FE'])],
    ['nul-unicode', 2, () => encodeURIComponent(rng.pick(ODD_STRINGS))],
    ['int-overflow', 2, () => rng.pick(['2147483648', '9007199254740993', '1e309', '-1', 'NaN', '0x7fffffff', '-0'])],
    ['long-segment', 1, () => 'a'.repeat(LONG_URL_VALUE)],
    ['injection', 1, () => encodeURIComponent(rng.pick(INJECTIONS))],
    ['wrong-type', 2, () => rng.pick(['true', 'null', '[]', '{}', '0', '1.5'])],
    ['upper-case', 1, () => encodeURIComponent(String(valid).toUpperCase())],
    ['me', 1, () => 'me'],
  ];
  if (fx) list.push(['other-valid-id', 3, () => encodeURIComponent(rng.pick(fx.allIds()))]);
  return list;
}

/** Mutations of one query parameter: the raw `name=value` text to put in the query string. */
export function queryValueMutations(ctx, rng) {
  const { name, fx } = ctx;
  const n = encodeURIComponent(name);
  const v = (value) => `${n}=${encodeURIComponent(value)}`;
  const list = [
    ['int-overflow', 3, () => `${n}=${rng.pick(OVERFLOW_LITERALS)}`],
    ['nan-string', 2, () => v(rng.pick(['NaN', 'Infinity', '', 'abc', '0x10', '1,2']))],
    ['nil-uuid', 1.5, () => v(NIL_UUID)],
    ['invalid-uuid', 1.5, () => v(rng.pick(INVALID_UUIDS))],
    ['long-value', 1, () => v('a'.repeat(LONG_URL_VALUE))],
    ['nul', 2, () => `${n}=a%00b`],
    ['nul-unicode', 2, () => v(rng.pick(ODD_STRINGS))],
    ['lone-surrogate', 1, () => `${n}=%ED%A0%80`],
    ['bad-percent', 1.5, () => `${n}=${rng.pick(['%', '%zz', '%E0%A4%A'])}`],
    ['array', 2, () => `${n}=1&${n}=2`],
    ['object', 2, () => `${n}%5Ba%5D=1&${n}%5B__proto__%5D%5Bpolluted%5D=1`],
    ['proto-param', 1, () => `__proto__%5Bpolluted%5D=1&constructor%5Bprototype%5D%5Bpolluted%5D=1&${v('1')}`],
    ['injection', 1, () => v(rng.pick(INJECTIONS))],
    ['empty', 1, () => `${n}=`],
  ];
  if (fx) list.push(['other-valid-id', 1, () => v(rng.pick(fx.allIds()))]);
  if (isSearchField(name)) list.push(['bad-search-query', 10, () => v(rng.pick(BAD_SEARCH_QUERIES))]);
  if (isFilterField(name)) list.push(['bad-scim-filter', 12, () => v(rng.pick(BAD_SCIM_FILTERS))]);
  if (/^(excluded)?attributes$/i.test(name))
    list.push([
      'bad-scim-attributes',
      6,
      () =>
        v(
          rng.pick([
            '__proto__',
            'a.b.c.d.e',
            ',,,',
            'emails[value]',
            'x'.repeat(5000),
            'urn:bogus:userName',
            'meta.',
            '\u0000',
          ]),
        ),
    ]);
  if (name === 'follow') list.push(['follow-plain', 4, () => v(rng.pick(['true', '', 'false', '1']))]);
  return list;
}

/** Mutations of a header parameter (latin-1 only: Node refuses to send anything else). */
export function headerValueMutations(ctx, rng) {
  const { valid } = ctx;
  return [
    ['empty', 2, () => ''],
    [
      'wrong-secret',
      3,
      () => rng.pick(['wrong', 'x'.repeat(64), `${String(valid ?? '').slice(0, -1)}x`, 'Bearer x', '%00', 'null']),
    ],
    ['long-value', 1, () => 'a'.repeat(LONG_URL_VALUE)],
    ['whitespace', 1, () => ` ${valid ?? ''} `],
    ['injection', 1, () => rng.pick(["' OR 1=1 --", '${jndi:ldap://x}', '../../etc/passwd'])],
  ];
}

/**
 * Malformed credentials, sent instead of the caller's: `{ headers, query }` to merge into the
 * request. On SCIM routes the key travels in Authorization; elsewhere the session token may come
 * in the header, a Bearer, the cookie or the query, and each is tried.
 */
export function credentialMutations(ctx, rng) {
  const garbage = () =>
    rng.pick([
      '',
      'x',
      'abcdefghij-',
      '-abcdefghijklmnopqrstuv',
      'abcdefghij-abcdefghijklmnopqrstuv',
      `${'a'.repeat(10)}-${'b'.repeat(LONG_URL_VALUE)}`,
      'null',
      '%00',
      "' OR 1=1 --",
      'ZZZZZZZZZZ-ZZZZZZZZZZZZZZZZZZZZZZ',
    ]);
  if (ctx.scim) {
    return [
      [
        'scim-bad-authorization',
        1,
        () => ({
          headers: {
            Authorization: rng.pick([
              'Bearer',
              'Bearer ',
              'Basic Zm9vOmJhcg==',
              `Bearer ${'k'.repeat(LONG_URL_VALUE)}`,
              'bearer\tx',
              garbage(),
            ]),
          },
        }),
      ],
    ];
  }
  return [
    ['bad-session-header', 2, () => ({ headers: { 'Coder-Session-Token': garbage() } })],
    [
      'bad-bearer',
      1,
      () => ({
        headers: {
          Authorization: rng.pick(['Bearer', 'Bearer ', `Bearer ${garbage()}`, 'Basic Zm9vOmJhcg==', 'Token x']),
        },
      }),
    ],
    [
      'bad-cookie',
      1,
      () => ({
        headers: {
          Cookie: rng.pick([
            'coder_session_token=%zz',
            'coder_session_token=',
            `coder_session_token="${garbage()}"`,
            'coder_session_token=%00; coder_session_token=x',
            ';;;=;',
          ]),
        },
      }),
    ],
    [
      'bad-query-token',
      1,
      () => ({
        query: rng.pick([
          'coder_session_token=%zz',
          'coder_session_token=',
          'coder_session_token[]=x&coder_session_token[]=y',
          'coder%5Fsession%5Ftoken=abcdefghij-abcdefghijklmnopqrstuv',
          `coder_session_token=${encodeURIComponent(garbage())}`,
        ]),
      }),
    ],
  ];
}

/** Whole-body mutations: the JSON text sent (the Content-Type stays the operation's). */
export function bodyLevelMutations(ctx, rng) {
  const { validText } = ctx;
  const inner = validText && validText.startsWith('{') && validText.length > 2 ? validText.slice(1, -1) : '"a":1';
  return [
    ['empty-body', 2, () => ''],
    [
      'invalid-json',
      4,
      () =>
        rng.pick([
          '{',
          '{"a":}',
          "{'a':1}",
          '{"a":1,}',
          'NaN',
          '[1,2',
          '\u0000',
          '{"a":"\\x"}',
          `${validText ?? '{}'}garbage`,
          `\ufeff${validText ?? '{}'}`,
          '{"a":1}{"b":2}',
          'undefined',
        ]),
    ],
    ['json-array', 2, () => rng.pick(['[]', '[{}]', `[${validText ?? '{}'}]`])],
    ['json-scalar', 2, () => rng.pick(['"str"', '1', 'true', 'null', '1e309', '-0'])],
    ['deep-object-5k', 1.5, () => deepObject(DEEP_SHALLOW).text],
    ['deep-array-5k', 1, () => deepArray(DEEP_SHALLOW).text],
    ['deep-object-100k', 1, () => deepObject(DEEP_EXTREME).text],
    ['deep-array-100k', 1, () => deepArray(DEEP_EXTREME).text],
    [
      'proto-top',
      3,
      () => `{"__proto__":{"polluted":true,"roles":["owner"],"organization_id":"${NIL_UUID}"},${inner}}`,
    ],
    ['constructor-top', 2, () => `{"constructor":{"prototype":{"polluted":true}},${inner}}`],
    ['duplicate-keys', 1, () => `{${inner},${inner.replace(/:("[^"]*"|[^,}]*)/, ':null')}}`],
    [
      'unknown-fields',
      1,
      () =>
        `{${inner},${Array.from({ length: 50 }, (_, i) => `"zz_unknown_${i}":${i % 2 ? 'null' : '{"x":[1]}'}`).join(',')}}`,
    ],
    ['many-keys', 1, () => `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":1`).join(',')}}`],
    ['too-large', 0.5, () => `{"a":"${'A'.repeat(1_100_000)}"}`],
  ];
}

/** Content types sent with the operation's (valid) body. `null`: no Content-Type header at all. */
export function contentTypeMutations(_ctx, rng) {
  return [
    [
      'content-type',
      1,
      () =>
        rng.pick([
          'text/plain',
          'multipart/form-data; boundary=----fuzz',
          null,
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/json; charset=bogus',
          'application/octet-stream',
          'application/x-tar',
          'application/xml',
          'application/scim+json',
          'application/json, text/html',
          '',
        ]),
    ],
  ];
}
