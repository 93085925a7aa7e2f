import { badRequest, conflict, forbidden, notFound, unauthorized } from '../../common/errors.js';
import { isUniqueViolation } from '../../common/pg-errors.js';

/** Coder's wording for the workspace proxy routes (enterprise/coderd/workspaceproxy.go, httpmw). */
export const PROXY_MESSAGES = {
  reservedName: 'The name "primary" is reserved for the primary region.',
  reservedNameDetail: "Cannot name a workspace proxy 'primary'.",
  duplicateName: (name: string) => `Workspace proxy with name ${JSON.stringify(name)} already exists.`,
  primaryRename: "Cannot update name of default primary proxy, did you mean to update the 'display name'?",
  primaryRenameField: 'Cannot update name of default primary proxy',
  nothingToUpdate: 'No update arguments provided. Nothing to do.',
  noValue: 'No value provided.',
  primaryToken: 'The primary proxy has no token to regenerate.',
  primaryTokenField: 'The primary region is this server; it authenticates nothing with a proxy token.',
  deletedProxy: 'This workspace proxy has been deleted.',
  deletePrimary: 'Cannot delete primary proxy',
  deleted: 'Proxy has been deleted!',
  missingToken: 'Missing required external proxy token',
  invalidToken: 'Invalid external proxy token',
  proxyNotFound: 'Proxy not found.',
  proxyDeleted: 'Proxy has been deleted.',
  badSecret: 'Invalid proxy token secret.',
  badUrl: 'URL is invalid.',
  badWildcard: 'Wildcard URL is invalid.',
  badReplicaId: 'Replica ID is invalid.',
  derpOnly: 'DerpOnly cannot be true when DerpEnabled is false.',
  replicaStopped: (id: string) =>
    `Replica ${id} is marked stopped: a proxy replica that deregistered must restart with a new replica ID.`,
  replicaTaken: (id: string) => `Replica ID ${id} belongs to another replica.`,
} as const;

/** A proxy that does not exist, or that the caller may not read (never told apart). */
export const proxyMissing = () => notFound();
export const proxyChangeForbidden = () => forbidden();
export const proxyNameReserved = () =>
  badRequest(PROXY_MESSAGES.reservedName, PROXY_MESSAGES.reservedNameDetail, [
    { field: 'name', detail: 'Reserved name' },
  ]);
export const proxyNameTaken = (name: string) => conflict(PROXY_MESSAGES.duplicateName(name));

/** Runs `write` (a transaction); a name clash among non-deleted proxies is 409. */
export async function nameClashIsConflict<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw proxyNameTaken(name);
    throw err;
  }
}
export const proxyDeleted = () => badRequest(PROXY_MESSAGES.deletedProxy);
export const primaryUndeletable = () => badRequest(PROXY_MESSAGES.deletePrimary);
export const primaryRename = () =>
  badRequest(PROXY_MESSAGES.primaryRename, undefined, [{ field: 'name', detail: PROXY_MESSAGES.primaryRenameField }]);
export const primaryToken = () =>
  badRequest(PROXY_MESSAGES.primaryToken, undefined, [
    { field: 'regenerate_token', detail: PROXY_MESSAGES.primaryTokenField },
  ]);
export const primaryNothingToUpdate = () =>
  badRequest(PROXY_MESSAGES.nothingToUpdate, undefined, [
    { field: 'display_name', detail: PROXY_MESSAGES.noValue },
    { field: 'icon', detail: PROXY_MESSAGES.noValue },
  ]);

/** The external proxy API (`/workspaceproxies/me/...`). */
export const proxyTokenMissing = () => unauthorized(PROXY_MESSAGES.missingToken);
export const proxyTokenInvalid = (detail?: string) => unauthorized(PROXY_MESSAGES.invalidToken, detail);
export const proxyUrlInvalid = (detail: string) => badRequest(PROXY_MESSAGES.badUrl, detail);
export const proxyWildcardInvalid = (detail: string) => badRequest(PROXY_MESSAGES.badWildcard, detail);
export const replicaIdInvalid = () => badRequest(PROXY_MESSAGES.badReplicaId);
export const derpOnlyWithoutDerp = () => badRequest(PROXY_MESSAGES.derpOnly);
export const replicaTaken = (id: string) => conflict(PROXY_MESSAGES.replicaTaken(id));
export const replicaStopped = (id: string) => conflict(PROXY_MESSAGES.replicaStopped(id));
export const replicaMissing = () => notFound();
