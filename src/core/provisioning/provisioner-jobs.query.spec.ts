import { ApiError } from '../../common/errors.js';
import { parseJobListQuery } from './provisioner-jobs.query.js';

const ID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

function refusal(query: Record<string, unknown>): { status: number; body: unknown } {
  try {
    parseJobListQuery(query);
  } catch (err) {
    if (err instanceof ApiError) return { status: err.getStatus(), body: err.body };
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('the provisioner jobs list query', () => {
  it('defaults to 50 jobs; 0 (or empty values) mean every job and no filter', () => {
    expect(parseJobListQuery({})).toEqual({ limit: 50 });
    expect(parseJobListQuery({ limit: '0', status: '', ids: '', tags: '', initiator: '' })).toEqual({});
  });

  it('reads lists as CSV and repeated values, lower-cases ids, and keeps a tags object', () => {
    expect(
      parseJobListQuery({
        limit: '7',
        status: ['pending,running', 'failed'],
        ids: `${ID.toUpperCase()},${ID}`,
        tags: '{"pool":"gpu"}',
        initiator: ID,
      }),
    ).toEqual({
      limit: 7,
      statuses: ['pending', 'running', 'failed'],
      ids: [ID, ID],
      tags: { pool: 'gpu' },
      initiatorId: ID,
    });
  });

  it("answers every problem at once, in Coder's words", () => {
    expect(refusal({ limit: '-1', status: 'pending,bogus', ids: 'x', tags: '[]', initiator: ['a', 'b'] })).toEqual({
      status: 400,
      body: {
        message: 'Invalid query parameters.',
        validations: [
          { field: 'limit', detail: 'Query param "limit" must be a valid 32-bit positive integer: "-1"' },
          { field: 'ids', detail: 'Query param "ids" has invalid values: x' },
          {
            field: 'status',
            detail:
              'Query param "status" has invalid values: bogus (valid: pending, running, succeeded, canceling, canceled, failed, unknown)',
          },
          { field: 'tags', detail: 'Query param "tags" must be a valid JSON object: not an object' },
          {
            field: 'initiator',
            detail:
              'Query param "initiator" provided more than once, found 2 times. Only provide 1 instance of this query param.',
          },
        ],
      },
    });
    expect(refusal({ limit: '2147483648' }).status).toBe(400);
    expect(refusal({ tags: '{"a":1}' }).body).toMatchObject({ validations: [{ field: 'tags' }] });
  });
});
