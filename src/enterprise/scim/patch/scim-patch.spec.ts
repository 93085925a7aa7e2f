import fc from 'fast-check';
import { SCHEMA } from '../discovery/scim.constants.js';
import {
  GROUP_SCHEMA,
  subAttributeTypes,
  USER_SCHEMA,
  findAttribute,
  type ResourceSchema,
} from '../discovery/scim-schema.js';
import { evaluate } from '../filter/scim-filter-eval.js';
import { parseValueFilter } from '../filter/scim-filter.js';
import { asBoolean } from '../http/scim-json.js';
import { FilterError, ScimError } from '../http/scim.errors.js';
import { parsePatchPath, parsePatchRequest, type PatchOperation } from './scim-patch-request.js';
import { applyPatch } from './scim-patch.js';

type Doc = Record<string, unknown>;

const user = (): Doc => ({
  schemas: [SCHEMA.user],
  id: '6a1f6c1e-0000-4000-8000-000000000001',
  externalId: 'ext-1',
  userName: 'alice@example.com',
  name: { givenName: 'Alice', familyName: 'Smith' },
  displayName: 'Alice Smith',
  emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
  active: true,
});

const member = (value: string) => ({
  value,
  $ref: `https://coder/scim/v2/Users/${value}`,
  display: `user-${value}`,
  type: 'User',
});
const group = (): Doc => ({
  schemas: [SCHEMA.group],
  id: 'g1',
  externalId: 'gx',
  displayName: 'Engineering',
  members: [member('a'), member('b'), member('c')],
});

/** Parses a PatchOp with these operations and applies it. */
function patch(doc: Doc, operations: unknown[], schema: ResourceSchema = USER_SCHEMA): Doc {
  const request = parsePatchRequest({ schemas: [SCHEMA.patchOp], Operations: operations }, schema === USER_SCHEMA);
  if (request.kind !== 'operations') throw new Error('not a PatchOp');
  return applyPatch(doc, request.operations, schema);
}

/** The ScimError `fn` throws. */
function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    return err as ScimError;
  }
  throw new Error('expected a ScimError');
}

function expectScimError(fn: () => unknown, status: number, scimType: string | undefined, detail?: RegExp): void {
  const err = scimError(fn);
  expect({ status: err.getStatus(), scimType: err.scimType }).toEqual({ status, scimType });
  if (detail) expect(err.detail).toMatch(detail);
}

describe('parsePatchRequest', () => {
  it('reads operations, with op names in any case and paths trimmed', () => {
    expect(
      parsePatchRequest(
        {
          schemas: [SCHEMA.patchOp],
          Operations: [
            { op: 'Replace', path: ' displayName ', value: 'x' },
            { op: 'ADD', value: { active: false } },
            { op: 'remove', path: '' },
          ],
        },
        false,
      ),
    ).toEqual({
      kind: 'operations',
      operations: [
        { op: 'replace', path: 'displayName', value: 'x' },
        { op: 'add', value: { active: false } },
        { op: 'remove' },
      ],
    });
  });

  it('reads member names case-insensitively, and the schema URN in any case', () => {
    expect(
      parsePatchRequest(
        { SCHEMAS: [SCHEMA.patchOp.toUpperCase()], operations: [{ OP: 'add', Path: 'title', VALUE: 1 }] },
        false,
      ),
    ).toEqual({
      kind: 'operations',
      operations: [{ op: 'add', path: 'title', value: 1 }],
    });
  });

  it("accepts Coder's legacy whole-user body for users only, reading `active` (also as a string)", () => {
    expect(parsePatchRequest({ schemas: [SCHEMA.user], userName: 'x', active: 'False' }, true)).toEqual({
      kind: 'legacy',
      active: false,
    });
    expect(parsePatchRequest({ active: 'True' }, true)).toEqual({ kind: 'legacy', active: true });
    expect(parsePatchRequest({ userName: 'x' }, true)).toEqual({ kind: 'legacy' });
    expectScimError(
      () => parsePatchRequest({ active: 'maybe' }, true),
      400,
      'invalidValue',
      /active must be a boolean/,
    );
    expectScimError(
      () => parsePatchRequest({ active: true }, false),
      400,
      'invalidSyntax',
      /Operations must be an array/,
    );
  });

  it.each([
    [null, 'invalidSyntax', /JSON object/],
    [[], 'invalidSyntax', /JSON object/],
    ['text', 'invalidSyntax', /JSON object/],
    [{ schemas: ['urn:other'], Operations: [{ op: 'add', value: {} }] }, 'invalidSyntax', /schemas must contain/],
    [{ schemas: SCHEMA.patchOp, Operations: [{ op: 'add', value: {} }] }, 'invalidSyntax', /schemas must contain/],
    [{ schemas: [SCHEMA.patchOp] }, 'invalidSyntax', /Operations must be an array of one or more/],
    [{ schemas: [SCHEMA.patchOp], Operations: [] }, 'invalidSyntax', /one or more/],
    [{ schemas: [SCHEMA.patchOp], Operations: {} }, 'invalidSyntax', /one or more/],
    [{ Operations: Array.from({ length: 1001 }, () => ({ op: 'add', value: {} })) }, 'invalidSyntax', /At most 1000/],
    [{ Operations: ['add'] }, 'invalidSyntax', /Operations\[0\] must be an object/],
    [
      { Operations: [{ op: 'move', path: 'a' }] },
      'invalidSyntax',
      /op must be "add", "replace" or "remove", not "move"/,
    ],
    [{ Operations: [{ path: 'a' }] }, 'invalidSyntax', /not undefined/],
    [{ Operations: [{ op: ['add'] }] }, 'invalidSyntax', /not an array/],
    [{ Operations: [{ op: 'add', path: 5 }] }, 'invalidPath', /path must be a string/],
    [{ Operations: [{ op: 'add', path: { a: 1 } }] }, 'invalidPath', /path must be a string/],
  ])('refuses %j', (body, scimType, detail) => {
    expectScimError(() => parsePatchRequest(body, false), 400, scimType, detail);
  });
});

