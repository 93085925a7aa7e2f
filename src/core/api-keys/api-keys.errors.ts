import { badRequest, conflict, notFound, withValidations } from '../../common/errors.js';

export const apiKeyMissing = () => notFound();

export const tokenRequestInvalid = (detail: string) => badRequest('Failed to validate create API key request.', detail);

/** 409 naming the field at fault, as Coder answers a duplicate token name. */
export function tokenNameTaken(tokenName: string) {
  return withValidations(conflict(`A token with name "${tokenName}" already exists.`), [
    { field: 'name', detail: 'This value is already in use and should be unique.' },
  ]);
}
