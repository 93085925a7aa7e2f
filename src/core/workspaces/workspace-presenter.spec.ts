import type { JobsService } from '../provisioning/jobs.service.js';
import type { TemplatesService } from '../templates/templates.service.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { WorkspaceBuildEntity } from './entities/workspace-build.entity.js';
import type { WorkspaceEntity } from './entities/workspace.entity.js';
import type { WorkspaceBuildsRepository } from './workspace-builds.repository.js';
import { WorkspacePresenter } from './workspace-presenter.js';

const JOB_ID = '00000000-0000-4000-8000-00000000000a';
const created = new Date('2026-12-07T09:00:00Z');
const resource = { id: 'r1', job_id: JOB_ID, name: 'dev', type: 'docker_container', daily_cost: 7 };

/** A presenter whose build job reads as `job` and whose stored resources are `resources`. */
function presenter(job: Record<string, unknown>) {
  const jobs = {
    describeBuildJobs: async () => new Map([[JOB_ID, { job: { id: JOB_ID, ...job } }]]),
    resources: async () => [resource],
  } as unknown as JobsService;
  const templates = { versionsByIds: async () => new Map() } as unknown as TemplatesService;
  const users = { minimalUsersByIds: async () => new Map() } as unknown as UsersRepository;
  return new WorkspacePresenter(jobs, templates, users, {} as WorkspaceBuildsRepository);
}

const build = {
  id: 'b1',
  createdAt: created,
  updatedAt: created,
  workspaceId: 'w1',
  templateVersionId: 'v1',
  buildNumber: 1,
  transition: 'start',
  initiatorId: 'u1',
  jobId: JOB_ID,
  reason: 'initiator',
  dailyCost: 0,
} as unknown as WorkspaceBuildEntity;
const workspace = { id: 'w1', name: 'ws', ownerId: 'u1' } as unknown as WorkspaceEntity;

describe('WorkspacePresenter: a build shows its resources with its job seen completed only', () => {
  // A job completes in the transaction that stores its resources. Read after the job, resources
  // committed in between belong to a completion this answer does not show.
  it.each(['pending', 'running', 'canceling'])(
    'a %s job shows none, even when its resources are already stored',
    async (status) => {
      const [out] = await presenter({ status }).builds([build], [workspace]);
      expect(out.job.status).toBe(status);
      expect(out.resources).toEqual([]);
    },
  );

  it.each(['succeeded', 'failed', 'canceled'])(
    'a %s job shows the resources stored with its completion',
    async (status) => {
      const [out] = await presenter({ status, completed_at: '2026-12-07T09:01:00.000Z' }).builds([build], [workspace]);
      expect(out.resources).toEqual([resource]);
    },
  );
});
