import { Body, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { Resolved } from '../../core/access/resolved-params.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import { QuietHoursResponse, UpdateQuietHoursRequest } from './dto/quiet-hours.dto.js';
import { QuietHoursService } from './quiet-hours.service.js';

@ApiTags('Enterprise')
@RequireFeature('advanced_template_scheduling')
@Controller('users/:user/quiet-hours')
export class QuietHoursController {
  constructor(private readonly quietHours: QuietHoursService) {}

  @Route('GET', '', {
    summary: 'Get user quiet hours schedule (one object)',
    returns: QuietHoursResponse,
    errors: [404],
  })
  @Authenticated()
  get(@Resolved('user') user: UserEntity) {
    return this.quietHours.get(user);
  }

  @Route('PUT', '', {
    summary: 'Update user quiet hours schedule (the user or an owner)',
    returns: QuietHoursResponse,
    errors: [400, 403, 404],
  })
  @Authenticated()
  set(
    @CurrentActor() actor: Actor,
    @Resolved('user') user: UserEntity,
    @Body() body: UpdateQuietHoursRequest,
    @ReqMeta() meta: RequestMeta,
  ) {
    return this.quietHours.set(actor, user, body.schedule, meta);
  }
}
