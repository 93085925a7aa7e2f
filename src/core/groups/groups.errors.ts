import { badRequest, notFound } from '../../common/errors.js';

/** A group that does not exist, or that the caller may not see (never told apart). */
export const groupMissing = () => notFound();

export const groupNameAmbiguous = (name: string, count: number) =>
  badRequest(`Group name "${name}" is ambiguous: it exists in ${count} of your organizations. Use the group id.`);
