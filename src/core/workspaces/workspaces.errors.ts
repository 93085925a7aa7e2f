import { HttpStatus } from '@nestjs/common';
import {
  badRequest,
  conflict,
  forbidden,
  gone,
  notAcceptable,
  notFound,
  ApiError,
  withValidations,
} from '../../common/errors.js';
import type { JobStatus } from '../provisioning/dto/job.dto.js';
import type { TemplateEntity } from '../templates/entities/template.entity.js';

/** Every message the workspace and build routes answer with (Coder's wording). */

export const BUILD_ACTIVE = 'A workspace build is already active.';

/** Go's strconv.ParseBool refusing `include_deleted`. */
export const invalidIncludeDeleted = (raw: string) =>
  badRequest(`Invalid boolean value ${JSON.stringify(raw)} for "include_deleted" query param.`, undefined, [
    { field: 'include_deleted', detail: 'Must be a valid boolean' },
  ]);

export const workspaceDeletedOnRead = (id: string) =>
  gone(
    `Workspace ${JSON.stringify(id)} was deleted, you can view this workspace by specifying '?include_deleted=true' and trying again.`,
  );
export const workspaceDeletedOnUpdate = (id: string) =>
  gone(`Workspace ${JSON.stringify(id)} was deleted; it cannot be changed.`);
export const workspaceDeletedOnBuild = (id: string) =>
  gone(`Workspace ${JSON.stringify(id)} was deleted; it cannot be built.`);

export const updateForbidden = () => forbidden('You do not have permission to update this workspace.');
export const favoriteNotOwner = (favorite: boolean) =>
  forbidden(
    favorite ? 'You can only favorite workspaces that you own.' : 'You can only un-favorite workspaces that you own.',
  );
export const invalidAutomaticUpdatesSetting = () =>
  badRequest('Invalid request', undefined, [{ field: 'automatic_updates', detail: 'must be always or never' }]);

// The schedule routes (PUT /workspaces/{workspace}/autostart, /ttl, /extend).
export const INVALID_AUTOSTART_SCHEDULE = 'Invalid autostart schedule.';
export const TTL_UPDATE_FAILED = 'Error updating workspace time until shutdown.';
const AUTOSTART_NOT_ALLOWED = 'Autostart is not allowed for workspaces using this template.';
export const autostartNotAllowed = () =>
  badRequest(AUTOSTART_NOT_ALLOWED, undefined, [{ field: 'schedule', detail: AUTOSTART_NOT_ALLOWED }]);
export const ttlNotAllowed = () =>
  badRequest(TTL_UPDATE_FAILED, undefined, [
    { field: 'ttl_ms', detail: 'Custom autostop TTL is not allowed for workspaces using this template.' },
  ]);
export const extendNotStarted = (transition: string) =>
  conflict(`Workspace must be started, current status: ${transition}`);
export const extendStillBuilding = () => conflict('Workspace is still building!');
export const extendManualShutdown = () => conflict('Workspace shutdown is manual.');
export const extendTooSoon = () =>
  badRequest('Cannot extend workspace: new deadline must be at least 30 minutes in the future');
export const extendBeforeStart = () =>
  badRequest('Cannot extend workspace: new deadline must be before workspace start time');
export const extendBeyondMax = () => badRequest('Cannot extend workspace beyond max deadline.');

// Creating a workspace.
export const nameTaken = (name: string) =>
  withValidations(conflict(`Workspace ${JSON.stringify(name)} already exists.`), [
    { field: 'name', detail: 'This value is already in use and should be unique.' },
  ]);
export const templateMissing = (id: string) =>
  badRequest(`Template ${JSON.stringify(id)} doesn't exist.`, undefined, [
    { field: 'template_id', detail: 'template not found' },
  ]);
export const versionMissing = (id: string) =>
  badRequest(`Template version ${JSON.stringify(id)} doesn't exist.`, undefined, [
    { field: 'template_version_id', detail: 'template not found' },
  ]);
export const templateDeleted = (name: string) => notFound(`Template ${JSON.stringify(name)} has been deleted!`);
export const templateDeprecated = (t: TemplateEntity) =>
  badRequest(
    `Template ${JSON.stringify(t.name)} has been deprecated, and cannot be used to create a new workspace.`,
    t.deprecationMessage,
  );
export const templateOfOtherOrganization = (organizationName: string) =>
  forbidden(`Template is not in organization ${JSON.stringify(organizationName)}.`);
export const invalidAutomaticUpdates = () =>
  badRequest('Invalid Workspace Automatic Updates setting.', undefined, [
    { field: 'automatic_updates', detail: 'Automatic updates must be always or never' },
  ]);

// Building a workspace (Coder's wsbuilder).
export const createTransition = () => badRequest('Transition "create" not supported.');
export const buildForbidden = (action: 'update' | 'delete') =>
  forbidden(`You do not have permission to ${action} this workspace.`);
export const orphanOnlyOnDelete = () => badRequest('Orphan is only permitted when deleting a workspace.');
export const orphanWithState = () =>
  badRequest('ProvisionerState cannot be set alongside Orphan since state intent is unclear.');
export const customStateForbidden = () => forbidden('Only template managers may provide custom state');
export const logLevelForbidden = () =>
  badRequest('Workspace builds with a custom log level are restricted to administrators only.');
export const debugModeDisabled = () => badRequest('Terraform debug mode is disabled in the deployment configuration.');
export const buildVersionMissing = () => badRequest('template version does not exist');
export const buildVersionOfOtherTemplate = () => badRequest("template version doesn't match template");
export const buildActive = () => conflict(BUILD_ACTIVE, BUILD_ACTIVE);

// Canceling a build (Coder's patchCancelWorkspaceBuild).
export const invalidExpectStatus = (value: string) =>
  badRequest(`Invalid expect_status ${JSON.stringify(value)}. Only 'running' or 'pending' are allowed.`);
export const cancelForbidden = () =>
  forbidden('User is not allowed to cancel workspace builds. Owner role is required.');
export const jobNotInExpectedState = () =>
  new ApiError(HttpStatus.PRECONDITION_FAILED, { message: 'Job is not in the expected state.' });

/** The version's import has not succeeded: Coder's 406 while it runs, 400 once canceled or failed. */
export function importNotSucceeded(status: JobStatus, version: { name: string }, error: string | null): ApiError {
  switch (status) {
    case 'pending':
    case 'running':
    case 'canceling':
      return notAcceptable(`The provided template version is ${status}. Wait for it to complete importing!`);
    case 'canceled':
      return badRequest(
        'The provided template version was canceled during import. You cannot build workspaces with it!',
      );
    default:
      return badRequest(
        `The provided template version "${version.name}" has failed to import: ${JSON.stringify(error ?? '')}. ` +
          'You cannot build workspaces with it!',
      );
  }
}

// Listing builds.
export const badSince = () => badRequest('bad `since` format, must be RFC3339');
export const unknownAfterId = (afterId: string | undefined) =>
  badRequest(`Record at "after_id" (${JSON.stringify(afterId)}) does not exist.`);
