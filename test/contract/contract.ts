import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import schemas from './schemas.js';
import schemas2024 from './schemas-2024.js';

// ajv-formats is CommonJS with `exports.default`; under ESM its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as unknown as FormatsPlugin;

// Strict, except that a required key may be described only by `additionalProperties` (feature maps).
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv, ['uuid', 'date-time']);
for (const schema of [...schemas, ...schemas2024]) ajv.addSchema(schema);

const compiled = new Map<string, ValidateFunction>();

/** The schema violations of `value` as `<path> <problem>` lines; empty when it conforms. */
export function violations(type: string, value: unknown): string[] {
  let validate = compiled.get(type);
  if (!validate) {
    validate = ajv.getSchema(type);
    if (!validate) throw new Error(`no schema named ${type}`);
    compiled.set(type, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${type}${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

/** Asserts that `value` is a `type` as Coder's clients decode it. */
export function expectShape(type: string, value: unknown): void {
  expect(violations(type, value)).toEqual([]);
}
