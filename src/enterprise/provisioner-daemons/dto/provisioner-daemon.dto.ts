import { ApiProperty } from '@nestjs/swagger';
import {
  DAEMON_STATUSES,
  type DaemonJobRow,
  type DaemonStatus,
  type DaemonStatusRow,
} from '../../../core/provisioning/provisioner-daemons.repository.js';
import { RESERVED_KEY_NAMES } from '../../../core/provisioning/provisioner-key-ids.js';

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

/** `codersdk.ProvisionerDaemonJob`: the job a daemon runs or last ran. */
export class ProvisionerDaemonJobResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed'] })
  status: string;

  @ApiProperty({ description: 'Empty when the job belongs to no template (yet).' })
  template_name: string;

  @ApiProperty()
  template_icon: string;

  @ApiProperty()
  template_display_name: string;
}

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
    description: 'The organization listed: a built-in daemon serves every organization, and shows the one asked for.',
  })
  organization_id: string;

  @ApiProperty({
    enum: DAEMON_STATUSES,
    description:
      '`busy` while it holds an unfinished job; else `offline` once disconnected or not seen for 90 s; else `idle`.',
  })
  status: DaemonStatus;

  @ApiProperty({
    format: 'uuid',
    description:
      'The provisioner key it connected with, or a reserved id (built-in …0001, user-auth …0002, psk …0003).',
  })
  key_id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'built-in',
    description: 'The key name: `built-in`, `user-auth` or `psk` for the reserved ids.',
  })
  key_name: string | null;

  @ApiProperty({ example: '1.0', description: 'The provisioner daemon API version it speaks.' })
  api_version: string;

  @ApiProperty({
    type: ProvisionerDaemonJobResponse,
    nullable: true,
    description: "The unfinished job it holds; null when none (or, for a built-in daemon, another organization's).",
  })
  current_job: ProvisionerDaemonJobResponse | null;

  @ApiProperty({
    type: ProvisionerDaemonJobResponse,
    nullable: true,
    description: "The organization's job it completed last; null when none.",
  })
  previous_job: ProvisionerDaemonJobResponse | null;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** `organizationId`: the organization the daemon is listed under (built-in daemons serve all). */
export function toDaemonResponse(row: DaemonStatusRow, organizationId: string): ProvisionerDaemonResponse {
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
    organization_id: row.organization_id ?? organizationId,
    status: row.status ?? (row.busy ? 'busy' : !row.connected ? 'offline' : 'idle'),
    key_id: row.key_id ?? '',
    key_name: row.key_name ?? (row.key_id ? (RESERVED_KEY_NAMES[row.key_id] ?? null) : null),
    api_version: row.api_version ?? '1.0',
    current_job: toJob(row.current_job),
    previous_job: toJob(row.previous_job),
  };
}

function toJob(job: DaemonJobRow | null | undefined): ProvisionerDaemonJobResponse | null {
  if (!job) return null;
  return {
    id: job.id,
    status: job.status,
    template_name: job.template_name,
    template_icon: job.template_icon,
    template_display_name: job.template_display_name,
  };
}
