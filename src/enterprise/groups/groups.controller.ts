import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import type { GroupEntity } from '../../core/groups/entities/group.entity.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { GroupResponse, PatchGroupRequest } from './dto/group.dto.js';
import { GroupsService } from './groups.service.js';

/** `/groups/{group}`: a group by id, or by name within the caller's organizations. */
@ApiTags('Enterprise')
@RequireFeature('template_rbac')
@Controller('groups/:group')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Route('GET', '', {
    summary: 'Get group by ID (or by name within your organizations)',
    returns: GroupResponse,
    errors: [400, 404],
  })
  @Authenticated()
  get(@Resolved('group') group: GroupEntity) {
    return this.groups.get(group);
  }

  @Route('PATCH', '', {
    summary: 'Update a group: name, display name, avatar, quota allowance, members',
    returns: GroupResponse,
    errors: [400, 403, 404, 409],
  })
  @Authenticated()
  patch(
    @CurrentActor() actor: Actor,
    @Resolved('group') group: GroupEntity,
    @Body() body: PatchGroupRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.groups.update(actor, group, body, meta);
  }

  @Route('DELETE', '', {
    summary: 'Delete a group; answers the deleted group',
    returns: GroupResponse,
    errors: [400, 403, 404],
  })
  @Authenticated()
  delete(@CurrentActor() actor: Actor, @Resolved('group') group: GroupEntity, @ReqMeta() meta: RequestMeta) {
    return this.groups.delete(actor, group, meta);
  }
}