describe('parsePatchPath', () => {
  it('reads attributes, sub-attributes, value filters and schema URNs', () => {
    expect(parsePatchPath('displayName', USER_SCHEMA)).toEqual({ urn: undefined, name: 'displayName' });
    expect(parsePatchPath('name.givenName', USER_SCHEMA)).toEqual({ urn: undefined, name: 'name', sub: 'givenName' });
    expect(parsePatchPath('emails[type eq "work"].value', USER_SCHEMA)).toEqual({
      urn: undefined,
      name: 'emails',
      filter: { type: 'compare', attr: { name: 'type' }, op: 'eq', value: 'work' },
      sub: 'value',
    });
    expect(parsePatchPath(`${SCHEMA.user}:emails[value ew ".com" and type eq "a:b"].type`, USER_SCHEMA)).toMatchObject({
      urn: SCHEMA.user,
      name: 'emails',
      sub: 'type',
    });
    expect(parsePatchPath(`${SCHEMA.enterpriseUser}:manager.value`, USER_SCHEMA)).toEqual({
      urn: SCHEMA.enterpriseUser,
      name: 'manager',
      sub: 'value',
    });
    expect(parsePatchPath(SCHEMA.enterpriseUser.toUpperCase(), USER_SCHEMA)).toEqual({
      urn: SCHEMA.enterpriseUser.toUpperCase(),
    });
    expect(parsePatchPath(SCHEMA.user, USER_SCHEMA)).toEqual({ urn: SCHEMA.user });
    // Entra's group extension is an http URI, not a URN: it is a prefix all the same.
    const entra = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
    expect(parsePatchPath(`${entra}:x.y`, GROUP_SCHEMA)).toEqual({ urn: entra, name: 'x', sub: 'y' });
    expect(parsePatchPath(`${SCHEMA.group.toUpperCase()}:members[value eq "a:b"]`, GROUP_SCHEMA)).toMatchObject({
      urn: SCHEMA.group.toUpperCase(),
      name: 'members',
    });
  });

  it.each([
    '',
    'a.b.c',
    'emails]',
    'emails[',
    'emails[type eq "x"',
    '[type eq "x"]',
    '1abc',
    'a b',
    'emails.value[type eq "x"]',
  ])('refuses %j as invalidPath', (text) => {
    expectScimError(() => parsePatchPath(text, USER_SCHEMA), 400, 'invalidPath');
  });

  it('refuses a malformed bracket filter as invalidFilter', () => {
    expectScimError(
      () => parsePatchPath('emails[type eq]', USER_SCHEMA),
      400,
      'invalidFilter',
      /Invalid filter in path/,
    );
    expectScimError(() => parsePatchPath('emails[type[x eq 1] eq "y"]', USER_SCHEMA), 400, 'invalidFilter');
    expectScimError(() => parsePatchPath('emails[a eq "1"][b eq "2"]', USER_SCHEMA), 400, 'invalidFilter');
    expectScimError(
      () => parsePatchPath(`emails[${'('.repeat(40)}type pr${')'.repeat(40)}]`, USER_SCHEMA),
      400,
      'invalidFilter',
      /nested/,
    );
  });

  it('refuses paths longer than the filter limit', () => {
    expectScimError(
      () => parsePatchPath(`emails[value eq "${'x'.repeat(5000)}"]`, USER_SCHEMA),
      400,
      'invalidPath',
      /too long/,
    );
  });
});

