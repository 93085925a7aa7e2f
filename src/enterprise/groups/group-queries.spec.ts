import type { ApiError } from '../../common/errors.js';
import { badRequest } from '../../common/errors.js';
import type { Actor } from '../../core/rbac/actor.js';
import { asMemberSearchError, groupScopeOf, parseExcludeMembers, parseGroupListQuery } from './group-queries.js';

const A = '3f0e9d43-52a4-4c1e-9b7e-0a2b1a6f1c11';
const B = 'A1B2C3D4-0000-4000-8000-000000000002';

function bodyOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return (err as ApiError).body;
  }
  throw new Error('did not throw');
}

describe('parseGroupListQuery (Coder api.groups parameters)', () => {
  it('reads organization, has_member and group_ids (comma-separated, repeated, trimmed, lower-cased)', () => {
    expect(parseGroupListQuery({ organization: 'acme', has_member: 'me', group_ids: [`${A}, ${B}`, A] }, true)).toEqual(
      {
        organization: 'acme',
        hasMember: 'me',
        groupIds: [A, B.toLowerCase(), A],
        page: { limit: undefined, offset: 0 },
      },
    );
  });

  it('reads the page: limit (0 or absent: every group) and offset', () => {
    expect(parseGroupListQuery({ limit: '25', offset: '50' }, true).page).toEqual({ limit: 25, offset: 50 });
    expect(parseGroupListQuery({ limit: '0' }, true).page).toEqual({ limit: undefined, offset: 0 });
    expect(bodyOf(() => parseGroupListQuery({ limit: 'ten', offset: '-1' }, false))).toEqual({
      message: 'Query parameters have invalid values.',
      validations: [
        { field: 'limit', detail: 'Query param "limit" must be a valid integer ("ten")' },
        { field: 'offset', detail: 'Query param "offset" must be between 0 and 1000000000' },
      ],
    });
    expect(bodyOf(() => parseGroupListQuery({ limit: '1001' }, true))).toEqual({
      message: 'Query parameters have invalid values.',
      validations: [{ field: 'limit', detail: 'Query param "limit" must be between 0 and 1000' }],
    });
  });

  it('treats empty values as absent', () => {
    expect(parseGroupListQuery({ organization: '', has_member: '', group_ids: '' }, true)).toEqual({
      organization: undefined,
      hasMember: undefined,
      groupIds: [],
      page: { limit: undefined, offset: 0 },
    });
  });

  it('answers Go uuid.Parse errors for bad group ids, joined', () => {
    expect(bodyOf(() => parseGroupListQuery({ group_ids: `abc,${'x'.repeat(36)}` }, true))).toEqual({
      message: 'Query parameters have invalid values.',
      validations: [
        {
          field: 'group_ids',
          detail: 'Query param "group_ids" has invalid values: invalid UUID length: 3\ninvalid UUID format',
        },
      ],
    });
  });

  it('refuses unknown parameters only when strict', () => {
    expect(bodyOf(() => parseGroupListQuery({ colour: 'blue' }, true))).toEqual({
      message: 'Query parameters have invalid values.',
      validations: [{ field: 'colour', detail: '"colour" is not a valid query param' }],
    });
    expect(parseGroupListQuery({ colour: 'blue' }, false).groupIds).toEqual([]);
  });
});

describe('parseExcludeMembers', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['FALSE', false],
    [undefined, false],
  ])('%s → %s', (value, expected) => {
    expect(parseExcludeMembers({ exclude_members: value })).toBe(expected);
  });

  it('refuses a non-boolean', () => {
    expect(bodyOf(() => parseExcludeMembers({ exclude_members: 'maybe' }))).toMatchObject({
      validations: [{ field: 'exclude_members' }],
    });
  });
});

describe('asMemberSearchError', () => {
  it('re-labels the user search 400 and leaves other errors alone', () => {
    const validations = [{ field: 'status', detail: 'x' }];
    const relabelled = asMemberSearchError(badRequest('Invalid user search query.', undefined, validations));
    expect((relabelled as ApiError).body).toEqual({ message: 'Invalid member search query.', validations });
    const other = new Error('boom');
    expect(asMemberSearchError(other)).toBe(other);
  });
});

describe('groupScopeOf', () => {
  const actor = (siteRoles: string[], orgRoles: [string, string[]][], groupIds: string[] = []): Actor =>
    ({ id: 'u', siteRoles, orgRoles: new Map(orgRoles), groupIds }) as unknown as Actor;

  it('is everything for site-wide group readers', () => {
    expect(groupScopeOf(actor(['owner'], []))).toEqual({ all: true });
  });

  it('is the administered organizations plus the own groups otherwise', () => {
    expect(
      groupScopeOf(
        actor(
          [],
          [
            [A, ['organization-admin']],
            [B, []],
          ],
          [B, 'g1'],
        ),
      ),
    ).toEqual({
      all: false,
      organizationIds: [A],
      groupIds: [B, 'g1'],
    });
  });
});
