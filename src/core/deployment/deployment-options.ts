import { isDeepStrictEqual } from 'node:util';
import { loadConfig, VARIABLES, type AppConfig } from '../../config/config.schema.js';
import type { DeploymentOptionDto, OptionGroupDto } from './dto/deployment.dto.js';

/** Coder's option groups (codersdk/deployment.go); only the root names matter to the dashboard. */
const NETWORKING: OptionGroupDto = { name: 'Networking', yaml: 'networking' };
const HTTP: OptionGroupDto = { name: 'HTTP', yaml: 'http', parent: NETWORKING };
const DERP: OptionGroupDto = { name: 'DERP', yaml: 'derp', parent: NETWORKING };
const INTROSPECTION: OptionGroupDto = { name: 'Introspection', yaml: 'introspection' };
const LOGGING: OptionGroupDto = { name: 'Logging', yaml: 'logging', parent: INTROSPECTION };
const PROMETHEUS: OptionGroupDto = { name: 'Prometheus', yaml: 'prometheus', parent: INTROSPECTION };
const PROVISIONING: OptionGroupDto = { name: 'Provisioning', yaml: 'provisioning' };
const QUIET_HOURS: OptionGroupDto = { name: 'User Quiet Hours Schedule', yaml: 'userQuietHoursSchedule' };
const OIDC: OptionGroupDto = { name: 'OIDC', yaml: 'oidc' };
const GITHUB: OptionGroupDto = { name: 'GitHub', yaml: 'github', parent: { name: 'OAuth2', yaml: 'oauth2' } };

const NS_PER_MS = 1_000_000;
/** Coder's JSON for a duration is integer nanoseconds. */
export const nanoseconds = (ms: number): number => Math.round(ms * NS_PER_MS);

/** `host:port` as Go's net.JoinHostPort writes it (brackets around an IPv6 host). */
const joinHostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export function httpAddress(config: AppConfig): string {
  return joinHostPort(config.httpHost, config.httpPort);
}

export function prometheusAddress(config: AppConfig): string {
  return joinHostPort(config.prometheusHost, config.prometheusPort);
}

/** Whether the session cookie is set `Secure` (the login controller's rule: an https access URL). */
export function secureAuthCookie(config: AppConfig): boolean {
  return config.accessUrl.startsWith('https:');
}

interface OptionSpec {
  /** Coder's name, flag, YAML key and group for the same setting; ours are derived from the variable. */
  name?: string;
  flag?: string;
  yaml?: string;
  group?: OptionGroupDto;
  hidden?: boolean;
  enterprise?: boolean;
  /** A secret: the option carries `secret: "true"` and no value; this only says whether it is set. */
  secret?: (c: AppConfig) => boolean;
  value?: (c: AppConfig) => unknown;
}

