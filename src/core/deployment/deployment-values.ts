import type { AppConfig } from '../../config/config.schema.js';
import { httpAddress, nanoseconds, prometheusAddress, secureAuthCookie } from './deployment-options.js';

/** What `coder config-ssh` and the workspace page need (`GET /deployment/ssh`); Coder's defaults, fixed here. */
export const SSH_HOSTNAME_PREFIX = 'coder.';
export const SSH_HOSTNAME_SUFFIX = 'coder';

/**
 * Coder's `DeploymentValues` (the `config` of `GET /deployment/config`), holding only what is
 * true for this server: its settings under Coder's keys, `false`/`""`/`[]` for the Coder features
 * it does not have. Secrets (database URL, SCIM key, provisioner PSK) are left out entirely.
 * Durations are integer nanoseconds, as Go encodes them.
 */
export function deploymentValues(config: AppConfig): Record<string, unknown> {
  return {
    access_url: config.accessUrl,
    wildcard_access_url: '',
    docs_url: config.docsUrl,
    http_address: httpAddress(config),
    autobuild_poll_interval: nanoseconds(config.autobuildPollIntervalMs),
    job_hang_detector_interval: nanoseconds(config.jobHangDetectorIntervalMs),
    proxy_health_status_interval: nanoseconds(config.proxyHealthIntervalMs),
    max_session_expiry: nanoseconds(config.sessionDurationMs),
    max_token_lifetime: nanoseconds(config.maxTokenLifetimeMs),
    derp: { server: { relay_url: config.derpServerRelayUrl ?? '' } },
    provisioner: { daemons: config.provisionerDaemons },
    rate_limit: { disable_all: false, api: config.apiRateLimit },
    // Coder's PrometheusConfig; agent stats and per-query database metrics do not exist here.
    prometheus: {
      enable: config.prometheusEnable,
      address: prometheusAddress(config),
      collect_agent_stats: false,
      collect_db_metrics: false,
      aggregate_agent_stats_by: [],
    },
    experiments: [...config.experiments],
    secure_auth_cookie: secureAuthCookie(config),
    ssh_keygen_algorithm: 'ed25519',
    disable_owner_workspace_exec: false,
    disable_password_auth: false,
    disable_path_apps: false,
    update_check: false,
    in_memory_database: false,
    user_quiet_hours_schedule: {
      default_schedule: config.quietHoursDefaultSchedule,
      allow_user_custom: config.quietHoursAllowUserCustom,
    },
    support: { links: [] },
    external_auth: [],
    // Coder's SSHConfig struct has no JSON tags, so its keys go out capitalised.
    config_ssh: { DeploymentName: SSH_HOSTNAME_PREFIX, SSHConfigOptions: [] },
  };
}