describe('applyPatch on a User', () => {
  it('adds, replaces and removes simple and sub-attributes', () => {
    const out = patch(user(), [
      { op: 'replace', path: 'displayName', value: 'Al' },
      { op: 'add', path: 'name.formatted', value: 'Alice S.' },
      { op: 'Remove', path: 'name.familyName' },
      { op: 'replace', path: 'externalId', value: 'ext-2' },
      { op: 'remove', path: 'displayName' },
    ]);
    expect(out).toMatchObject({ externalId: 'ext-2', name: { givenName: 'Alice', formatted: 'Alice S.' } });
    expect(out.name).not.toHaveProperty('familyName');
    expect(out).not.toHaveProperty('displayName');
  });

  it('resolves attribute names case-insensitively and stores them canonically', () => {
    const out = patch(user(), [
      { op: 'replace', path: 'DISPLAYNAME', value: 'X' },
      { op: 'replace', path: 'Name.GivenName', value: 'Y' },
      { op: 'replace', path: 'name', value: { FAMILYNAME: 'Z', bogus: 1, middleName: 'ignored' } },
    ]);
    expect(out.displayName).toBe('X');
    expect(out.name).toEqual({ givenName: 'Y', familyName: 'Z' });
    expect(out).not.toHaveProperty('DISPLAYNAME');
  });

  it('merges a complex replace with the sub-attributes it does not name (RFC 7644 §3.5.2.3)', () => {
    expect(patch(user(), [{ op: 'replace', path: 'name', value: { givenName: 'B' } }]).name).toEqual({
      givenName: 'B',
      familyName: 'Smith',
    });
    expect(patch(user(), [{ op: 'remove', path: 'name' }])).not.toHaveProperty('name');
  });

  it('applies path-less values whose keys are paths, URN-wrapped attributes and ignored extensions', () => {
    const out = patch(user(), [
      {
        op: 'Replace',
        value: {
          'name.givenName': 'Bea',
          'emails[type eq "work"].value': 'bea@example.com',
          displayName: 'Bea',
          title: 'ignored (not stored)',
          [`${SCHEMA.enterpriseUser}:employeeNumber`]: '42',
          [SCHEMA.enterpriseUser]: { department: 'R&D' },
          [SCHEMA.user]: { externalId: 'e-9', 'name.familyName': 'Jones' },
          unknownPlainKey: 'ignored',
          active: 'False',
        },
      },
    ]);
    expect(out).toEqual({
      ...user(),
      externalId: 'e-9',
      name: { givenName: 'Bea', familyName: 'Jones' },
      displayName: 'Bea',
      emails: [{ value: 'bea@example.com', type: 'work', primary: true }],
      active: 'False',
    });
  });

  it('ignores read-only attributes in path-less values, but refuses them as paths', () => {
    expect(patch(user(), [{ op: 'replace', value: { id: 'other', groups: [], meta: {}, displayName: 'D' } }])).toEqual({
      ...user(),
      displayName: 'D',
    });
    expectScimError(
      () => patch(user(), [{ op: 'replace', path: 'id', value: 'x' }]),
      400,
      'mutability',
      /id is read-only/,
    );
    expectScimError(
      () => patch(user(), [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }]),
      400,
      'mutability',
      /groups is read-only/,
    );
    expectScimError(() => patch(user(), [{ op: 'replace', path: 'meta.created', value: 'x' }]), 400, 'mutability');
    expectScimError(() => patch(user(), [{ op: 'replace', path: 'schemas', value: [] }]), 400, 'mutability');
  });

  it('ignores attributes and extensions of the RFC schemas it does not store', () => {
    for (const path of [
      'title',
      'phoneNumbers[type eq "work"].value',
      `${SCHEMA.enterpriseUser}:manager`,
      SCHEMA.enterpriseUser,
      'name.middleName',
      'emails[type eq "work"].display',
    ]) {
      expect(patch(user(), [{ op: 'replace', path, value: 'x' }])).toEqual(user());
    }
  });

  it('refuses unknown attributes, schemas and sub-attributes in paths', () => {
    expectScimError(
      () => patch(user(), [{ op: 'add', path: 'bogus', value: 1 }]),
      400,
      'invalidPath',
      /Unknown attribute/,
    );
    expectScimError(
      () => patch(user(), [{ op: 'add', path: 'urn:foo:bar', value: 1 }]),
      400,
      'invalidPath',
      /Unknown schema/,
    );
    expectScimError(
      () => patch(user(), [{ op: 'add', path: 'name.bogus', value: 1 }]),
      400,
      'invalidPath',
      /Unknown sub-attribute/,
    );
    expectScimError(
      () => patch(user(), [{ op: 'add', path: 'displayName.x', value: 1 }]),
      400,
      'invalidPath',
      /no sub-attributes/,
    );
    expectScimError(
      () => patch(user(), [{ op: 'add', path: 'name[givenName eq "x"]', value: 1 }]),
      400,
      'invalidPath',
      /not multi-valued/,
    );
  });

  it('refuses removals that cannot be: required and boolean attributes, or no path at all', () => {
    expectScimError(
      () => patch(user(), [{ op: 'remove', path: 'userName' }]),
      400,
      'invalidValue',
      /cannot be removed/,
    );
    expectScimError(() => patch(user(), [{ op: 'remove', path: 'active' }]), 400, 'invalidValue', /cannot be removed/);
    expectScimError(() => patch(user(), [{ op: 'remove' }]), 400, 'noTarget', /remove needs a path/);
    expectScimError(() => patch(user(), [{ op: 'remove', path: SCHEMA.user }]), 400, 'noTarget');
  });

  it('refuses add and replace without a value, and path-less values that are not objects', () => {
    expectScimError(() => patch(user(), [{ op: 'add', path: 'displayName' }]), 400, 'invalidValue', /needs a value/);
    for (const value of [undefined, null, 'x', 1, [], [{ displayName: 'x' }]]) {
      expectScimError(
        () => patch(user(), [{ op: 'replace', value }]),
        400,
        'invalidValue',
        /must be an object of attributes/,
      );
    }
  });

  it('names the failing operation when there are several', () => {
    expectScimError(
      () =>
        patch(user(), [
          { op: 'add', path: 'displayName', value: 'x' },
          { op: 'remove', path: 'active' },
        ]),
      400,
      'invalidValue',
      /^Operations\[1\]: active/,
    );
  });

  it('leaves its input untouched', () => {
    const doc = user();
    patch(doc, [
      { op: 'replace', path: 'name.givenName', value: 'X' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'x@example.com' },
    ]);
    expect(doc).toEqual(user());
  });

  it('refuses thousands of nested schema URNs in a path-less value with a 400, not a stack overflow', () => {
    let value: Doc = { displayName: 'deep' };
    for (let i = 0; i < 50_000; i++) value = { [SCHEMA.user]: value };
    expectScimError(() => patch(user(), [{ op: 'add', value }]), 400, 'invalidValue', /nests schema URNs/);
    expect(
      patch(user(), [{ op: 'add', value: { [SCHEMA.user]: { [SCHEMA.user]: { displayName: 'two levels' } } } }])
        .displayName,
    ).toBe('two levels');
  });

  describe('multi-valued attributes and filtered paths', () => {
    const two = (): Doc => ({
      ...user(),
      emails: [
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'alice@home.example', type: 'home', primary: false },
      ],
    });

    it('replaces a sub-attribute of the values the filter selects', () => {
      expect(
        patch(two(), [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'a@home.example' }]).emails,
      ).toEqual([
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'a@home.example', type: 'home', primary: false },
      ]);
      expect(
        patch(two(), [
          { op: 'replace', path: 'EMAILS[TYPE EQ "WORK" and value co "@EXAMPLE.com"].Value', value: 'w@example.com' },
        ]).emails,
      ).toMatchObject([{ value: 'w@example.com', type: 'work' }, { value: 'alice@home.example' }]);
    });

    it('replaces whole selected values, and removes them', () => {
      expect(
        patch(two(), [
          { op: 'replace', path: 'emails[type eq "home"]', value: { value: 'x@example.com', type: 'other' } },
        ]).emails,
      ).toEqual([
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'x@example.com', type: 'other' },
      ]);
      expect(patch(two(), [{ op: 'remove', path: 'emails[type eq "home"]' }]).emails).toEqual([
        { value: 'alice@example.com', type: 'work', primary: true },
      ]);
      expect(patch(two(), [{ op: 'remove', path: 'emails[type ne "nothing"]' }])).not.toHaveProperty('emails');
      expect(patch(two(), [{ op: 'remove', path: 'emails[type eq "home"].type' }]).emails).toEqual([
        { value: 'alice@example.com', type: 'work', primary: true },
        { value: 'alice@home.example', primary: false },
      ]);
    });

    it('creates the value an add\'s filter describes when none matches (Entra\'s emails[type eq "work"].value)', () => {
      const doc = { ...user(), emails: [] };
      expect(
        patch(doc, [{ op: 'add', path: 'emails[type eq "work"].value', value: 'new@example.com' }]).emails,
      ).toEqual([{ type: 'work', value: 'new@example.com' }]);
      expect(
        patch(user(), [
          { op: 'add', path: 'emails[type eq "other" and primary eq true]', value: { value: 'o@example.com' } },
        ]).emails,
      ).toEqual([
        { value: 'alice@example.com', type: 'work', primary: false },
        { type: 'other', primary: true, value: 'o@example.com' },
      ]);
    });

    it('refuses a replace that selects nothing, and an add whose filter does not describe a value', () => {
      expectScimError(
        () => patch(user(), [{ op: 'replace', path: 'emails[type eq "home"].value', value: 'x' }]),
        400,
        'noTarget',
      );
      expectScimError(
        () => patch(user(), [{ op: 'add', path: 'emails[type ne "work"].value', value: 'x' }]),
        400,
        'noTarget',
        /does not describe a new one/,
      );
      expect(patch(user(), [{ op: 'remove', path: 'emails[type eq "home"]' }])).toEqual(user());
    });

    it('refuses filters on unknown sub-attributes, or comparing the wrong type, as invalidFilter', () => {
      expectScimError(
        () => patch(user(), [{ op: 'replace', path: 'emails[bogus eq "x"].value', value: 'y' }]),
        400,
        'invalidFilter',
        /Unknown sub-attribute/,
      );
      expectScimError(
        () => patch(user(), [{ op: 'replace', path: 'emails[primary gt true].value', value: 'y' }]),
        400,
        'invalidFilter',
      );
      expectScimError(
        () => patch(user(), [{ op: 'replace', path: 'emails[value eq 1].value', value: 'y' }]),
        400,
        'invalidFilter',
        /is a string/,
      );
    });

    it('reads "True"/"False" as booleans, in filters and in values', () => {
      const doc = {
        ...two(),
        emails: [
          { value: 'a@example.com', type: 'work', primary: 'True' },
          { value: 'b@example.com', type: 'home', primary: 'false' },
        ],
      };
      expect(
        patch(doc, [{ op: 'replace', path: 'emails[primary eq true].type', value: 'other' }]).emails,
      ).toMatchObject([{ type: 'other' }, { type: 'home' }]);
      expect(
        patch(doc, [{ op: 'replace', path: 'emails[primary eq "FALSE"].type', value: 'other' }]).emails,
      ).toMatchObject([{ type: 'work' }, { type: 'other' }]);
      // Making one value primary makes the others non-primary (RFC 7644 §3.5.2), whatever the form.
      expect(patch(doc, [{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }]).emails).toEqual([
        { value: 'a@example.com', type: 'work', primary: false },
        { value: 'b@example.com', type: 'home', primary: 'True' },
      ]);
      expect(patch(user(), [{ op: 'replace', path: 'active', value: 'False' }]).active).toBe('False');
      expect(asBoolean(patch(user(), [{ op: 'replace', value: { active: 'FALSE' } }]).active)).toBe(false);
    });

    it('adds values by merging on `value` (case-insensitively), and replaces the list', () => {
      expect(
        patch(user(), [
          {
            op: 'add',
            path: 'emails',
            value: [{ value: 'ALICE@example.com', type: 'home' }, { value: 'b@example.com' }],
          },
        ]).emails,
      ).toEqual([{ value: 'ALICE@example.com', type: 'home', primary: true }, { value: 'b@example.com' }]);
      expect(
        patch(user(), [{ op: 'add', path: 'emails', value: { value: 'b@example.com', primary: true } }]).emails,
      ).toEqual([
        { value: 'alice@example.com', type: 'work', primary: false },
        { value: 'b@example.com', primary: true },
      ]);
      expect(
        patch(user(), [{ op: 'replace', path: 'emails', value: [{ value: 'c@example.com', bogus: 1 }] }]).emails,
      ).toEqual([{ value: 'c@example.com' }]);
      expect(patch(user(), [{ op: 'replace', path: 'emails', value: [] }])).not.toHaveProperty('emails');
      expect(patch(user(), [{ op: 'replace', path: 'emails.type', value: 'home' }]).emails).toEqual([
        { value: 'alice@example.com', type: 'home', primary: true },
      ]);
    });

    it('refuses values that are not objects, and more than 10,000 at once', () => {
      expectScimError(
        () => patch(user(), [{ op: 'add', path: 'emails', value: ['a@example.com'] }]),
        400,
        'invalidValue',
        /must be an object/,
      );
      expectScimError(
        () => patch(user(), [{ op: 'replace', path: 'emails[type eq "work"]', value: 'x' }]),
        400,
        'invalidValue',
        /must be an object/,
      );
      const many = Array.from({ length: 10_001 }, (_, i) => ({ value: `u${i}@example.com` }));
      expectScimError(
        () => patch(user(), [{ op: 'add', path: 'emails', value: many }]),
        400,
        'invalidValue',
        /At most 10000/,
      );
    });
  });
});

