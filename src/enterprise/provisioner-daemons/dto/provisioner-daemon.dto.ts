import { ApiProperty } from '@nestjs/swagger';
import type { DaemonStatusRow } from '../../../core/provisioning/provisioner-daemons.repository.js';

/** Go's `sql.NullTime`; the API page shows its keys in lower case, which Go's decoder also accepts. */
export class NullTimeResponse {
  @ApiProperty({
    format: 'date-time',
    example: '2023-07-01T09:00:00Z',
    description: '`0001-01-01T00:00:00Z` when not valid.',
  })
  time: string;

  @ApiProperty()
  valid: boolean;
}

export const DAEMON_STATUSES = ['idle', 'busy', 'offline'] as const;
export type DaemonStatus = (typeof DAEMON_STATUSES)[number];

/** `codersdk.ProvisionerDaemon` (mid-2023) plus later Coder fields. */
export class ProvisionerDaemonResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: NullTimeResponse, description: 'When the daemon last reconnected under the same name.' })
  updated_at: NullTimeResponse;

  @ApiProperty({ example: 'focused_hopper' })
  name: string;

  @ApiProperty({ type: [String], example: ['echo'] })
  provisioners: string[];

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { scope: 'organization' } })
  tags: Record<string, string>;

  @ApiProperty({ format: 'date-time', description: 'Superset (later Coder): the last heartbeat.' })
  last_seen_at: string;

  @ApiProperty({ example: 'v0.1.0', description: 'Superset (later Coder): the version the daemon reported.' })
  version: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Superset (later Coder): null for built-in daemons, which serve every organization.',
  })
  organization_id: string | null;

  @ApiProperty({
    enum: DAEMON_STATUSES,
    description: 'Superset (later Coder): `busy` while running a job, `offline` once disconnected or silent.',
  })
  status: DaemonStatus;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function toDaemonResponse(row: DaemonStatusRow): ProvisionerDaemonResponse {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at
      ? { time: row.updated_at.toISOString(), valid: true }
      : { time: ZERO_TIME, valid: false },
    name: row.name,
    provisioners: row.provisioners ?? [],
    tags: row.tags ?? {},
    last_seen_at: row.last_seen_at.toISOString(),
    version: row.version,
    organization_id: row.organization_id,
    status: !row.connected ? 'offline' : row.busy ? 'busy' : 'idle',
  };
}
