import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import { KNOWN_EXPERIMENTS, type AppConfig } from '../../config/config.schema.js';
import { SERVER_VERSION } from '../../common/version.js';
import { deploymentOptions } from './deployment-options.js';
import { deploymentValues, SSH_HOSTNAME_PREFIX, SSH_HOSTNAME_SUFFIX } from './deployment-values.js';
import type {
  AvailableExperimentsResponse,
  DeploymentConfigResponse,
  SSHConfigResponse,
  UpdateCheckResponse,
} from './dto/deployment.dto.js';

/** The deployment's configuration as Coder's clients read it: computed once, it never changes while running. */
@Injectable()
export class DeploymentService {
  private readonly deploymentConfig: DeploymentConfigResponse;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.deploymentConfig = { config: deploymentValues(config), options: deploymentOptions(config) };
  }

  configuration(): DeploymentConfigResponse {
    return this.deploymentConfig;
  }

  ssh(): SSHConfigResponse {
    return { hostname_prefix: SSH_HOSTNAME_PREFIX, hostname_suffix: SSH_HOSTNAME_SUFFIX, ssh_config_options: {} };
  }

  experiments(): string[] {
    return [...this.config.experiments];
  }

  availableExperiments(): AvailableExperimentsResponse {
    return { safe: [...KNOWN_EXPERIMENTS] };
  }

  /**
   * This server never checks for updates, so it answers as Coder does with update checks off:
   * current, its own version, and its build's external URL (the `external_url` of /buildinfo).
   */
  updateCheck(): UpdateCheckResponse {
    return { current: true, version: SERVER_VERSION, url: 'https://github.com/coder/coder' };
  }
}
