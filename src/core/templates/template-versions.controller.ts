import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import { ProvisionerJobLogResponse, WorkspaceResourceResponse } from '../provisioning/dto/job.dto.js';
import type { Actor } from '../rbac/actor.js';
import { MessageResponse } from './dto/template.dto.js';
import { TemplateVersionResponse } from './dto/template-version.dto.js';
import { PatchTemplateVersionRequest } from './dto/update-template.dto.js';
import { TemplateVersionsService } from './template-versions.service.js';
import type { VisibleVersion } from './templates.service.js';

@ApiTags('Templates')
@Controller('templateversions/:templateversion')
export class TemplateVersionsController {
  constructor(private readonly versions: TemplateVersionsService) {}

  @Route('GET', '', {
    summary:
      'Get a template version (readers of its template; while unattached, template managers of the organization and its creator)',
    returns: TemplateVersionResponse,
    errors: [400, 404],
  })
  @Authenticated()
  get(@Resolved('templateversion') version: VisibleVersion) {
    return this.versions.get(version);
  }

  @Route('PATCH', '', {
    summary: 'Rename a template version or change its message (those who may update its template)',
    returns: TemplateVersionResponse,
    errors: [400, 403, 404],
  })
  @Authenticated()
  rename(
    @CurrentActor() actor: Actor,
    @Resolved('templateversion') version: VisibleVersion,
    @Body() body: PatchTemplateVersionRequest,
  ) {
    return this.versions.rename(actor, version, body);
  }

  @Route('GET', 'resources', {
    summary: 'Resources the import found, for the start and the stop transition (400 until the import completes)',
    returns: [WorkspaceResourceResponse],
    errors: [400, 404],
  })
  @Authenticated()
  resources(@Resolved('templateversion') version: VisibleVersion) {
    return this.versions.resources(version);
  }

  @Route('GET', 'logs', {
    summary: 'Logs of the import job, oldest first (`follow`: a WebSocket stream until the job completes)',
    query: [
      { name: 'after', required: false, type: Number, description: 'Only logs with a greater id.' },
      { name: 'before', required: false, type: Number, description: 'Only logs with a smaller id.' },
      {
        name: 'follow',
        required: false,
        allowEmptyValue: true,
        description:
          'As a WebSocket upgrade: the logs after `after`, then each new one as it is written (one JSON log per text message); closed with 1000 when the job has completed. Without the upgrade: 400.',
      },
    ],
    returns: [ProvisionerJobLogResponse],
    errors: [400, 404],
  })
  @Authenticated()
  logs(@Resolved('templateversion') version: VisibleVersion, @Query() query: Record<string, unknown>) {
    return this.versions.logs(version, query);
  }

  @Route('PATCH', 'cancel', {
    summary: 'Cancel the import job (those who may update the template)',
    returns: MessageResponse,
    returnsDescription: '`{"message":"Job has been marked as canceled..."}`',
    errors: [400, 403, 404],
  })
  @Authenticated()
  cancel(@CurrentActor() actor: Actor, @Resolved('templateversion') version: VisibleVersion) {
    return this.versions.cancel(actor, version);
  }
}
