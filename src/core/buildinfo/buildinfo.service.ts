import { Inject, Injectable } from '@nestjs/common';
import { SERVER_VERSION } from '../../common/version.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { SiteConfigService } from '../site-config/site-config.service.js';
import type { BuildInfoResponse } from './dto/buildinfo.dto.js';

@Injectable()
export class BuildInfoService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly siteConfig: SiteConfigService,
  ) {}

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