describe('applyPatch on a Group', () => {
  const ids = (doc: Doc) => ((doc.members as Doc[] | undefined) ?? []).map((m) => m.value);
  const groupPatch = (operations: unknown[], doc = group()) => patch(doc, operations, GROUP_SCHEMA);

  it('adds members without repeating those already there (ids compared case-insensitively)', () => {
    expect(ids(groupPatch([{ op: 'add', path: 'members', value: [{ value: 'd' }, { value: 'A' }] }]))).toEqual([
      'A',
      'b',
      'c',
      'd',
    ]);
    expect(ids(groupPatch([{ op: 'Add', path: 'members', value: { value: 'e', display: 'ignored later' } }]))).toEqual([
      'a',
      'b',
      'c',
      'e',
    ]);
    expect(
      ids(groupPatch([{ op: 'add', path: 'members', value: [{ value: 'x' }] }], { ...group(), members: undefined })),
    ).toEqual(['x']);
  });

  it('removes the members a filter selects', () => {
    expect(ids(groupPatch([{ op: 'remove', path: 'members[value eq "b"]' }]))).toEqual(['a', 'c']);
    expect(ids(groupPatch([{ op: 'remove', path: 'members[value eq "B" or display eq "user-c"]' }]))).toEqual(['a']);
    expect(ids(groupPatch([{ op: 'remove', path: 'members[value eq "zzz"]' }]))).toEqual(['a', 'b', 'c']);
  });

  it("removes only the listed members on Entra's remove with a value", () => {
    expect(
      ids(
        groupPatch([{ op: 'Remove', path: 'members', value: [{ value: 'a' }, { value: 'C' }, { value: 'unknown' }] }]),
      ),
    ).toEqual(['b']);
    expect(ids(groupPatch([{ op: 'remove', path: 'members', value: { value: 'b' } }]))).toEqual(['a', 'c']);
    expectScimError(() => groupPatch([{ op: 'remove', path: 'members', value: ['a'] }]), 400, 'invalidValue');
  });

  it('removes all members without a value, and replaces the list', () => {
    expect(groupPatch([{ op: 'remove', path: 'members' }])).not.toHaveProperty('members');
    expect(groupPatch([{ op: 'remove', path: 'members', value: null }])).not.toHaveProperty('members');
    expect(
      ids(groupPatch([{ op: 'replace', path: 'members', value: [{ value: 'z' }, { value: 'y' }, { value: 'Z' }] }])),
    ).toEqual(['Z', 'y']);
  });

  it('replaces displayName and externalId, with or without a path', () => {
    expect(groupPatch([{ op: 'replace', path: 'displayName', value: 'Eng' }]).displayName).toBe('Eng');
    expect(
      groupPatch([{ op: 'replace', value: { displayName: 'Ops', externalId: 'x2', id: 'ignored' } }]),
    ).toMatchObject({ id: 'g1', displayName: 'Ops', externalId: 'x2' });
    const entra = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
    expect(
      groupPatch([
        { op: 'replace', value: { [SCHEMA.group]: { displayName: 'Urn' }, [`${entra}:x`]: 1, [entra]: { y: 2 } } },
      ]).displayName,
    ).toBe('Urn');
    expect(groupPatch([{ op: 'replace', path: `${entra}:x`, value: 1 }])).toEqual(group());
    expect(groupPatch([{ op: 'remove', path: 'externalId' }])).not.toHaveProperty('externalId');
  });

  it("refuses changing a member's id or its read-only sub-attributes", () => {
    expectScimError(
      () => groupPatch([{ op: 'replace', path: 'members[value eq "a"].value', value: 'z' }]),
      400,
      'mutability',
      /cannot be changed/,
    );
    expectScimError(
      () => groupPatch([{ op: 'replace', path: 'members[value eq "a"].display', value: 'z' }]),
      400,
      'mutability',
      /read-only/,
    );
    expectScimError(
      () => groupPatch([{ op: 'replace', path: 'members.$ref', value: 'z' }]),
      400,
      'mutability',
      /read-only/,
    );
    expectScimError(
      () => groupPatch([{ op: 'remove', path: 'displayName' }]),
      400,
      'invalidValue',
      /cannot be removed/,
    );
  });

  it('refuses user attributes', () => {
    expectScimError(
      () => groupPatch([{ op: 'replace', path: 'userName', value: 'x' }]),
      400,
      'invalidPath',
      /Unknown attribute/,
    );
    expectScimError(
      () => groupPatch([{ op: 'replace', path: `${SCHEMA.user}:displayName`, value: 'x' }]),
      400,
      'invalidPath',
      /Unknown schema/,
    );
  });
});

