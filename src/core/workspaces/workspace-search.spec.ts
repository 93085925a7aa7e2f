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
    expect(parseWorkspaceSearch('owner:me template:Docker status:running')).toEqual({ owner: 'me', template: 'docker', status: 'running' });
    expect(parseWorkspaceSearch('dev')).toEqual({ name: 'dev' });
    expect(parseWorkspaceSearch('alice/dev')).toEqual({ owner: 'alice', name: 'dev' });
    expect(parseWorkspaceSearch('name:"my ws"')).toEqual({ name: 'my ws' });
  });

  it('reports every problem in Coder\'s words', () => {
    expect(details('owner:')).toEqual([`Query element "owner:" cannot start or end with ':'`]);
    expect(details('a:b:c')).toEqual([`Query element "a:b:c" can only contain 1 ':'`]);
    expect(details('a/b/c')).toEqual([`Query element "a/b/c" can only contain 1 '/'`]);
    expect(details('color:red')).toEqual(['Query param "color" is not a valid query param']);
    expect(details('owner:a owner:b')).toEqual(['Query parameter "owner" provided more than once, found 2 times']);
    expect(details('status:sleeping')[0]).toContain('Query param "status" has invalid value "sleeping"');
  });
});
