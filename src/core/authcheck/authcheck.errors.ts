import { badRequest } from '../../common/errors.js';

/** `POST /authcheck`'s 400s, worded as Coder's checkAuthorization words them. */
export const tooManyResourceIds = (max: number, found: number) =>
  badRequest(
    `Endpoint only supports using "resource_id" field ${max} times, found ${found} usages. ` +
      `Remove ${found - max} objects with this field set.`,
  );

export const resourceTypeMissing = (key: string) =>
  badRequest(`Object's "resource_type" field must be defined for key ${JSON.stringify(key)}.`);

export const resourceIdNotUuid = (id: string) =>
  badRequest(`Object ${JSON.stringify(id)} id is not a valid uuid.`, undefined, [
    { field: 'resource_id', detail: `invalid UUID format: ${JSON.stringify(id)}` },
  ]);

export const resourceIdUnsupported = (type: string) => {
  const message = `Object type ${JSON.stringify(type)} does not support "resource_id" field.`;
  return badRequest(message, undefined, [{ field: 'resource_type', detail: message }]);
};
