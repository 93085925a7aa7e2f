import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { CODER_NAME_MAX, CODER_NAME_RE } from './validation.js';

/** Coder's Go SDK sends `uuid.UUID` fields it has no value for as the nil UUID. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Absent the way Go's validator and SDK see it: missing, null, empty or the nil UUID. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === NIL_UUID;
}

/** Validator details worded like go-playground's (`Validation failed for tag "<tag>" with value: "<v>"`). */
function coderRule(
  tag: string,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  options?: ValidationOptions,
) {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: `coder:${tag}`,
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) =>
          `Validation failed for tag "${tag}" with value: "${isAbsent(args.value) ? '' : String(args.value)}"`,
        ...options,
      },
      validator: { validate },
    });
}

/** go-playground `required_without=<other>`: this field or `other` must be given. */
export function RequiredWithout(other: string): PropertyDecorator {
  return coderRule(
    'required_without',
    (value, args) => !isAbsent(value) || !isAbsent((args.object as Record<string, unknown>)[other]),
  );
}

/** go-playground `excluded_with=<other>`: this field must not be given together with `other`. */
export function ExcludedWith(other: string): PropertyDecorator {
  return coderRule(
    'excluded_with',
    (value, args) => isAbsent(value) || isAbsent((args.object as Record<string, unknown>)[other]),
  );
}

/** Coder's `template_version_name`: at most 64 characters, alphanumeric groups joined by single `_`, `.` or `-`. */
export const TEMPLATE_VERSION_NAME_RE = /^[a-zA-Z0-9]+(?:[_.-][a-zA-Z0-9]+)*$/;

export function IsTemplateVersionName(): PropertyDecorator {
  return coderRule(
    'template_version_name',
    (value) => typeof value === 'string' && value.length <= 64 && TEMPLATE_VERSION_NAME_RE.test(value),
  );
}

/** Coder's `template_display_name`: empty, or at most 64 characters without surrounding whitespace. */
export function IsTemplateDisplayName(): PropertyDecorator {
  return coderRule(
    'template_display_name',
    (value) => typeof value === 'string' && (value === '' || (value.length <= 64 && /^[^\s](.*[^\s])?$/.test(value))),
  );
}

/** Coder's NameValid under the tag a route uses (`template_name`, `workspace_name`). */
export function IsCoderNameTagged(tag: string): PropertyDecorator {
  return coderRule(
    tag,
    (value) => typeof value === 'string' && value.length <= CODER_NAME_MAX && CODER_NAME_RE.test(value),
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID when given; absent values (see `isAbsent`) pass, for fields paired with `RequiredWithout`. */
export function IsUuidIfPresent(): PropertyDecorator {
  return coderRule('uuid', (value) => isAbsent(value) || (typeof value === 'string' && UUID_RE.test(value)));
}

const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * A JSON time as Go's `time.Time` decodes it: RFC 3339 with a zone (`2026-12-07T09:30:00Z`,
 * `…+01:00`, fractions of a second allowed); undefined for anything else, an impossible date
 * (February 30) or hour included. Go keeps nanoseconds; the Date keeps milliseconds.
 */
export function parseRfc3339(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RFC3339_RE.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const zoneH = m[9] === undefined ? 0 : Number(m[9]);
  const zoneM = m[10] === undefined ? 0 : Number(m[10]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || zoneH > 23 || zoneM > 59) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** A required RFC 3339 time (see `parseRfc3339`); Go's decoder refuses anything else. */
export function IsRfc3339Time(): PropertyDecorator {
  return coderRule('required', (value) => parseRfc3339(value) !== undefined, {
    message: (args: ValidationArguments) =>
      isAbsent(args.value)
        ? `Validation failed for tag "required" with value: ""`
        : `${args.property} must be an RFC 3339 time with a zone, such as "2026-12-07T09:30:00Z"`,
  });
}
