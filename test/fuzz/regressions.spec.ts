import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ApiError } from '../../src/common/errors.js';
import { TemplateEntity } from '../../src/core/templates/entities/template.entity.js';
import { newTemplateSettings, patchedTemplate } from '../../src/core/templates/template-settings.js';
import { CreateFirstUserRequest, CreateUserRequest } from '../../src/core/users/dto/create-user.dto.js';
import { filterToSql, SqlParams, type Catalog } from '../../src/enterprise/scim/filter/scim-filter-sql.js';
import { parseFilter } from '../../src/enterprise/scim/filter/scim-filter.js';
import { FilterError } from '../../src/enterprise/scim/http/scim.errors.js';

/**
 * Causes of 500s that `npm run fuzz` found, each fixed where it lay: the pure logic, checked on
 * the exact inputs (the e2e fuzz pass sends the HTTP requests).
 */
describe('fuzz findings, fixed at their cause', () => {
  describe('an email with a lone surrogate is a validation error, not a URIError', () => {
    it.each<new () => object>([CreateFirstUserRequest, CreateUserRequest])('%p', async (dto) => {
      for (const email of ['\ud800@example.com', 'a@\udc00.com', 'a\ud800b@example.com']) {
        const errors = await validate(
          plainToInstance(dto, { email, username: 'someone', password: 'SomeStrongPassword!' }),
        );
        expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([['email', ['isEmail']]]);
      }
      // A well-formed address is still accepted.
      expect(
        await validate(
          plainToInstance(dto, { email: 'someone@example.com', username: 'someone', password: 'SomeStrongPassword!' }),
        ),
      ).toEqual([]);
    });
  });

  describe('SCIM filters naming an Object.prototype member are invalid filters, not TypeErrors', () => {
    const catalog: Catalog = {
      urn: 'urn:ietf:params:scim:schemas:core:2.0:User',
      attributes: {
        username: { kind: 'column', type: 'string', sql: 'u.username' },
        emails: {
          kind: 'complex',
          defaultSub: 'value',
          sub: { value: { kind: 'column', type: 'string', sql: 'e.value' } },
        },
      },
    };
    it.each([
      'constructor.prototype eq "x"',
      'constructor pr',
      'emails[constructor eq "x"]',
      'emails.constructor eq "x"',
      'toString eq "x"',
      'emails[hasOwnProperty pr]',
    ])('%s', (filter) => {
      expect(() => filterToSql(parseFilter(filter), catalog, new SqlParams())).toThrow(FilterError);
    });
  });

  describe('template durations beyond a bigint of nanoseconds are refused', () => {
    const base = { name: 'docker', template_version_id: '11111111-1111-4111-8111-111111111111' };
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof ApiError ? [err.getStatus(), err.body.validations?.map((v) => v.field)] : err;
      }
      return 'accepted';
    };

    it('on create', () => {
      for (const value of [9_007_199_254_740_993, 1e18, 1e26]) {
        for (const field of [
          'default_ttl_ms',
          'inactivity_ttl_ms',
          'dormant_ttl_ms',
          'delete_ttl_ms',
          'activity_bump_ms',
        ]) {
          expect(refusal(() => newTemplateSettings({ ...base, [field]: value }))).toEqual([400, [field]]);
        }
      }
      // The longest that fits is still accepted, and stored as whole nanoseconds.
      const settings = newTemplateSettings({ ...base, inactivity_ttl_ms: 9_223_372_036_854 });
      expect(String(settings.inactivityTtl)).toBe('9223372036854000000');
    });

    it('on update', () => {
      const template = Object.assign(new TemplateEntity(), {
        defaultTtl: 0,
        maxTtl: 0,
        failureTtl: 0,
        inactivityTtl: 0,
        lockedTtl: 0,
        activityBump: 0,
      });
      for (const field of [
        'default_ttl_ms',
        'max_ttl_ms',
        'activity_bump_ms',
        'failure_ttl_ms',
        'time_til_dormant_ms',
        'inactivity_ttl_ms',
        'locked_ttl_ms',
      ]) {
        expect(refusal(() => patchedTemplate(template, { [field]: 1e18 }))).toEqual([400, [field]]);
      }
    });
  });
});
