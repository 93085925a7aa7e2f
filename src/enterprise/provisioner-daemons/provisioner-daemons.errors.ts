import {
  badRequest,
  forbidden,
  MESSAGES,
  methodNotAllowed,
  notFound,
  serviceUnavailable,
  unauthorized,
  upgradeRequired,
} from '../../common/errors.js';
import { APP_CONNECT_ONLY } from '../../core/access/authorization.guard.js';
import { notEntitled as featureNotEntitled } from '../../core/licensing/licensing.errors.js';

/** Every message the provisioner daemon routes answer with (Coder's wording where Coder has one). */
export const DAEMON_MESSAGES = {
  missingProvisioner: 'The provisioner query parameter must be specified.',
  unknownProvisioner: (value: string) => `Unknown provisioner type ${JSON.stringify(value)}`,
  badTagFormat: (tag: string) =>
    `Invalid format for tag ${JSON.stringify(tag)}. Key and value must be separated with =.`,
  badTags: 'Given tags are not acceptable to the service',
  badPsk: 'The provisioner daemon pre-shared key is invalid.',
  orgScopeForbidden: "You aren't allowed to create provisioner daemons for the organization.",
  websocketOnly: 'This endpoint only accepts WebSocket connections.',
  shuttingDown: 'The server is shutting down. Try again shortly.',
  /** Why a job fails when its daemon goes away (the job's error, not an HTTP answer). */
  disconnected: (name: string) => `Provisioner daemon "${name}" disconnected while running this job.`,
  serverStopped: (name: string) => `The server stopped while provisioner daemon "${name}" was running this job.`,
} as const;

// `{orgref}` / `{serveorg}`: the organization is named as on `{organization}` (same answers).
export const organizationMissing = () => notFound();

// The serve query.
export const missingProvisioner = () => badRequest(DAEMON_MESSAGES.missingProvisioner);
export const unknownProvisioner = (value: string) => badRequest(DAEMON_MESSAGES.unknownProvisioner(value));
export const badTagFormat = (tag: string) => badRequest(DAEMON_MESSAGES.badTagFormat(tag));
export const badTags = (problem: string) => badRequest(DAEMON_MESSAGES.badTags, problem);
export const invalidServeQuery = (field: string, detail: string) =>
  badRequest(MESSAGES.invalidQuery, undefined, [{ field, detail }]);

// Serving: authentication, entitlement, authorization, the upgrade itself.
export const badPsk = () => unauthorized(MESSAGES.signedOut, DAEMON_MESSAGES.badPsk);
export const appConnectKey = () => forbidden(MESSAGES.forbidden, APP_CONNECT_ONLY);
export const notEntitled = () => featureNotEntitled('external_provisioner_daemons');
export const orgScopeForbidden = () => forbidden(DAEMON_MESSAGES.orgScopeForbidden);
export const websocketOnly = () => upgradeRequired(DAEMON_MESSAGES.websocketOnly);
export const serveMethodNotAllowed = () => methodNotAllowed(['GET', 'HEAD']);
export const shuttingDown = () => serviceUnavailable(DAEMON_MESSAGES.shuttingDown, undefined, 5);
