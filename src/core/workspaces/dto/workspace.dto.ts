import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MatchedProvisionersDto,
  ProvisionerJobResponse,
  WorkspaceResourceResponse,
} from '../../provisioning/dto/job.dto.js';
import { AUTOMATIC_UPDATES, type AutomaticUpdates } from '../entities/workspace.entity.js';
import { WORKSPACE_STATUSES, type WorkspaceStatus } from '../workspace-search.js';

/** `codersdk.WorkspaceBuild`. */
export class WorkspaceBuildResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'uuid' }) workspace_id: string;
  @ApiProperty() workspace_name: string;
  @ApiProperty({ format: 'uuid' }) workspace_owner_id: string;
  @ApiProperty() workspace_owner_name: string;
  @ApiPropertyOptional({ description: "The owner's avatar URL; absent when empty (Coder's `omitempty`)." })
  workspace_owner_avatar_url?: string;
  @ApiProperty({ format: 'uuid' }) template_version_id: string;
  @ApiProperty() template_version_name: string;
  @ApiProperty() build_number: number;
  @ApiProperty({ enum: ['start', 'stop', 'delete'] }) transition: string;
  @ApiProperty({ format: 'uuid' }) initiator_id: string;
  @ApiProperty() initiator_name: string;
  @ApiProperty({ type: ProvisionerJobResponse }) job: ProvisionerJobResponse;
  @ApiProperty({ enum: ['initiator', 'autostart', 'autostop'] }) reason: string;
  @ApiProperty({
    type: [WorkspaceResourceResponse],
    description: "What the build's job created; `[]` until it completes.",
  })
  resources: WorkspaceResourceResponse[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadline: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) max_deadline: string | null;
  @ApiProperty({ enum: WORKSPACE_STATUSES, description: 'From the job status and the transition.' })
  status: WorkspaceStatus;
  @ApiProperty({ description: "The daily cost the build committed against the owner's quota." }) daily_cost: number;
  @ApiProperty({
    type: MatchedProvisionersDto,
    description: 'The daemons that fit the pending job; zeros and null once it started (as Coder).',
  })
  matched_provisioners: MatchedProvisionersDto;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Always null: template version presets are not supported.',
  })
  template_version_preset_id: string | null;
  @ApiProperty({ description: 'Always false: external agents are not supported.' }) has_external_agent: boolean;
}

export class WorkspaceHealth {
  @ApiProperty() healthy: boolean;
  @ApiProperty({ type: [String], format: 'uuid' }) failing_agents: string[];
}

/** `codersdk.Workspace`: the mid-2023 fields (with `locked_at`), and Coder's current ones. */
export class WorkspaceResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ format: 'uuid' }) owner_id: string;
  @ApiProperty() owner_name: string;
  @ApiProperty() owner_avatar_url: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty() organization_name: string;
  @ApiProperty({ format: 'uuid' }) template_id: string;
  @ApiProperty() template_name: string;
  @ApiProperty() template_display_name: string;
  @ApiProperty() template_icon: string;
  @ApiProperty() template_allow_user_cancel_workspace_jobs: boolean;
  @ApiProperty({ format: 'uuid' }) template_active_version_id: string;
  @ApiProperty() template_require_active_version: boolean;
  @ApiProperty({ description: "The template's `use_classic_parameter_flow`." })
  template_use_classic_parameter_flow: boolean;
  @ApiProperty({ type: WorkspaceBuildResponse }) latest_build: WorkspaceBuildResponse;
  @ApiProperty({
    type: Object,
    nullable: true,
    description: 'Always null: no workspace agents (and so no app statuses) run here.',
  })
  latest_app_status: null;
  @ApiProperty({ description: "The latest build is not of the template's active version." }) outdated: boolean;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ description: 'Absent when there is none.' }) autostart_schedule?: string;
  @ApiPropertyOptional({ description: 'Absent when there is none.' }) ttl_ms?: number;
  @ApiProperty({ format: 'date-time' }) last_used_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deleting_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) locked_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dormant_at: string | null;
  @ApiProperty({ type: WorkspaceHealth }) health: WorkspaceHealth;
  @ApiProperty({ enum: AUTOMATIC_UPDATES, description: 'Always present; `never` unless set.' })
  automatic_updates: AutomaticUpdates;
  @ApiProperty({ description: "Always false: workspaces cannot be renamed here (Coder's default too)." })
  allow_renames: boolean;
  @ApiProperty({ description: 'The owner marked it a favorite; false for anyone else who asks.' })
  favorite: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      "The autostart schedule's next occurrence on a day the template allows (within a week), or null without a schedule.",
  })
  next_start_at: string | null;
  @ApiProperty({ description: 'Always false: prebuilt workspaces are not supported.' }) is_prebuild: boolean;
}

export class WorkspacesResponse {
  @ApiProperty({ type: [WorkspaceResponse] }) workspaces: WorkspaceResponse[];
  @ApiProperty({ description: 'Matching workspaces on all pages.' }) count: number;
}