/** How each of our variables appears as a Coder option. Variables missing here get derived names. */
const SPECS: Record<string, OptionSpec> = {
  CODER_HTTP_ADDRESS: {
    name: 'HTTP Address',
    flag: 'http-address',
    yaml: 'httpAddress',
    group: HTTP,
    value: httpAddress,
  },
  CODER_ACCESS_URL: {
    name: 'Access URL',
    flag: 'access-url',
    yaml: 'accessURL',
    group: NETWORKING,
    value: (c) => c.accessUrl,
  },
  CODER_PG_CONNECTION_URL: {
    name: 'Postgres Connection URL',
    flag: 'postgres-url',
    secret: (c) => c.pgConnectionUrl !== undefined,
  },
  CODER_DATA_DIR: { name: 'Data Directory', value: (c) => c.dataDir },
  CODER_LICENSE_KEYS_FILE: { name: 'License Keys File', value: (c) => c.licenseKeysFile },
  CODER_SCIM_AUTH_HEADER: {
    name: 'SCIM API Key',
    flag: 'scim-auth-header',
    enterprise: true,
    secret: (c) => c.scimAuthHeader !== undefined,
  },
  CODER_DERP_SERVER_RELAY_URL: {
    name: 'DERP Server Relay URL',
    flag: 'derp-server-relay-url',
    yaml: 'relayURL',
    group: DERP,
    enterprise: true,
    value: (c) => c.derpServerRelayUrl ?? '',
  },
  CODER_REPLICA_HEARTBEAT_INTERVAL: {
    name: 'Replica Heartbeat Interval',
    value: (c) => nanoseconds(c.replicaHeartbeatIntervalMs),
  },
  CODER_REPLICA_PRUNE_INTERVAL: { name: 'Replica Prune Interval', value: (c) => nanoseconds(c.replicaPruneIntervalMs) },
  CODER_PROXY_HEALTH_INTERVAL: {
    name: 'Proxy Health Check Interval',
    flag: 'proxy-health-interval',
    yaml: 'proxyHealthInterval',
    group: HTTP,
    value: (c) => nanoseconds(c.proxyHealthIntervalMs),
  },
  CODER_PROVISIONER_DAEMONS: {
    name: 'Provisioner Daemons',
    flag: 'provisioner-daemons',
    yaml: 'daemons',
    group: PROVISIONING,
    value: (c) => c.provisionerDaemons,
  },
  CODER_PROVISIONER_DAEMON_PSK: {
    name: 'Provisioner Daemon Pre-shared Key (PSK)',
    flag: 'provisioner-daemon-psk',
    group: PROVISIONING,
    secret: (c) => c.provisionerDaemonPsk !== undefined,
  },
  CODER_JOB_HANG_TIMEOUT: {
    name: 'Job Hang Timeout',
    group: PROVISIONING,
    value: (c) => nanoseconds(c.jobHangTimeoutMs),
  },
  CODER_JOB_PENDING_TIMEOUT: {
    name: 'Job Pending Timeout',
    group: PROVISIONING,
    value: (c) => nanoseconds(c.jobPendingTimeoutMs),
  },
  CODER_JOB_HANG_DETECTOR_INTERVAL: {
    name: 'Job Hang Detector Interval',
    flag: 'job-hang-detector-interval',
    yaml: 'jobHangDetectorInterval',
    hidden: true,
    value: (c) => nanoseconds(c.jobHangDetectorIntervalMs),
  },
  CODER_AUTOBUILD_POLL_INTERVAL: {
    name: 'Autobuild Poll Interval',
    flag: 'autobuild-poll-interval',
    yaml: 'autobuildPollInterval',
    hidden: true,
    value: (c) => nanoseconds(c.autobuildPollIntervalMs),
  },
  CODER_QUIET_HOURS_DEFAULT_SCHEDULE: {
    name: 'Default Quiet Hours Schedule',
    flag: 'default-quiet-hours-schedule',
    yaml: 'defaultQuietHoursSchedule',
    group: QUIET_HOURS,
    value: (c) => c.quietHoursDefaultSchedule,
  },
  CODER_ALLOW_CUSTOM_QUIET_HOURS: {
    name: 'Allow Custom Quiet Hours',
    flag: 'allow-custom-quiet-hours',
    yaml: 'allowCustomQuietHours',
    group: QUIET_HOURS,
    value: (c) => c.quietHoursAllowUserCustom,
  },
  CODER_STOP_WORKSPACES_ON_SUSPEND: {
    name: 'Stop Workspaces On Suspend',
    flag: 'stop-workspaces-on-suspend',
    yaml: 'stopWorkspacesOnSuspend',
    value: (c) => c.stopWorkspacesOnSuspend,
  },
  CODER_DORMANCY_THRESHOLD: {
    name: 'Dormancy Threshold',
    flag: 'dormancy-threshold',
    yaml: 'dormancyThreshold',
    // 0: users never become dormant.
    value: (c) => nanoseconds(c.dormancyThresholdMs ?? 0),
  },
  CODER_SESSION_DURATION: {
    name: 'Session Duration',
    flag: 'session-duration',
    yaml: 'sessionDuration',
    group: HTTP,
    value: (c) => nanoseconds(c.sessionDurationMs),
  },
  CODER_MAX_TOKEN_LIFETIME: {
    name: 'Max Token Lifetime',
    flag: 'max-token-lifetime',
    yaml: 'maxTokenLifetime',
    group: HTTP,
    value: (c) => nanoseconds(c.maxTokenLifetimeMs),
  },
  CODER_API_RATE_LIMIT: { name: 'API Rate Limit', flag: 'api-rate-limit', hidden: true, value: (c) => c.apiRateLimit },
  CODER_PG_POOL_MAX: { name: 'Postgres Pool Max', value: (c) => c.pgPoolMax },
  CODER_EXPERIMENTS: { name: 'Experiments', flag: 'experiments', yaml: 'experiments', value: (c) => c.experiments },
  CODER_DOCS_URL: { name: 'Docs URL', flag: 'docs-url', yaml: 'docsURL', group: NETWORKING, value: (c) => c.docsUrl },
  CODER_LOG_LEVEL: { name: 'Log Level', group: LOGGING, value: (c) => c.logLevel },
  CODER_LOG_FORMAT: { name: 'Log Format', group: LOGGING, value: (c) => c.logFormat },
  CODER_PROMETHEUS_ENABLE: {
    name: 'Prometheus Enable',
    flag: 'prometheus-enable',
    yaml: 'enable',
    group: PROMETHEUS,
    value: (c) => c.prometheusEnable,
  },
  CODER_PROMETHEUS_ADDRESS: {
    name: 'Prometheus Address',
    flag: 'prometheus-address',
    yaml: 'address',
    group: PROMETHEUS,
    value: prometheusAddress,
  },
};

