import { Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Route } from '../../common/decorators/route.decorator.js';
import { Authorize } from '../../core/access/access.decorators.js';
import { ReplicaResponse, toReplicaResponse } from './dto/replica.dto.js';
import { ReplicasService } from './replicas.service.js';

@ApiTags('Enterprise')
@Controller('replicas')
export class ReplicasController {
  constructor(private readonly replicas: ReplicasService) {}

  @Route('GET', '', {
    summary:
      'Get active replicas (owners; others 404): server processes updated within 15 s and not stopped, this one last',
    returns: [ReplicaResponse],
  })
  @Authorize('replicas', 'read', { hide: true })
  async list(): Promise<ReplicaResponse[]> {
    return (await this.replicas.list()).map(toReplicaResponse);
  }
}
