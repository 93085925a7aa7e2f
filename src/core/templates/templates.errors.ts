import {
  badRequest,
  conflict,
  forbidden,
  notFound,
  validationFailed,
  withValidations,
  type ValidationEntry,
} from '../../common/errors.js';

const NAME_IN_USE = 'This value is already in use and should be unique.';

// Templates

/** Coder's answer when a template name is taken in the organization (create and rename). */
export const templateNameTaken = (name: string) =>
  withValidations(conflict(`Template with name "${name}" already exists.`), [{ field: 'name', detail: NAME_IN_USE }]);
export const templateMissing = () => notFound('Template does not exist.');
export const workspacesRemain = () => badRequest('All workspaces must be deleted before a template can be removed.');
export const invalidCreateRequest = (problems: ValidationEntry[]) =>
  badRequest('Invalid create template request.', undefined, problems);
/** Also the template ACL's answer (Coder reuses the words). */
export const invalidUpdateRequest = (problems: ValidationEntry[]) =>
  badRequest('Invalid request to update template metadata!', undefined, problems);
export const afterIdMissing = (afterId: string | undefined) =>
  badRequest(`Record at "after_id" (${JSON.stringify(afterId)}) does not exist.`);

// The version a template is created from, or promoted to

export const createVersionMissing = (id: string) =>
  withValidations(notFound(`Template version "${id}" does not exist.`), [
    { field: 'template_version_id', detail: 'Template version does not exist' },
  ]);
export const versionTaken = (id: string) =>
  badRequest(`Template version ${id} is already part of a template`, undefined, [
    { field: 'template_version_id', detail: 'Template version is already part of a template' },
  ]);
export const activeVersionRequired = (id: string) =>
  validationFailed([{ field: 'id', detail: `Validation failed for tag "required" with value: "${id}"` }]);
export const promotedVersionMissing = () => notFound('Template version not found.');
export const versionOfOtherTemplate = () =>
  badRequest("The provided template version doesn't belong to the specified template.");
export const versionNotBuilt = (status: string) =>
  forbidden(
    'Only versions that have been built successfully can be promoted.',
    `Attempted to promote a version with a ${status} build`,
  );
export const versionArchived = () => badRequest('The provided template version is archived.');

// Template versions

export const versionNameTaken = (name: string) =>
  withValidations(conflict(`A template version named "${name}" already exists for this template.`), [
    { field: 'name', detail: NAME_IN_USE },
  ]);
export const versionNameNotUnique = () =>
  badRequest('template version name must be unique for a template', undefined, [
    { field: 'name', detail: 'Name is already used' },
  ]);
export const invalidTags = (problem: string) => validationFailed([{ field: 'tags', detail: problem }]);
export const exampleAndFile = () => badRequest('You cannot specify both an example_id and a file_id.');
export const exampleNotBundled = () =>
  badRequest(
    'Example not found.',
    "Coder's starter examples are not bundled with this server: upload the template with POST /files and pass its file_id.",
  );
export const fileMissing = () => notFound('File not found.');
export const jobNotCompleted = () => badRequest("Job hasn't completed!");
export const jobAlreadyCanceled = () => badRequest('Job has already been marked as canceled!');
export const jobAlreadyCompleted = () => badRequest('Job has already completed!');

// Job logs query

export const notAnInteger = (name: string) =>
  badRequest(`Query param "${name}" must be an integer.`, undefined, [{ field: name, detail: 'Must be an integer' }]);
export const beforeWithFollow = () => badRequest('Query param "before" cannot be used with "follow".');
export const followNeedsWebSocket = () =>
  badRequest(
    'Failed to accept websocket.',
    'Following logs needs a WebSocket: send this request as a WebSocket upgrade, or poll without "follow", passing the id of the last log received as "after".',
  );
