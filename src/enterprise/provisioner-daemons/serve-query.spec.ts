import { ApiError } from '../../common/errors.js';
import { parseServeQuery } from './serve-query.js';

function refusal(query: string): { status: number; body: unknown } {
  try {
    parseServeQuery(new URLSearchParams(query));
  } catch (err) {
    if (err instanceof ApiError) return { status: err.getStatus(), body: err.body };
    throw err;
  }
  throw new Error(`accepted ${query}`);
}

describe('the serve query', () => {
  it('collapses duplicate provisioners and splits tags at the first =', () => {
    expect(
      parseServeQuery(
        new URLSearchParams(
          'provisioner=echo&provisioner=terraform&provisioner=echo&tag=a=b=c&tag=empty=&tag=a=d&name=my.daemon-1&version=v1.0.0%2Bdev',
        ),
      ),
    ).toEqual({
      provisioners: ['echo', 'terraform'],
      tags: { a: 'd', empty: '' },
      name: 'my.daemon-1',
      version: 'v1.0.0+dev',
    });
    expect(parseServeQuery(new URLSearchParams('provisioner=echo&name='))).toEqual({
      provisioners: ['echo'],
      tags: {},
      name: undefined,
      version: undefined,
    });
  });

  it.each([
    ['', { message: 'The provisioner query parameter must be specified.' }],
    ['provisioner=', { message: 'Unknown provisioner type ""' }],
    ['provisioner=Echo', { message: 'Unknown provisioner type "Echo"' }],
    ['provisioner=echo&tag=x', { message: 'Invalid format for tag "x". Key and value must be separated with =.' }],
    [
      'provisioner=echo&tag==v',
      { message: 'Given tags are not acceptable to the service', detail: expect.stringContaining('tag key ""') },
    ],
    [
      `provisioner=echo&tag=k=${'v'.repeat(257)}`,
      { message: 'Given tags are not acceptable to the service', detail: expect.stringContaining('256') },
    ],
    [
      'provisioner=echo&name=a/b',
      {
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'name', detail: expect.any(String) }],
      },
    ],
    [
      'provisioner=echo&version=1 2',
      {
        message: 'Query parameters have invalid values.',
        validations: [{ field: 'version', detail: expect.any(String) }],
      },
    ],
  ])('refuses %j', (query, body) => {
    expect(refusal(query)).toEqual({ status: 400, body });
  });

  it('refuses more than 32 tags', () => {
    const tags = Array.from({ length: 33 }, (_, i) => `tag=k${i}=v`).join('&');
    expect(refusal(`provisioner=echo&${tags}`)).toEqual({
      status: 400,
      body: { message: 'Given tags are not acceptable to the service', detail: 'at most 32 tags are allowed' },
    });
  });
});
