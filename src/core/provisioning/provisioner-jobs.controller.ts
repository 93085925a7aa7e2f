import { Controller, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { ProvisionerJobResponse } from './dto/job.dto.js';
import { JobsService } from './jobs.service.js';
import { JOB_STATUSES, parseJobListQuery } from './provisioner-jobs.query.js';

const VISIBILITY =
  'Owners, template admins and the organization admins see every job of the organization; other members ' +
  'only the jobs they started and those building their workspaces.';

/** Coder's AGPL organization job routes (not entitlement-gated). */
@ApiTags('Organizations')
@Controller('organizations/:organization/provisionerjobs')
export class ProvisionerJobsController {
  constructor(private readonly jobs: JobsService) {}

  @Route('GET', '', {
    summary: 'Get provisioner jobs of an organization, newest first',
    description: VISIBILITY,
    returns: [ProvisionerJobResponse],
    errors: [400, 404],
    query: [
      { name: 'limit', required: false, type: Number, description: 'Page size, default 50; 0 = every job' },
      { name: 'ids', required: false, type: [String], description: 'Job IDs (CSV or repeated)' },
      { name: 'status', required: false, enum: JOB_STATUSES, isArray: true, description: 'CSV or repeated' },
      { name: 'tags', required: false, type: String, description: 'JSON object of tags the job must have' },
      { name: 'initiator', required: false, type: String, format: 'uuid', description: 'Initiator user ID' },
    ],
  })
  @Authenticated()
  list(
    @CurrentActor() actor: Actor,
    @Resolved('organization') organization: OrganizationEntity,
    @Query() query: Record<string, unknown>,
  ) {
    return this.jobs.listOrganizationJobs(actor, organization, parseJobListQuery(query));
  }

  @Route('GET', ':job', {
    summary: 'Get a provisioner job of an organization',
    description: VISIBILITY,
    returns: ProvisionerJobResponse,
    errors: [400, 404],
  })
  @Authenticated()
  get(
    @CurrentActor() actor: Actor,
    @Resolved('organization') organization: OrganizationEntity,
    @Param('job') job: string,
  ) {
    return this.jobs.getOrganizationJob(actor, organization, job);
  }
}
