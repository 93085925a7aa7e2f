import { ApiProperty } from '@nestjs/swagger';

/** `codersdk.BuildInfoResponse`. */
export class BuildInfoResponse {
  @ApiProperty({ description: "Where this server's source lives." }) external_url: string;
  @ApiProperty({ example: 'v0.1.0' }) version: string;
  @ApiProperty({ description: 'The access URL (CODER_ACCESS_URL).' }) dashboard_url: string;
  @ApiProperty({ description: 'Always false: this is a primary server, not a workspace proxy.' })
  workspace_proxy: boolean;
  @ApiProperty({ example: '1.0' }) agent_api_version: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty() upgrade_message: string;
}
