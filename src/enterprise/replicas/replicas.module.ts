import { Module } from '@nestjs/common';
import { ReplicasController } from './replicas.controller.js';
import { ReplicasRepository } from './replicas.repository.js';
import { ReplicasService } from './replicas.service.js';
import { PubSubModule } from '../../database/pubsub/pubsub.module.js';

/** This process as a replica (`replicas` row, heartbeat, pubsub) and `GET /replicas`. */
@Module({
  imports: [PubSubModule],
  controllers: [ReplicasController],
  providers: [ReplicasService, ReplicasRepository],
  exports: [ReplicasService],
})
export class ReplicasModule {}
