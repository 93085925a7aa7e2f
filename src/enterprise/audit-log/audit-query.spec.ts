import { ApiError } from '../../common/errors.js';
import { parseAuditSearch, parseGoDate } from './audit-query.js';

const ME = '11111111-2222-3333-4444-555555555555';

function problems(q: string) {
  try {
    parseAuditSearch(q, ME);
  } catch (err) {
    expect((err as ApiError).getStatus()).toBe(400);
    return (err as ApiError).body;
  }
  throw new Error(`expected a 400 for ${q}`);
}

describe('GET /audit ?q= (Coder searchquery.AuditLogs)', () => {
  it('parses every key, lower-cases, and treats a bare word as the resource type', () => {
    expect(
      parseAuditSearch(
        'USER action:Create resource_id:AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee resource_target:Bob ' +
          'username:Alice email:A@X.io date_from:2024-02-28 date_to:2024-02-29 build_reason:autostart',
        ME,
      ),
    ).toEqual({
      resourceType: 'user',
      action: 'create',
      resourceId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      resourceTarget: 'bob',
      username: 'alice',
      email: 'a@x.io',
      dateFrom: new Date('2024-02-28T00:00:00.000Z'),
      dateTo: new Date('2024-02-29T23:59:59.999Z'),
      buildReason: 'autostart',
    });
  });

  it('maps username:me to the caller and ignores empty queries and values', () => {
    expect(parseAuditSearch('username:me', ME)).toEqual({ userId: ME });
    expect(parseAuditSearch('', ME)).toEqual({});
    expect(parseAuditSearch(undefined, ME)).toEqual({});
    expect(parseAuditSearch('   action:""  ', ME)).toEqual({});
  });

  it('keeps quoted values whole, colons included', () => {
    expect(parseAuditSearch('resource_target:"a:b c"', ME)).toEqual({ resourceTarget: 'a:b c' });
  });

  it('rejects structural problems with a single validation on q', () => {
    expect(problems('a:b:c')).toEqual({
      message: 'Invalid audit search query.',
      validations: [{ field: 'q', detail: `Query element "a:b:c" can only contain 1 ':'` }],
    });
    expect(problems(':user').validations).toEqual([
      { field: 'q', detail: `Query element ":user" cannot start or end with ':'` },
    ]);
    expect(problems('user api_key').validations).toEqual([
      { field: 'q', detail: 'Query parameter "resource_type" provided more than once, found 2 times' },
    ]);
    expect(problems('action:create action:login action:write').validations).toEqual([
      { field: 'q', detail: 'Query parameter "action" provided more than once, found 3 times' },
    ]);
  });

  it('collects value problems, then unknown keys', () => {
    expect(
      problems('colour:red action:fly resource_id:nope resource_type:users build_reason:manual').validations,
    ).toEqual([
      { field: 'resource_id', detail: 'Query param "resource_id" must be a valid uuid' },
      { field: 'resource_type', detail: 'Query param "resource_type" has invalid value: "users" is not a valid value' },
      { field: 'action', detail: 'Query param "action" has invalid value: "fly" is not a valid value' },
      { field: 'build_reason', detail: 'Query param "build_reason" has invalid value: "manual" is not a valid value' },
      { field: 'colour', detail: 'Query param "colour" is not a valid query param' },
    ]);
  });

  it("rejects bad dates with Go's parse error, and date_to before date_from", () => {
    expect(problems('date_from:yesterday').validations).toEqual([
      {
        field: 'date_from',
        detail:
          'Query param "date_from" must be a valid date format (2006-01-02): ' +
          'parsing time "yesterday" as "2006-01-02": cannot parse "yesterday" as "2006"',
      },
    ]);
    expect(problems('date_from:2024-03-01 date_to:2024-02-01').validations).toEqual([
      { field: 'q', detail: 'DateTo value "2024-02-01 23:59:59 +0000 UTC" cannot be before than DateFrom' },
    ]);
    expect(parseAuditSearch('date_from:2024-02-01 date_to:2024-02-01', ME).dateTo).toEqual(
      new Date('2024-02-01T23:59:59.999Z'),
    );
  });

  it('follows Go time.Parse for the 2006-01-02 layout', () => {
    expect(parseGoDate('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(parseGoDate('0099-01-01')).toEqual(new Date('0099-01-01T00:00:00Z'));
    expect(parseGoDate('2024/01/01')).toBe('parsing time "2024/01/01" as "2006-01-02": cannot parse "/01/01" as "-"');
    expect(parseGoDate('2024-1-01')).toBe('parsing time "2024-1-01" as "2006-01-02": cannot parse "1-01" as "01"');
    expect(parseGoDate('2024-01-1')).toBe('parsing time "2024-01-1" as "2006-01-02": cannot parse "1" as "02"');
    expect(parseGoDate('2024-13-01')).toBe('parsing time "2024-13-01": month out of range');
    expect(parseGoDate('2023-02-29')).toBe('parsing time "2023-02-29": day out of range');
    expect(parseGoDate('2024-01-00')).toBe('parsing time "2024-01-00": day out of range');
    expect(parseGoDate('2024-01-01t00')).toBe('parsing time "2024-01-01t00": extra text: "t00"');
  });
});
