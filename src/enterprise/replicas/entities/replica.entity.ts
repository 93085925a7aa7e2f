import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Coder's `replicas`: one row per server process (`primary`) and one per workspace proxy replica
 * (`primary = false`, registered through `/workspaceproxies/me/register`). A row not updated
 * within three heartbeat intervals is dead; `stopped_at` is set on a graceful stop.
 */
@Entity('replicas')
export class ReplicaEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  stoppedAt: Date | null;

  @Index('replicas_updated_at_idx')
  @Column('timestamptz')
  updatedAt: Date;

  @Column('text')
  hostname: string;

  /** The DERP region: 999 for the server's own, 10000 + `workspace_proxies.region_id` for a proxy's. */
  @Column('integer')
  regionId: number;

  @Column('text')
  relayAddress: string;

  /** Microseconds of a database round trip, measured at each heartbeat. */
  @Column('integer')
  databaseLatency: number;

  @Column('text')
  version: string;

  /** `""`, or `Failed to dial peers: ...` when a peer's relay address did not answer. */
  @Column('text', { default: '' })
  error: string;

  @Column('boolean', { default: true })
  primary: boolean;
}
