import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/decorators/api-errors.decorator.js';
import { ReqMeta, type RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { Authenticated, CurrentActor } from '../../core/access/access.decorators.js';
import { RequireFeature } from '../../core/licensing/require-feature.decorator.js';
import type { Actor } from '../../core/rbac/actor.js';
import { QuietHoursResponse, UpdateQuietHoursRequest } from './dto/quiet-hours.dto.js';
import { QuietHoursService } from './quiet-hours.service.js';

const USER_PARAM = { name: 'user', description: 'User ID, username, or `me`' };

@ApiTags('Enterprise')
@RequireFeature('advanced_template_scheduling')
@Controller('users/:user/quiet-hours')
export class QuietHoursController {
  constructor(private readonly quietHours: QuietHoursService) {}

  @Get()
  @Authenticated()
  @ApiOperation({ summary: 'Get user quiet hours schedule (one object)' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: QuietHoursResponse })
  @ApiErrors(404)
  get(@CurrentActor() actor: Actor, @Param('user') user: string) {
    return this.quietHours.get(actor, user);
  }

  @Put()
  @Authenticated()
  @ApiOperation({ summary: 'Update user quiet hours schedule (the user or an owner)' })
  @ApiParam(USER_PARAM)
  @ApiOkResponse({ type: QuietHoursResponse })
  @ApiErrors(400, 403, 404)
  set(@CurrentActor() actor: Actor, @Param('user') user: string, @Body() body: UpdateQuietHoursRequest, @ReqMeta() meta: RequestMeta) {
    return this.quietHours.set(actor, user, body.schedule, meta);
  }
}
