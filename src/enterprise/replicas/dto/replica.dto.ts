import { ApiProperty } from '@nestjs/swagger';
import type { ReplicaEntity } from '../entities/replica.entity.js';

/** `codersdk.Replica`. */
export class ReplicaResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Hostname of the machine the replica runs on.' }) hostname: string;
  @ApiProperty({ format: 'date-time', description: 'When the replica was first seen.' }) created_at: string;
  @ApiProperty({ description: 'Relay address (CODER_DERP_SERVER_RELAY_URL), "" when not configured.' })
  relay_address: string;
  @ApiProperty({ example: 999 }) region_id: number;
  @ApiProperty({ description: '"" or why peers could not be dialled (`Failed to dial peers: ...`).' }) error: string;
  @ApiProperty({ description: 'Latency of a database round trip, in microseconds.' }) database_latency: number;
}

export function toReplicaResponse(replica: ReplicaEntity): ReplicaResponse {
  return {
    id: replica.id,
    hostname: replica.hostname,
    created_at: replica.createdAt.toISOString(),
    relay_address: replica.relayAddress,
    region_id: replica.regionId,
    error: replica.error,
    database_latency: replica.databaseLatency,
  };
}
