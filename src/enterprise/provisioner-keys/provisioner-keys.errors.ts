import { badRequest, conflict, forbidden, notFound, unauthorized, validationFailed } from '../../common/errors.js';

/** Coder's wording for provisioner keys (enterprise/coderd/provisionerkeys.go, coderd/httpmw/provisionerdaemon.go). */
export const KEY_MESSAGES = {
  nameRequired: 'Name is required',
  nameTooLong: 'Name must be at most 64 characters',
  nameReserved: (name: string) => `Name cannot be reserved name '${name}'`,
  nameTaken: (name: string) => `Provisioner key with name '${name}' already exists in organization`,
  reservedUndeletable: (name: string) => `Cannot delete reserved '${name}' provisioner key`,
  keyRequired: 'provisioner daemon key required',
  keyInvalid: 'provisioner daemon key invalid',
  keyLength: 'must be 43 characters',
  keyAndPsk: 'provisioner daemon key and psk provided, but only one is allowed',
  keyAndSession: 'API key and external provisioner authentication provided, but only one is allowed',
  scopeForbidden: (scope: string) =>
    `You aren't allowed to create provisioner daemons with scope ${JSON.stringify(scope)}`,
  tagsWithKey: 'tags are not allowed when using a provisioner key',
  /** A running job's error when its daemon is cut off because its key was deleted. */
  keyDeleted: (daemon: string) =>
    `Provisioner daemon "${daemon}" disconnected while running this job: its provisioner key was deleted.`,
} as const;

/** A name rule broken: 400 whose single validation names `name` (as Coder answers). */
const badName = (message: string) => badRequest(message, undefined, [{ field: 'name', detail: message }]);

export const nameRequired = () => badName(KEY_MESSAGES.nameRequired);
export const nameTooLong = () => badName(KEY_MESSAGES.nameTooLong);
export const nameReserved = (name: string) => badName(KEY_MESSAGES.nameReserved(name));
export const nameTaken = (name: string) => conflict(KEY_MESSAGES.nameTaken(name));
export const invalidKeyTags = (problem: string) => validationFailed([{ field: 'tags', detail: problem }]);
export const keyMissing = () => notFound();
export const reservedUndeletable = (name: string) => badRequest(KEY_MESSAGES.reservedUndeletable(name));

// Daemon authentication with `Coder-Provisioner-Daemon-Key`.
export const keyRequired = () => unauthorized(KEY_MESSAGES.keyRequired);
export const keyWrongLength = () => badRequest(KEY_MESSAGES.keyInvalid, KEY_MESSAGES.keyLength);
export const keyInvalid = () => unauthorized(KEY_MESSAGES.keyInvalid);
export const keyAndPsk = () => badRequest(KEY_MESSAGES.keyAndPsk);
export const keyAndSession = () => badRequest(KEY_MESSAGES.keyAndSession);
/** Coder's serve refusal: the scope the query asked for, and why. */
export const tagsWithKey = (scope: string) => forbidden(KEY_MESSAGES.scopeForbidden(scope), KEY_MESSAGES.tagsWithKey);
