import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../../core/access/access.decorators.js';
import { ReplicaResponse, toReplicaResponse } from './dto/replica.dto.js';
import { ReplicasService } from './replicas.service.js';

@ApiTags('Enterprise')
@Controller('replicas')
export class ReplicasController {
  constructor(private readonly replicas: ReplicasService) {}

  @Get()
  @Authorize('replicas', 'read', { hide: true })
  @ApiOperation({ summary: 'Get active replicas (owners; others 404): server processes updated within 15 s and not stopped, this one last' })
  @ApiOkResponse({ type: [ReplicaResponse] })
  async list(): Promise<ReplicaResponse[]> {
    return (await this.replicas.list()).map(toReplicaResponse);
  }
}
