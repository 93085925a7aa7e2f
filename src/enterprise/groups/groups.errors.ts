import { badRequest, conflict, forbidden, MESSAGES, notFound, type ValidationEntry } from '../../common/errors.js';
import { EVERYONE_GROUP_NAME } from '../../core/groups/everyone-group.js';

/** Coder's wording for the `/groups` routes (enterprise/coderd/groups.go). */
export const GROUP_MESSAGES = {
  duplicateMember: 'Cannot add the same user to a group twice!',
} as const;

export const groupNameReserved = () =>
  badRequest(`"${EVERYONE_GROUP_NAME}" is a reserved keyword and cannot be used for a group name.`);
export const groupNameTaken = (name: string) => conflict(`Group with name "${name}" already exists.`);
export const everyoneUndeletable = () =>
  badRequest(`"${EVERYONE_GROUP_NAME}" is a reserved group and cannot be deleted!`);
export const everyoneRename = () => badRequest(`Cannot rename the "${EVERYONE_GROUP_NAME}" group!`);
export const everyoneDisplayName = () =>
  badRequest(`Cannot update the Display Name for the "${EVERYONE_GROUP_NAME}" group!`);
export const everyoneMembers = () => forbidden(`Cannot add or remove users from the "${EVERYONE_GROUP_NAME}" group!`);
export const renameToEveryone = () => badRequest(`"${EVERYONE_GROUP_NAME}" is a reserved group name!`);
export const renameTaken = (name: string | undefined) => conflict(`A group with name "${name}" already exists.`);
export const addAndRemove = (id: string) => badRequest(`Cannot both add and remove user "${id}".`);
export const duplicateMember = (detail?: string) => badRequest(GROUP_MESSAGES.duplicateMember, detail);
export const groupChangeForbidden = () => forbidden();
/** The group went away between the path lookup and the update's row read. */
export const groupGone = () => notFound();
/** One top-level message naming the first offender; `validations` name every offender. */
export const invalidMembers = (bad: ValidationEntry[]) => badRequest(bad[0].detail, undefined, bad);
export const invalidUserIdDetail = (id: string) => `ID "${id}" must be a valid user UUID.`;
export const notOrganizationMemberDetail = (id: string, organizationId: string) =>
  `User "${id}" must be a member of organization "${organizationId}"`;
export const listedTwiceDetail = (id: string) => `User "${id}" is listed more than once in add_users.`;
export const alreadyMembersDetail = (ids: string[]) => `Already a member: ${ids.join(', ')}`;
/** Coder's 400 for a bad `q` on the member pages (the user search's details, its own message). */
export const invalidMemberSearch = (validations: ValidationEntry[]) =>
  badRequest('Invalid member search query.', undefined, validations);
export const invalidGroupQuery = (validations: ValidationEntry[]) =>
  badRequest(MESSAGES.invalidQuery, undefined, validations);
