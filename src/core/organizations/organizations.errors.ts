import { conflict, notFound } from '../../common/errors.js';

export const ORG_EXISTS = 'Organization already exists with that name.';

export const organizationExists = () => conflict(ORG_EXISTS);
/** Coder's parseUUID answer, the same the authorization guard gives for an `orgParam`. */
export const organizationMissing = () => notFound();
