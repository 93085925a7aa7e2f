import { Injectable, type OnModuleInit } from '@nestjs/common';
import { internalError, invalidUuid, isUuid, notFound } from '../../common/errors.js';
import { ParamResolvers, type ParamResolver, type ResolutionContext } from '../access/resolved-params.js';
import type { OrganizationEntity } from '../organizations/entities/organization.entity.js';
import type { Actor } from '../rbac/actor.js';
import { canOnTemplate } from '../rbac/template-access.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService, type VisibleVersion } from './templates.service.js';

/** `{template}`: a live template the caller may read; 400 when not a UUID, else 404. */
@Injectable()
export class TemplateParamResolver implements ParamResolver<TemplateEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: TemplatesRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('template', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<TemplateEntity> {
    if (!isUuid(value)) throw invalidUuid('template', value);
    const template = await this.repo.getTemplateById(value.toLowerCase());
    if (!template || template.deleted || !actor || !canOnTemplate(actor, 'read', template)) throw notFound();
    return template;
  }
}

/** `{templatename}` of `{organization}`: a live template by name, case-insensitively, the caller may read; else 404. */
@Injectable()
export class TemplateNameParamResolver implements ParamResolver<TemplateEntity>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly repo: TemplatesRepository,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('templatename', this);
  }

  async resolve(value: string, actor: Actor | undefined, req: ResolutionContext): Promise<TemplateEntity> {
    const org = req.resolved?.organization as OrganizationEntity | undefined;
    if (!org) throw internalError('path parameter "templatename" needs "organization" resolved before it');
    const template = await this.repo.getTemplateByOrgAndName(org.id, value);
    if (!template || !actor || !canOnTemplate(actor, 'read', template)) throw notFound();
    return template;
  }
}

/**
 * `{templateversion}`: the version and its template, when the caller may read it (through its
 * template, or while unattached as a template manager of its organization or its creator);
 * 400 when not a UUID, else 404. Also resolves the WebSocket logs route, which no guard runs for.
 */
@Injectable()
export class TemplateVersionParamResolver implements ParamResolver<VisibleVersion>, OnModuleInit {
  constructor(
    private readonly resolvers: ParamResolvers,
    private readonly templates: TemplatesService,
  ) {}

  onModuleInit(): void {
    this.resolvers.register('templateversion', this);
  }

  async resolve(value: string, actor: Actor | undefined): Promise<VisibleVersion> {
    if (!isUuid(value)) throw invalidUuid('templateversion', value);
    const found = await this.templates.findVersion(value.toLowerCase());
    if (!found || !actor || !this.templates.canOnVersion(actor, 'read', found)) throw notFound();
    return found;
  }
}
