import { ApiError } from '../../common/errors.js';
import { parseUserSearch } from './user-search.js';

function problems(q: string) {
  try {
    parseUserSearch(q);
  } catch (err) {
    return (err as ApiError).body;
  }
  throw new Error('expected a 400');
}

describe('GET /users ?q= (Coder search syntax)', () => {
  it('parses words, status, role and dates', () => {
    expect(parseUserSearch('Alice status:active,suspended role:owner last_seen_after:2024-01-01T00:00:00Z')).toEqual({
      search: 'alice',
      statuses: ['active', 'suspended'],
      roles: ['owner'],
      lastSeenAfter: new Date('2024-01-01T00:00:00Z'),
    });
    expect(parseUserSearch('"bob smith"')).toEqual({ search: 'bob smith' });
    expect(parseUserSearch('')).toEqual({});
  });

  it("parses Coder's current keys: name, login_type, github_com_user_id, service_account", () => {
    expect(parseUserSearch('name:Grace login_type:oidc,password github_com_user_id:42 service_account:T')).toEqual({
      name: 'grace',
      loginTypes: ['oidc', 'password'],
      githubComUserId: '42',
      isServiceAccount: true,
    });
    // 0 is Coder's "no filter"; 1/0/f/false are booleans too (Go's strconv.ParseBool).
    expect(parseUserSearch('github_com_user_id:0 service_account:0')).toEqual({ isServiceAccount: false });
    expect(problems('github_com_user_id:99999999999999999999').validations?.[0].detail).toBe(
      'Query param "github_com_user_id" must be a valid 64-bit integer: strconv.ParseInt: parsing "99999999999999999999": value out of range',
    );
  });

  it("rejects bad queries with Coder's messages", () => {
    expect(problems('status:gone')).toEqual({
      message: 'Invalid user search query.',
      validations: [{ field: 'status', detail: 'Query param "status" has invalid values: gone' }],
    });
    expect(problems('colour:red').validations).toEqual([
      { field: 'colour', detail: 'Query param "colour" is not a valid query param' },
    ]);
    expect(problems(':x').validations?.[0].detail).toBe(`Query element ":x" cannot start or end with ':'`);
    expect(problems('a:b:c').validations?.[0].detail).toBe(`Query element "a:b:c" can only contain 1 ':'`);
    expect(problems('role:a role:b').validations?.[0].detail).toBe(
      'Query parameter "role" provided more than once, found 2 times',
    );
    expect(problems('created_after:yesterday').validations?.[0].field).toBe('created_after');
  });
});
