// The fuzzer's corpus of bad values: literals JSON.stringify cannot write, odd strings, bad crons,
// JWTs, SCIM filters and PatchOps, search queries. mutations.mjs decides where each one goes.

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';
export const HUGE = 100_000;
/** URL and header values stay under Node's 16 KiB header limit (which answers a bare 431 before any app code). */
export const LONG_URL_VALUE = 8_000;
export const DEEP_SHALLOW = 5_000;
export const DEEP_EXTREME = 100_000;

/** A JSON fragment written verbatim into the body (numbers JSON.stringify cannot write, deep nesting, `__proto__`). */
export class Raw {
  constructor(text) {
    this.text = text;
  }
}

export const deepObject = (n) => new Raw(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
export const deepArray = (n) => new Raw(`${'['.repeat(n)}${']'.repeat(n)}`);

/** JSON text of a body that may hold Raw fragments (a Raw at the top is the whole body). */
export function serializeBody(value) {
  if (value instanceof Raw) return value.text;
  const raws = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i) => raws[Number(i)]);
}

export const OVERFLOW_LITERALS = [
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '1e309',
  '-1e309',
  '-1',
  '-0',
  '1.5',
  '1e-400',
  '99999999999999999999999999',
];
export const ODD_STRINGS = [
  'a\u0000b',
  '\u0000',
  '\u202eevil\u202c',
  '\u200b\u200b',
  '\u200f\u061c',
  '\ufeffbom',
  'ａｄｍｉｎ',
  'İstanbul',
  'e\u0301\u0301\u0301\u0301',
  '😀👨‍👩‍👧‍👦',
  '\uffff\ufffe',
];
export const LONE_SURROGATES = ['"\\ud800"', '"a\\udc00b"', '"\\udbff\\udfff\\ud800"'];
export const INVALID_UUIDS = [
  'not-a-uuid',
  '123',
  '00000000-0000-0000-0000-00000000000g',
  '{00000000-0000-0000-0000-000000000000}',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000000000000000000000000000',
  '0000000-0000-0000-0000-0000000000000',
];
export const INJECTIONS = [
  "' OR 1=1 --",
  '%',
  '_',
  '\\',
  '%s%n%x',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
];
export const BAD_CRONS = [
  'CRON_TZ=Mars/Olympus 0 9 * * *',
  'CRON_TZ= 0 9 * * *',
  'CRON_TZ=../../../etc/passwd 0 9 * * *',
  'TZ=UTC 0 9 * * *',
  'CRON_TZ=UTC',
  '0 9 * * * *',
  '* * * * * * *',
  '61 25 * * *',
  '0 0 31 2 *',
  '@every 1s',
  '@yearly',
  '*/0 * * * *',
  '0-59/99999999999999999999 * * * *',
  '0 9 L * *',
  '0 9 ? * *',
  '0 9 * * 8',
  '0 9 * * MON-',
  '',
  '   ',
  `CRON_TZ=UTC ${'1,'.repeat(2000)}1 * * * *`,
];
export const BAD_JWTS = [
  'not-a-jwt',
  'a.b.c',
  '..',
  'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJmZWF0dXJlcyI6eyJzY2ltIjoxfX0.',
  'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vLXN1Y2gta2V5In0.eyJmZWF0dXJlcyI6e319.AAAA',
  'eyJhbGciOiJIUzI1NiIsImtpZCI6InRlc3Qta2V5In0.eyJmZWF0dXJlcyI6e319.c2lnbmF0dXJl',
  'eyJhbGciOiJFZERTQSJ9.bm90LWpzb24.AAAA',
  `eyJ${'A'.repeat(HUGE)}.e30.AAAA`,
  'e30.e30.e30',
  '\u0000.\u0000.\u0000',
];
export const BAD_SCIM_FILTERS = [
  'userName eq',
  'userName eq "a" and',
  'not',
  'userName xx "a"',
  'emails[value co "x"',
  'emails[type eq "work" and value co "@"]',
  `${'('.repeat(40)}userName pr${')'.repeat(40)}`,
  `userName eq "${'a'.repeat(5000)}"`,
  `${'userName eq "a" or '.repeat(70)}userName pr`,
  'meta.lastModified gt "not-a-date"',
  'active eq "true"',
  'active eq tru',
  'userName eq "\u0000"',
  'userName eq 1e309',
  'name.givenName sw "\\"',
  '__proto__ eq "x"',
  'constructor.prototype eq "x"',
  'emails[constructor eq "x"]',
  'name.constructor eq "x"',
  'members[toString pr]',
  'meta.hasOwnProperty eq "x"',
  `id eq "${NIL_UUID}"`,
  'id eq "not-a-uuid"',
  'displayName co ""',
  'externalId eq null',
  'userName gt 5',
  'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x"',
  `members[value eq "${NIL_UUID}"]`,
  'userName eq "a" ) or (userName pr',
  '"',
  '',
];
export const BAD_SEARCH_QUERIES = [
  'owner:',
  'status:bogus',
  'name:"unterminated',
  'a:b:c',
  'deleting_by:2023-13-45',
  'dormant_at:notadate',
  'last_used_after:9999-99-99T99:99:99Z',
  ':::',
  'owner:me owner:me owner:me',
  'template:"\u0000"',
  'role:owner status:active login_type:bogus',
  'resource_type:user action:bogus',
  'email:%',
  'username:_',
];

