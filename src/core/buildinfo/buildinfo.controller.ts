import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { Public } from '../access/access.decorators.js';
import { SiteConfigService } from '../site-config/site-config.service.js';
import { SERVER_VERSION } from '../../common/version.js';

export class BuildInfoResponse {
  @ApiProperty({ description: 'Where this server\'s source lives.' }) external_url: string;
  @ApiProperty({ example: 'v0.1.0' }) version: string;
  @ApiProperty({ description: 'The access URL (CODER_ACCESS_URL).' }) dashboard_url: string;
  @ApiProperty({ description: 'Always false: this is a primary server, not a workspace proxy.' }) workspace_proxy: boolean;
  @ApiProperty({ example: '1.0' }) agent_api_version: string;
  @ApiProperty({ format: 'uuid' }) deployment_id: string;
  @ApiProperty() upgrade_message: string;
}

@ApiTags('General')
@Controller('buildinfo')
export class BuildInfoController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly siteConfig: SiteConfigService,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Build information' })
  @ApiOkResponse({ type: BuildInfoResponse })
  get(): BuildInfoResponse {
    return {
      external_url: 'https://github.com/coder/coder',
      version: SERVER_VERSION,
      dashboard_url: this.config.accessUrl,
      workspace_proxy: false,
      agent_api_version: '1.0',
      deployment_id: this.siteConfig.deploymentId,
      upgrade_message: '',
    };
  }
}
