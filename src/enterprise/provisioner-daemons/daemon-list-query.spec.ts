import { ApiError } from '../../common/errors.js';
import { parseDaemonListQuery } from './daemon-list-query.js';

const ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

function problems(query: Record<string, unknown>): unknown {
  try {
    parseDaemonListQuery(query);
  } catch (err) {
    return (err as ApiError).body;
  }
  throw new Error('parsed');
}

describe('parseDaemonListQuery', () => {
  it('defaults as Coder: limit 50, nothing else; empty values count as absent; unknown ones ignored', () => {
    const none = { limit: 50, ids: null, tags: null, offline: null, statuses: null, maxAgeMs: null };
    expect(parseDaemonListQuery({})).toEqual(none);
    expect(
      parseDaemonListQuery({ limit: '', ids: '', tags: '', status: '', offline: '', max_age: '', x: 'y' }),
    ).toEqual(none);
  });

  it('parses every parameter: lists as CSV and/or repeated, limit 0 = none, Go durations', () => {
    expect(
      parseDaemonListQuery({
        limit: '0',
        ids: [`${ID.toUpperCase()}, ${ID}`, ID],
        tags: '{"pool":"a"}',
        status: ['idle,busy', 'offline'],
        offline: 'TRUE',
        max_age: '1h30m',
      }),
    ).toEqual({
      limit: null,
      ids: [ID, ID, ID],
      tags: { pool: 'a' },
      statuses: ['idle', 'busy', 'offline'],
      offline: true,
      maxAgeMs: 5_400_000,
    });
    expect(parseDaemonListQuery({ limit: '7', offline: 'f', tags: 'null', max_age: '0s' })).toMatchObject({
      limit: 7,
      offline: false,
      tags: {},
      maxAgeMs: null,
    });
  });

  it.each([
    [{ limit: '-1' }, 'limit', 'Query param "limit" must be a valid 32-bit positive integer: value is negative'],
    [{ limit: '1.5' }, 'limit', 'Query param "limit" must be a valid 32-bit positive integer: invalid syntax: "1.5"'],
    [
      { limit: ['1', '2'] },
      'limit',
      'Query param "limit" provided more than once, found 2 times. Only provide 1 instance of this query param.',
    ],
    [{ ids: `${ID},x` }, 'ids', 'Query param "ids" has invalid values: invalid UUID "x"'],
    [{ tags: '"a"' }, 'tags', 'Query param "tags" must be a valid JSON object: cannot decode "\\"a\\"" as an object'],
    [
      { tags: '{"a":"\\u0000"}' },
      'tags',
      'Query param "tags" must be a valid JSON object: tags cannot contain the null byte (0x00)',
    ],
    [{ offline: 'yes' }, 'offline', 'Query param "offline" must be a valid boolean: invalid syntax: "yes"'],
    [
      { status: 'idle,IDLE' },
      'status',
      'Query param "status" has invalid values: "IDLE" is not a valid value (one of offline, idle, busy)',
    ],
  ])('400 for %j', (query, field, detail) => {
    expect(problems(query)).toEqual({ message: 'Invalid query parameters.', validations: [{ field, detail }] });
  });
});
