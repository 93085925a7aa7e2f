/** Coder's words for a bad `PATCH /templates/{template}/acl` (the 400 itself: invalidUpdateRequest in src/core/templates/templates.errors.ts). */
export const MAX_ENTRIES = 1000;
export const tooManyEntries = () => `at most ${MAX_ENTRIES} entries per request`;
export const invalidRole = (role: unknown) => `role ${JSON.stringify(role)} is not a valid Template role`;
export const invalidId = (id: string) => `ID ${id} must be a valid UUID.`;
/** Worded as group `add_users` words it; the same for ids that name nothing. */
export const notAMember = (userId: string, orgId: string) =>
  `User "${userId}" must be a member of organization "${orgId}"`;
export const notAGroupOf = (groupId: string, orgId: string) =>
  `Group "${groupId}" must be a group of organization "${orgId}"`;
