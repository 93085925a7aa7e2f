import { ApiProperty } from '@nestjs/swagger';

export class GroupAllowanceDto {
  @ApiProperty({ format: 'uuid' }) group_id: string;
  @ApiProperty() group_name: string;
  @ApiProperty({ format: 'uuid' }) organization_id: string;
  @ApiProperty() allowance: number;
}

/** `codersdk.WorkspaceQuota` of one organization, plus where the budget comes from (beyond Coder). */
export class WorkspaceQuotaResponse {
  @ApiProperty({
    description: "Summed daily cost of the latest build of each of the user's workspaces in the organization.",
  })
  credits_consumed: number;

  @ApiProperty({
    description:
      "Summed allowance of the user's groups of the organization (its Everyone group included for a member); -1 when Template RBAC is not enabled.",
  })
  budget: number;

  @ApiProperty({
    type: [GroupAllowanceDto],
    description: 'The groups the budget is made of ([] when the budget is -1).',
  })
  allowance_by_group: GroupAllowanceDto[];
}
