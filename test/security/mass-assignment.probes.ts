import type { MassProbe } from './mass-assignment.js';
import { RESOURCE_MASS_PROBES } from './mass-assignment.resource-probes.js';
import { SCIM_MASS_PROBES } from './mass-assignment.scim-probes.js';
import { USER_MASS_PROBES } from './mass-assignment.user-probes.js';

/** Every write route's mass-assignment probe, keyed `METHOD path` (listAppRoutes' keys). */
export const MASS_PROBES: Record<string, MassProbe> = {
  ...USER_MASS_PROBES,
  ...RESOURCE_MASS_PROBES,
  ...SCIM_MASS_PROBES,
};

/** Write routes with no probe, each with the reason. */
export const MASS_EXCLUSIONS: Record<string, string> = {
  'POST /api/v2/files': 'The body is the uploaded file itself, stored byte for byte: it has no fields to plant.',
  'POST /api/v2/users/first':
    'Probed on its own app (the first user can be created once per deployment): see the spec.',
  'PATCH /api/v2/workspacebuilds/:workspacebuild/cancel':
    'Reads no body (only the expect_status query); its one effect, the job canceled, needs a build no daemon has taken: see provisioner-cancel-reap.e2e-spec.ts.',
  'PUT /api/v2/workspaces/:workspace/favorite':
    'Reads no body; its one effect (the owner-only flag) is checked in shapes-current.e2e-spec.ts.',
  'POST /api/v2/licenses/refresh-entitlements':
    'Reads no body and stores nothing; its answer (400 with the seconds to wait) depends on the time since the last refresh.',
};