describe('evaluate (bracket filters on one value)', () => {
  const subs = subAttributeTypes(findAttribute(USER_SCHEMA, 'emails')!);
  const item = { value: 'Alice@Example.com', type: 'work', primary: 'True' };
  const matches = (filter: string) => evaluate(parseValueFilter(filter), item, subs);

  it('compares strings case-insensitively unless caseExact, booleans in any form, and absent values', () => {
    expect(matches('value eq "alice@example.COM"')).toBe(true);
    expect(matches('VALUE sw "ALICE" and value ew ".com" and value co "@"')).toBe(true);
    expect(matches('primary eq true and not (primary eq false)')).toBe(true);
    expect(matches('type gt "a" and type lt "x"')).toBe(true);
    const noType = { value: 'x@example.com' };
    const on = (filter: string) => evaluate(parseValueFilter(filter), noType, subs);
    expect(on('type pr')).toBe(false);
    expect(on('type eq null and value ne null')).toBe(true);
    expect(on('type ne "work"')).toBe(true);
    expect(on('type eq "work"')).toBe(false);
    expect(on('primary eq false')).toBe(true); // an absent boolean is false
  });

  it('throws FilterErrors (400 invalidFilter) for what it cannot evaluate', () => {
    for (const filter of [
      'bogus eq "x"',
      'display pr',
      'value.x eq "y"',
      'primary gt true',
      'primary eq "yes"',
      'value eq 1',
      'value gt null',
    ]) {
      expect(() => matches(filter)).toThrow(FilterError);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('PATCH properties', () => {
  const PATHS = [
    'userName',
    'active',
    'displayName',
    'externalId',
    'name',
    'name.givenName',
    'name.middleName',
    'emails',
    'emails.value',
    'emails.primary',
    'emails[type eq "work"]',
    'emails[type eq "work"].value',
    'emails[primary eq "True"].type',
    'emails[value co "@" or not (type pr)]',
    'emails[bogus eq 1]',
    'groups',
    'members',
    'members[value eq "a"]',
    'members[value eq "a"].display',
    'members.value',
    'id',
    'meta',
    'schemas',
    'title',
    SCHEMA.user,
    SCHEMA.group,
    SCHEMA.enterpriseUser,
    `${SCHEMA.enterpriseUser}:manager.value`,
    `${SCHEMA.user}:name.givenName`,
    'urn:x:y',
    'emails[',
    'a.b.c',
  ];
  const json = fc.jsonValue({ maxDepth: 3 });
  const path = fc.oneof(
    fc.constantFrom(...PATHS),
    fc.mixedCase(fc.constantFrom(...PATHS)),
    fc.string({ maxLength: 12 }),
    json,
  );
  const value = fc.oneof(
    json,
    fc.constantFrom('True', 'False', true, false, null, '', [], {}),
    fc.array(
      fc.record(
        {
          value: fc.oneof(fc.constantFrom('a', 'B', 'x@example.com'), json),
          type: fc.oneof(fc.constantFrom('work', 'home', 'User', 'Group'), json),
          primary: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False')),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    fc.dictionary(fc.oneof(fc.constantFrom(...PATHS), fc.string({ maxLength: 6 })), json, { maxKeys: 4 }),
  );
  const operation = fc.record(
    { op: fc.oneof(fc.mixedCase(fc.constantFrom('add', 'replace', 'remove')), json), path, value },
    { requiredKeys: [] },
  );
  const body = fc.oneof(
    fc.record(
      {
        schemas: fc.oneof(fc.constant([SCHEMA.patchOp]), json),
        Operations: fc.oneof(fc.array(operation, { minLength: 1, maxLength: 5 }), json),
      },
      { requiredKeys: ['Operations'] },
    ),
    fc.record(
      { active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'False'), json), userName: json },
      { requiredKeys: [] },
    ),
    json,
  );

  it('parsing and applying any PatchOp throws nothing but ScimErrors, and never changes its input', () => {
    fc.assert(
      fc.property(body, fc.constantFrom('User', 'Group'), (raw, kind) => {
        const schema = kind === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
        const doc = kind === 'User' ? user() : group();
        try {
          const request = parsePatchRequest(raw, schema === USER_SCHEMA);
          const out = applyPatch(doc, request.kind === 'operations' ? request.operations : [], schema);
          expect(out.id).toBe(doc.id);
          expect(out.schemas).toEqual(doc.schemas);
        } catch (err) {
          if (!(err instanceof ScimError) || err.getStatus() !== 400 || !err.scimType) throw err;
        }
        expect(doc).toEqual(schema === USER_SCHEMA ? user() : group());
      }),
      { numRuns: 2000 },
    );
  });

  it('an operation that succeeds alone changes nothing more when it is repeated (add, replace and remove are idempotent here)', () => {
    fc.assert(
      fc.property(operation, fc.constantFrom('User', 'Group'), (op, kind) => {
        const schema = kind === 'User' ? USER_SCHEMA : GROUP_SCHEMA;
        const doc = kind === 'User' ? user() : group();
        let once: Doc;
        let operations: PatchOperation[];
        try {
          const request = parsePatchRequest({ Operations: [op] }, false);
          operations = (request as { operations: PatchOperation[] }).operations;
          once = applyPatch(doc, operations, schema);
        } catch (err) {
          if (err instanceof ScimError) return;
          throw err;
        }
        // Values without a `value` cannot be told apart (the services refuse them anyway).
        const keyless = (list: unknown) =>
          Array.isArray(list) && list.some((item: Doc) => typeof item.value !== 'string');
        fc.pre(!keyless(once.emails) && !keyless(once.members));
        let twice: Doc;
        try {
          twice = applyPatch(once, operations, schema);
        } catch (err) {
          // A replace through a filter whose values it changed selects nothing the second time.
          if (err instanceof ScimError && err.scimType === 'noTarget') return;
          throw err;
        }
        expect(twice).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });
});
