import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { registerDecorator, type ValidationOptions } from 'class-validator';
import { validationFailed, type ValidationEntry } from './errors.js';

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
    return String(value);
  }
}

function flatten(errors: ValidationError[], prefix = ''): ValidationEntry[] {
  const out: ValidationEntry[] = [];
  for (const err of errors) {
    const field = prefix ? `${prefix}.${err.property}` : err.property;
    const constraints = err.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.includes('whitelistValidation')) {
      out.push({ field, detail: `Unknown field "${field}" is not allowed.` });
    } else if (names.length > 0) {
      // Report the most basic failure first: a missing value before a malformed one.
      const name = names.find((n) => n === 'isDefined' || n === 'isNotEmpty') ?? names[0];
      const tag = CODER_TAGS[name];
      out.push({
        field,
        detail: tag
          ? `Validation failed for tag "${tag}" with value: "${renderValue(err.value)}"`
          : constraints[name],
      });
    }
    if (err.children && err.children.length > 0) out.push(...flatten(err.children, field));
  }
  return out;
}

/** The global pipe: DTO classes validate bodies and queries; unknown body fields are rejected. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
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
      options: { message: `$property must be a valid name (letters, digits and single hyphens, at most 32)`, ...options },
      validator: { validate: (value: unknown) => isCoderName(value) },
    });
}
