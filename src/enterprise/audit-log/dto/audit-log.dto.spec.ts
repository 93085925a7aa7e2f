import { toAuditDiff } from './audit-log.dto.js';

describe('toAuditDiff (codersdk.AuditDiffField: old/new omitempty, secret always)', () => {
  it('leaves out a missing or null old/new and keeps empty values', () => {
    expect(
      toAuditDiff({
        created: { old: null, new: 'x', secret: false },
        removed: { old: 'x', new: null, secret: false },
        emptied: { old: 'x', new: '', secret: false },
        zeroes: { old: 0, new: false, secret: false },
        lists: { old: [], new: {} },
        nothing: { old: null, new: null, secret: false },
      }),
    ).toEqual({
      created: { new: 'x', secret: false },
      removed: { old: 'x', secret: false },
      emptied: { old: 'x', new: '', secret: false },
      zeroes: { old: 0, new: false, secret: false },
      lists: { old: [], new: {}, secret: false },
      nothing: { secret: false },
    });
  });

  it('always sends secret as a boolean, true only when stored as true', () => {
    expect(
      toAuditDiff({
        a: { old: '', new: '', secret: true },
        b: { old: 1, new: 2, secret: 'yes' },
        c: { old: 1, new: 2 },
      }),
    ).toEqual({
      a: { old: '', new: '', secret: true },
      b: { old: 1, new: 2, secret: false },
      c: { old: 1, new: 2, secret: false },
    });
  });

  it('drops entries that are not objects and answers {} for a diff that is not one', () => {
    expect(toAuditDiff({ ok: { new: 1, secret: false }, junk: 'x', list: [1], none: null })).toEqual({
      ok: { new: 1, secret: false },
    });
    for (const diff of [null, undefined, 'x', [], 3]) expect(toAuditDiff(diff)).toEqual({});
  });
});
