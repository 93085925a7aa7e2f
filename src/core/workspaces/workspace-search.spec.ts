import { ApiError } from '../../common/errors.js';
import { parseWorkspaceSearch } from './workspace-search.js';

function details(q: string): string[] {
  try {
    parseWorkspaceSearch(q);
  } catch (err) {
    if (err instanceof ApiError) {
      expect(err.body.message).toBe('Invalid workspace search query.');
      return (err.body.validations ?? []).map((v) => v.detail);
    }
    throw err;
  }
  throw new Error('expected an error');
}

describe('workspace search', () => {
  it('parses keys, bare names and owner/name', () => {
    expect(parseWorkspaceSearch('')).toEqual({});
    expect(parseWorkspaceSearch('owner:me template:Docker status:running')).toEqual({
      owner: 'me',
      template: 'docker',
      status: 'running',
    });
    expect(parseWorkspaceSearch('dev')).toEqual({ name: 'dev' });
    expect(parseWorkspaceSearch('alice/dev')).toEqual({ owner: 'alice', name: 'dev' });
    expect(parseWorkspaceSearch('name:"my ws"')).toEqual({ name: 'my ws' });
  });

  it("parses the dashboard's dormancy and activity filters (days and RFC 3339 times)", () => {
    expect(parseWorkspaceSearch('owner:me dormant_at:1970-01-01')).toEqual({
      owner: 'me',
      dormantAt: new Date('1970-01-01T00:00:00Z'),
    });
    expect(parseWorkspaceSearch('deleting_by:2026-12-31 has-agent:connected')).toEqual({
      deletingBy: new Date('2026-12-31T00:00:00Z'),
      hasAgent: 'connected',
    });
    // The query is lower-cased before parsing, so the RFC 3339 letters are accepted in any case.
    expect(
      parseWorkspaceSearch('last_used_after:"2026-01-02t03:04:05z" last_used_before:"2026-02-01T00:00:00.5+01:00"'),
    ).toEqual({
      lastUsedAfter: new Date('2026-01-02T03:04:05Z'),
      lastUsedBefore: new Date('2026-01-31T23:00:00.500Z'),
    });
    expect(details('dormant_at:1970-13-01')).toEqual([
      'Query param "dormant_at" must be a valid date format (2006-01-02): cannot parse "1970-13-01"',
    ]);
    expect(details('last_used_after:yesterday')[0]).toContain(
      'Query param "last_used_after" must be a valid date format',
    );
    // Unquoted, the colons of a time split the element, as in Coder.
    expect(details('last_used_after:2026-01-02t03:04:05z')).toEqual([
      `Query element "last_used_after:2026-01-02t03:04:05z" can only contain 1 ':'`,
    ]);
  });

  it("parses the current dashboard's keys", () => {
    const id = '5f3b7a58-56a5-4c1e-9b7f-6c4a2d1e0f11';
    expect(parseWorkspaceSearch(`id:${id} organization:Acme outdated:true dormant:false shared:f`)).toEqual({
      ids: [id],
      organization: 'acme',
      outdated: true,
    });
    expect(parseWorkspaceSearch('dormant:true')).toEqual({ matchesNone: true });
    expect(parseWorkspaceSearch('healthy:false')).toEqual({ matchesNone: true });
    expect(parseWorkspaceSearch('param:region param:size=Large,zone')).toEqual({
      hasParams: ['region', 'zone'],
      paramValues: [{ name: 'size', value: 'large' }],
    });
    expect(details('outdated:yes')).toEqual([
      'Query param "outdated" must be a valid boolean: strconv.ParseBool: parsing "yes": invalid syntax',
    ]);
    expect(details('param:a=b=c')[0]).toContain(`can only contain 1 '='`);
  });

  it("reports every problem in Coder's words", () => {
    expect(details('owner:')).toEqual([`Query element "owner:" cannot start or end with ':'`]);
    expect(details('a:b:c')).toEqual([`Query element "a:b:c" can only contain 1 ':'`]);
    expect(details('a/b/c')).toEqual([`Query element "a/b/c" can only contain 1 '/'`]);
    expect(details('color:red')).toEqual(['Query param "color" is not a valid query param']);
    expect(details('owner:a owner:b')).toEqual(['Query parameter "owner" provided more than once, found 2 times']);
    expect(details('status:sleeping')[0]).toContain('Query param "status" has invalid value "sleeping"');
  });
});
