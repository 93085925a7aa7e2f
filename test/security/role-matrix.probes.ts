import { RESOURCE_PROBES } from './role-matrix.resource-probes.js';
import { USER_PROBES } from './role-matrix.user-probes.js';
import type { Probe } from './role-matrix.kit.js';

export type { Probe, ProbeContext, ProbeRequest } from './role-matrix.kit.js';

/** Every route's probe for the role matrix, keyed `METHOD path` (listAppRoutes' keys). */
export const PROBES: Record<string, Probe> = { ...USER_PROBES, ...RESOURCE_PROBES };
