import { Body, Controller, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../access/access.decorators.js';
import { Resolved } from '../access/resolved-params.js';
import type { Actor } from '../rbac/actor.js';
import { MessageResponse, TemplateResponse } from './dto/template.dto.js';
import { TemplateVersionResponse } from './dto/template-version.dto.js';
import { UpdateActiveTemplateVersionRequest, UpdateTemplateMetaRequest } from './dto/update-template.dto.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { TemplateUpdateService } from './template-update.service.js';
import { TemplatesService } from './templates.service.js';

@ApiTags('Templates')
@Controller('templates')
export class TemplatesListController {
  constructor(private readonly templates: TemplatesService) {}

  @Route('GET', '', {
    summary: "The templates of every organization the caller may use or manage (Coder's current list)",
    description:
      "`q`: Coder's template search: bare words match the display name; `name:`, `exact_name:`, `display_name:`, `exact_display_name:`, `organization:` (id or name), `ids:`, `author:` (`me`), `author_id:`, `deprecated:` (deprecated templates are left out unless `deprecated:true`), `deleted:`, `has-ai-task:`, `has_external_agent:`. Sorted by name.",
    returns: [TemplateResponse],
    errors: [400],
    query: [{ name: 'q', required: false, type: String, description: 'Template search query.' }],
  })
  @Authenticated()
  list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    return this.templates.search(actor, query);
  }
}

@ApiTags('Templates')
@Controller('templates/:template')
export class TemplatesController {
  constructor(
    private readonly templates: TemplatesService,
    private readonly updater: TemplateUpdateService,
  ) {}

  @Route('GET', '', { summary: 'Get a template', returns: TemplateResponse, errors: [400, 404] })
  @Authenticated()
  get(@Resolved('template') template: TemplateEntity) {
    return this.templates.get(template);
  }

  @Route('PATCH', '', {
    summary:
      'Update template settings: only the fields sent change (owner, template admin, organization admin, template ACL admin); 200 with the template, also when nothing changed',
    returns: TemplateResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  update(
    @CurrentActor() actor: Actor,
    @Resolved('template') template: TemplateEntity,
    @Body() body: UpdateTemplateMetaRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.updater.updateMeta(actor, template, body, meta);
  }

  @Route('PATCH', 'versions', {
    summary:
      'Make a version of the template (whose import succeeded) its active version (those who may update the template)',
    returns: MessageResponse,
    returnsDescription: '`{"message":"Updated the active template version!"}`',
    errors: [400, 403, 404],
  })
  @Authenticated()
  activate(
    @CurrentActor() actor: Actor,
    @Resolved('template') template: TemplateEntity,
    @Body() body: UpdateActiveTemplateVersionRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.updater.activateVersion(actor, template, body, meta);
  }

  @Route('DELETE', '', {
    summary: 'Delete a template without live workspaces (soft delete; its name becomes free)',
    returns: MessageResponse,
    errors: [400, 403, 404],
  })
  @Authenticated()
  delete(@CurrentActor() actor: Actor, @Resolved('template') template: TemplateEntity, @ReqMeta() meta: RequestMeta) {
    return this.templates.delete(actor, template, meta);
  }

  @Route('GET', 'versions', {
    summary: 'The versions of a template, oldest first',
    query: [
      { name: 'after_id', required: false, type: String, format: 'uuid' },
      { name: 'limit', required: false, type: Number, description: '1–1000; 0 or absent = 1000.' },
      { name: 'offset', required: false, type: Number },
    ],
    returns: [TemplateVersionResponse],
    errors: [400, 404],
  })
  @Authenticated()
  versions(@Resolved('template') template: TemplateEntity, @Query() query: Record<string, unknown>) {
    return this.templates.listVersions(template, query);
  }
}
