import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Public } from '../access/access.decorators.js';
import { BuildInfoService } from './buildinfo.service.js';
import { BuildInfoResponse } from './dto/buildinfo.dto.js';

@ApiTags('General')
@Controller('buildinfo')
export class BuildInfoController {
  constructor(private readonly buildInfo: BuildInfoService) {}

  @Route('GET', '', { summary: 'Build information', returns: BuildInfoResponse })
  @Public()
  get(): BuildInfoResponse {
    return this.buildInfo.get();
  }
}
