/** Building blocks of the JSON Schemas of schemas.ts (Oct 2023) and schemas-2024.ts (current). */

export type Schema = Record<string, unknown>;

export const string = { type: 'string' } as const;
export const boolean = { type: 'boolean' } as const;
export const integer = { type: 'integer' } as const;
export const number = { type: 'number' } as const;
export const uuid = { type: 'string', format: 'uuid' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const stringArray = { type: 'array', items: string } as const;
export const stringMap = { type: 'object', additionalProperties: string } as const;
export const ref = (id: string) => ({ $ref: id });
export const nullable = (schema: Schema) => ({ anyOf: [schema, { type: 'null' }] });
export const enumOf = (...values: string[]) => ({ type: 'string', enum: values });
export const arrayOf = (items: Schema) => ({ type: 'array', items });

/** An object whose every listed key is required (Go fields without `omitempty`). */
export function object(
  id: string | undefined,
  required: Record<string, Schema>,
  optional: Record<string, Schema> = {},
): Schema {
  return {
    ...(id ? { $id: id } : {}),
    type: 'object',
    required: Object.keys(required),
    properties: { ...required, ...optional },
  };
}