/** RFC 7644 PatchOp `Operations` arrays that must each be refused (or applied) without a 5xx. */
export function badPatchOperations(rng, fx) {
  const anyId = fx?.scimUserId ?? NIL_UUID;
  const many = (n, make) => Array.from({ length: n }, (_, i) => make(i));
  return rng.pick([
    () => [{ op: 'bogus' }],
    () => [{ op: 'add' }],
    () => [{ op: 'replace', path: '__proto__.polluted', value: 'x' }],
    () => [{ op: 'replace', path: 'constructor.prototype.polluted', value: 1 }],
    () => [{ op: 'replace', value: new Raw('{"__proto__":{"polluted":true},"active":true}') }],
    () => [{ op: 'remove', path: 'members[value eq "x"' }],
    () => [{ op: 'replace', path: 'emails[type eq "work"].value', value: 5 }],
    () => [{ op: 'Replace', value: { active: 'False' } }],
    () => [{ op: 'replace', path: 'active', value: 'yes' }],
    () => [{ op: 'replace', value: null }],
    () => [{ op: 'replace', path: 'displayName', value: {} }],
    () => [{ op: 'add', path: 'members', value: [{ value: 'not-a-uuid' }] }],
    () => [
      {
        op: 'add',
        path: 'members',
        value: many(10_001, (i) => ({ value: `${NIL_UUID.slice(0, 24)}${String(i).padStart(12, '0')}` })),
      },
    ],
    () => many(1_001, () => ({ op: 'replace', path: 'displayName', value: 'x' })),
    () => [{ op: 'replace', path: 'name.givenName.x.y', value: 'x' }],
    () => [{ op: 'replace', path: 'userName[', value: 'x' }],
    () => [{ op: 'replace', path: 'a'.repeat(HUGE), value: 'x' }],
    () => [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', value: '\u0000' }],
    () => [{ op: 'replace', path: 'displayName', value: deepObject(DEEP_SHALLOW) }],
    () => [{ op: 'remove', path: 'members' }],
    () => [{ op: 'remove', path: `members[value eq "${anyId}"].display` }],
    () => [{ op: 'add', path: 'emails', value: [{ value: 'not-an-email', primary: 'yes' }] }],
    () => [{ op: 'replace', path: 'externalId', value: 'x'.repeat(HUGE) }],
    () => [null, 1, 'op'],
    () => [],
  ])();
}