/** `CODER_JOB_HANG_TIMEOUT` → `job-hang-timeout`, for our own variables (Coder keys its options table by flag). */
const flagOf = (env: string): string =>
  env
    .replace(/^CODER_/, '')
    .toLowerCase()
    .replace(/_/g, '-');

/**
 * Options the 2023 dashboard looks up by name (a missing one throws). They are Coder settings this
 * server does not have, so each says what is true here and comes from no variable.
 */
function fixedOptions(config: AppConfig): DeploymentOptionDto[] {
  const fixed = (
    name: string,
    flag: string,
    env: string,
    description: string,
    value: unknown,
    extra: Partial<DeploymentOptionDto> = {},
  ) =>
    omitUndefined({
      name,
      description,
      flag,
      env,
      yaml: extra.yaml,
      default: extra.default,
      value,
      group: extra.group,
      value_source: 'default',
    });
  return [
    fixed(
      'Wildcard Access URL',
      'wildcard-access-url',
      'CODER_WILDCARD_ACCESS_URL',
      'Not supported: this server does not serve workspace applications.',
      '',
      {
        yaml: 'wildcardAccessURL',
        group: NETWORKING,
      },
    ),
    fixed(
      'SSH Keygen Algorithm',
      'ssh-keygen-algorithm',
      'CODER_SSH_KEYGEN_ALGORITHM',
      'The algorithm of generated SSH keys (fixed on this server).',
      'ed25519',
      {
        yaml: 'sshKeygenAlgorithm',
        default: 'ed25519',
      },
    ),
    fixed(
      'Secure Auth Cookie',
      'secure-auth-cookie',
      'CODER_SECURE_AUTH_COOKIE',
      "Whether the session cookie is set 'Secure': true when CODER_ACCESS_URL is https.",
      secureAuthCookie(config),
      { yaml: 'secureAuthCookie', group: NETWORKING },
    ),
    fixed(
      'Disable Owner Workspace Access',
      'disable-owner-workspace-access',
      'CODER_DISABLE_OWNER_WORKSPACE_ACCESS',
      'Not supported: owners keep access to every workspace.',
      false,
      { yaml: 'disableOwnerWorkspaceAccess' },
    ),
    fixed(
      'OIDC Client ID',
      'oidc-client-id',
      'CODER_OIDC_CLIENT_ID',
      'Not supported: this server signs users in with passwords only.',
      '',
      {
        yaml: 'clientID',
        group: OIDC,
      },
    ),
    fixed(
      'OAuth2 GitHub Client ID',
      'oauth2-github-client-id',
      'CODER_OAUTH2_GITHUB_CLIENT_ID',
      'Not supported: this server signs users in with passwords only.',
      '',
      {
        yaml: 'clientID',
        group: GITHUB,
      },
    ),
  ];
}

/**
 * Every variable of ours as a Coder option, then the fixed ones. `value_source` is `default`
 * when the value in force equals the default (defaults derived from other variables, like the
 * keys file inside CODER_DATA_DIR, follow them), else `env`.
 */
export function deploymentOptions(config: AppConfig): DeploymentOptionDto[] {
  const base = loadConfig({});
  const derived = loadConfig({ CODER_DATA_DIR: config.dataDir, CODER_HTTP_ADDRESS: httpAddress(config) });
  const fromVariables = VARIABLES.map((variable): DeploymentOptionDto => {
    const spec = SPECS[variable.name] ?? {};
    const annotations: Record<string, string> = {};
    if (spec.enterprise) annotations.enterprise = 'true';
    if (spec.secret) annotations.secret = 'true';
    let value: unknown;
    let source: string | undefined;
    if (spec.secret) {
      source = spec.secret(config) ? 'env' : 'default';
    } else if (spec.value) {
      value = spec.value(config);
      const defaults = variable.name === 'CODER_DATA_DIR' || variable.name === 'CODER_HTTP_ADDRESS' ? base : derived;
      source = isDeepStrictEqual(value, spec.value(defaults)) ? 'default' : 'env';
    }
    // Coder's field order; empty fields are left out as its encoder does.
    return omitUndefined({
      name: spec.name ?? variable.name,
      description: variable.description,
      flag: spec.flag ?? flagOf(variable.name),
      env: variable.name,
      yaml: spec.yaml,
      default:
        variable.defaultText !== undefined && !variable.defaultText.includes('<') ? variable.defaultText : undefined,
      value,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      group: spec.group,
      hidden: spec.hidden || undefined,
      value_source: source,
    });
  });
  return [...fromVariables, ...fixedOptions(config)];
}

function omitUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
