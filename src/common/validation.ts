import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, registerDecorator, type ValidationOptions, type ValidatorOptions } from 'class-validator';
import { validationFailed, type ValidationEntry } from './errors.js';
import { MalformedBody } from './http/malformed-body.js';

/** Coder's validator tag names for the constraints we use, so details read like Coder's. */
const CODER_TAGS: Record<string, string> = {
  isDefined: 'required',
  isNotEmpty: 'required',
  isEmail: 'email',
  isCoderName: 'username',
  isUuid: 'uuid',
  isIn: 'oneof',
  maxLength: 'max',
  minLength: 'min',
  arrayMaxSize: 'max',
};

function renderValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.length > 256 ? `${value.slice(0, 256)}…` : value;
  try {
    const text = JSON.stringify(value);
    return text.length > 256 ? `${text.slice(0, 256)}…` : text;
  } catch {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last resort for what JSON cannot encode (a BigInt, a cycle)
    return String(value);
  }
}

function flatten(errors: ValidationError[], prefix = ''): ValidationEntry[] {
  const out: ValidationEntry[] = [];
  for (const err of errors) {
    const field = prefix ? `${prefix}.${err.property}` : err.property;
    const constraints = err.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.length > 0) {
      // Report the most basic failure first: a missing value before a malformed one.
      const name = names.find((n) => n === 'isDefined' || n === 'isNotEmpty') ?? names[0];
      const tag = CODER_TAGS[name];
      out.push({
        field,
        detail: tag ? `Validation failed for tag "${tag}" with value: "${renderValue(err.value)}"` : constraints[name],
      });
    } else if (err.children && err.children.length > 0) {
      // Only a field that is right as a whole reports its parts: an object where a list belongs
      // is one validation, not one more for each of its keys.
      out.push(...flatten(err.children, field));
    }
  }
  return out;
}

/** A DTO class, as `value.constructor` gives it (lib.d.ts types that as `Function`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's metadata API takes `Function`
type DtoClass = Function;

const declaredProperties = new WeakMap<DtoClass, Set<string>>();

/** Whether `target` (a DTO class) declares `property` with any validation rule. */
function declares(target: DtoClass, property: string): boolean {
  let names = declaredProperties.get(target);
  if (!names) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
    names = new Set(metadata.map((m) => m.propertyName));
    declaredProperties.set(target, names);
  }
  return names.has(property);
}

/**
 * Go's JSON decoder gives a `null` the field's zero value (nil for a pointer), so for Coder's
 * clients `null` and a missing key mean the same. Drops every `null` a DTO declares, in nested
 * DTOs too; free-form maps (plain objects) are left as they are.
 */
export function dropDeclaredNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropDeclaredNulls(item);
    return;
  }
  if (!value || typeof value !== 'object' || value.constructor === Object) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null) {
      if (declares(value.constructor, key)) delete record[key];
    } else {
      dropDeclaredNulls(record[key]);
    }
  }
}

/**
 * The global pipe: DTO classes validate bodies and queries. Unknown fields are stripped, never
 * stored and never an error: Coder's `httpapi.Read` ignores them, and its newer clients (SDK,
 * Terraform, dashboard) send fields an older server does not know. `null` means absent.
 */
class CoderValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // The objects of custom decorators (@CurrentActor, @Resolved) are ours, never validated: as
    // ValidationPipe would answer them, without its async round.
    if (metadata.type === 'custom') return Promise.resolve(value);
    // A body that was not JSON is answered here, where the route reads it (malformed-body.ts).
    if (metadata.type === 'body' && value instanceof MalformedBody) throw value.error;
    return super.transform(value, metadata) as Promise<unknown>;
  }

  protected override validate(object: object, options?: ValidatorOptions) {
    dropDeclaredNulls(object);
    return super.validate(object, options);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new CoderValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

/** Coder's username rule (codersdk.NameValid): 1–32 alphanumerics, single hyphens between them. */
export const CODER_NAME_RE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;
export const CODER_NAME_MAX = 32;

export function isCoderName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= CODER_NAME_MAX && CODER_NAME_RE.test(value);
}

export function IsCoderName(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCoderName',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a valid name (letters, digits and single hyphens, at most 32)`,
        ...options,
      },
      validator: { validate: (value: unknown) => isCoderName(value) },
    });
}
