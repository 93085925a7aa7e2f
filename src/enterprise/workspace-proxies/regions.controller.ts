import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authenticated } from '../../core/access/access.decorators.js';
import { RegionsResponse } from './dto/workspace-proxy.dto.js';
import { RegionsService } from './regions.service.js';

/** `GET /regions`: the regions every signed-in user may pick from (no entitlement needed, as Coder). */
@ApiTags('WorkspaceProxies')
@Controller('regions')
export class RegionsController {
  constructor(private readonly service: RegionsService) {}

  @Route('GET', '', {
    summary: 'Get site-wide regions: the primary, plus workspace proxies with their health',
    returns: RegionsResponse,
  })
  @Authenticated()
  regions() {
    return this.service.regions();
  }
}
