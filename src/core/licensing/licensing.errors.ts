import {
  badRequest,
  conflict,
  forbidden,
  internalError,
  notFound,
  withRetryAfter,
  type ApiError,
} from '../../common/errors.js';
import { featureNiceName } from './features.js';

/**
 * Coder's answer for a feature the license does not enable, built here only: the entitlement
 * guard, `EntitlementsService.requireFeature` and the Swagger descriptions of gated routes use it.
 */
export const notEntitledMessage = (feature: string) =>
  `${featureNiceName(feature)} is an Enterprise feature. Contact sales!`;
export const notEntitled = (feature: string) => forbidden(notEntitledMessage(feature));

export const invalidLicense = (detail: string) => badRequest('Invalid license', detail);
export const licenseAlreadyAdded = () => conflict('This license has already been added.');

/** Coder's postLicense words for a license locked to other deployments (Go's %q of a []string: ["a" "b"]). */
export function lockedToOtherDeployments(deploymentIds: string[], deploymentId: string): ApiError {
  const ids = `[${deploymentIds.map((id) => JSON.stringify(id)).join(' ')}]`;
  return badRequest(
    'License cannot be used on this deployment!',
    `The provided license is locked to the following deployments: ${ids}. Your deployment identifier is ${JSON.stringify(deploymentId)}. Please contact sales.`,
  );
}

/** `{license}` that is not a positive int32 (Coder answers 404, not 400). */
export const licenseIdNotInteger = () => notFound('License ID must be an integer');
export const unknownLicense = () => notFound('Unknown license ID');

/** A forced refresh while the snapshot is younger than a minute: 400 with `Retry-After`. */
export function refreshedRecently(seconds: number, refreshedAt: string): ApiError {
  return withRetryAfter(
    badRequest(
      `Entitlements already recently refreshed, please wait ${seconds} seconds to force a new refresh`,
      `Last refresh at ${refreshedAt}`,
    ),
    seconds,
  );
}

/** A forced refresh whose computation failed: a server fault (logged 500), not a success. */
export const entitlementsNotRecomputed = () => internalError('entitlements could not be recomputed (see the log)');
