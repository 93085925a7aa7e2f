import { badRequest, conflict, notFound, withValidations } from '../../common/errors.js';

export const apiKeyMissing = () => notFound();

export const tokenRequestInvalid = (detail: string) => badRequest('Failed to validate create API key request.', detail);

/** 409 naming the field at fault, as Coder answers a duplicate token name. */
export function tokenNameTaken(tokenName: string) {
  return withValidations(conflict(`A token with name "${tokenName}" already exists.`), [
    { field: 'name', detail: 'This value is already in use and should be unique.' },
  ]);
}

const CREATE_FAILED = 'Failed to create API key.';

/** Coder's answer to a scope it does not know, with the field named: here also scopes it knows but we cannot enforce. */
export const scopeUnenforceable = (name: string) =>
  badRequest(CREATE_FAILED, `invalid or unsupported API key scope: ${JSON.stringify(name)}`, [
    {
      field: 'scopes',
      detail: `${JSON.stringify(name)} is not enforced by this server; use "coder:all" or "coder:application_connect".`,
    },
  ]);

export const scopeCombinationUnsupported = () =>
  badRequest(CREATE_FAILED, 'coder:all and coder:application_connect cannot be combined.', [
    { field: 'scopes', detail: 'Ask for one of "coder:all" or "coder:application_connect".' },
  ]);

export const allowListUnenforceable = (entry: string) =>
  badRequest(CREATE_FAILED, `allow_list entry ${JSON.stringify(entry)} is not enforced by this server.`, [
    { field: 'allow_list', detail: 'Only "*:*" (no restriction) is accepted.' },
  ]);
