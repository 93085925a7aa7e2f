import { join, resolve } from 'node:path';
import { parseDailySchedule } from '../common/daily-schedule.js';
import { formatDuration, parseDuration } from './duration.js';

/** The typed configuration every module reads; built once at boot from the environment. */
export interface AppConfig {
  httpHost: string;
  httpPort: number;
  accessUrl: string;
  pgConnectionUrl: string | undefined;
  dataDir: string;
  licenseKeysFile: string;
  /** The SCIM bearer key; undefined = SCIM is off. A secret: never logged or returned. */
  scimAuthHeader: string | undefined;
  derpServerRelayUrl: string | undefined;
  /** How often each replica updates its `replicas` row; a row older than three intervals is dead. */
  replicaHeartbeatIntervalMs: number;
  /** How often dead `replicas` rows are deleted. */
  replicaPruneIntervalMs: number;
  /** How often every registered workspace proxy's `/healthz-report` is fetched. */
  proxyHealthIntervalMs: number;
  /** Built-in (in-process) provisioner daemons. */
  provisionerDaemons: number;
  /** Pre-shared key for external provisioner daemons; a secret. */
  provisionerDaemonPsk: string | undefined;
  /** A running job not updated for this long is failed by the hang detector. */
  jobHangTimeoutMs: number;
  /** A pending job not updated for this long is failed by the same pass (Coder's job reaper). */
  jobPendingTimeoutMs: number;
  jobHangDetectorIntervalMs: number;
  /** How often the lifecycle executor looks for workspaces to autostart or autostop (Coder's autobuild poll). */
  autobuildPollIntervalMs: number;
  /** Canonical daily schedule users get until they set their own. */
  quietHoursDefaultSchedule: string;
  /** Whether users may set their own quiet hours (Coder's `CODER_ALLOW_CUSTOM_QUIET_HOURS`); false: the default always applies. */
  quietHoursAllowUserCustom: boolean;
  sessionDurationMs: number;
  maxTokenLifetimeMs: number;
  apiRateLimit: number;
  logLevel: LogLevel;
  /** `auto`: pretty on a terminal, JSON otherwise. */
  logFormat: LogFormat;
  pgPoolMax: number;
  /** Enabled experiments (`GET /experiments`); `*` in the variable expands to every known one. */
  experiments: string[];
  /** Where the dashboard's documentation links point (Coder's `CODER_DOCS_URL`). */
  docsUrl: string;
  /** Serve Prometheus metrics on a listener of their own (never on the API port). */
  prometheusEnable: boolean;
  prometheusHost: string;
  /** 0 = any free port (tests). */
  prometheusPort: number;
  /** Stop the running workspaces of a user when it is suspended (API or SCIM). */
  stopWorkspacesOnSuspend: boolean;
  /** Users not seen for this long become `dormant`; undefined = never. */
  dormancyThresholdMs: number | undefined;
}

/** Experiments Coder's dashboard of late 2023 knows (codersdk.ExperimentsAll); `*` enables these. */
export const KNOWN_EXPERIMENTS = [
  'moons',
  'tailnet_pg_coordinator',
  'single_tailnet',
  'template_autostop_requirement',
  'deployment_health_page',
  'dashboard_theme',
] as const;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

type Env = Record<string, string | undefined>;

interface VariableSpec {
  name: string;
  description: string;
  /** Shown in --help; `undefined` means "unset". */
  defaultText: string | undefined;
}

/** One entry per variable: the help text and how it is parsed. Order = order in --help. */
export const VARIABLES: VariableSpec[] = [
  { name: 'CODER_HTTP_ADDRESS', description: 'Listen address (host:port).', defaultText: '127.0.0.1:3000' },
  {
    name: 'CODER_ACCESS_URL',
    description: 'Public URL of this deployment (http or https).',
    defaultText: 'http://<CODER_HTTP_ADDRESS>',
  },
  {
    name: 'CODER_PG_CONNECTION_URL',
    description: 'PostgreSQL URL. Unset: an embedded PostgreSQL keeps its data in CODER_DATA_DIR/postgres.',
    defaultText: undefined,
  },
  {
    name: 'CODER_DATA_DIR',
    description: 'Directory for the embedded database and generated keys.',
    defaultText: './.coder-data',
  },
  {
    name: 'CODER_LICENSE_KEYS_FILE',
    description:
      'JWKS file of trusted license public keys (Ed25519, each with a kid); re-read on SIGHUP and on change.',
    defaultText: '<CODER_DATA_DIR>/license-keys.json',
  },
  {
    name: 'CODER_SCIM_AUTH_HEADER',
    description: 'Bearer key identity providers use for SCIM; unset turns SCIM off.',
    defaultText: undefined,
  },
  {
    name: 'CODER_DERP_SERVER_RELAY_URL',
    description: "This replica's relay address (shown in /replicas; enables high availability).",
    defaultText: undefined,
  },
  {
    name: 'CODER_REPLICA_HEARTBEAT_INTERVAL',
    description:
      'How often each replica updates its row in replicas; rows older than 3 intervals are dead (same value on every replica).',
    defaultText: '5s',
  },
  {
    name: 'CODER_REPLICA_PRUNE_INTERVAL',
    description: 'How often rows of dead replicas are deleted (Go duration).',
    defaultText: '30m',
  },
  {
    name: 'CODER_PROXY_HEALTH_INTERVAL',
    description: "How often each workspace proxy's /healthz-report is checked (Go duration).",
    defaultText: '1m',
  },
  {
    name: 'CODER_PROVISIONER_DAEMONS',
    description: 'Number of built-in (in-process) provisioner daemons (echo provisioner); 0 disables them.',
    defaultText: '3',
  },
  {
    name: 'CODER_PROVISIONER_DAEMON_PSK',
    description: 'Pre-shared key external provisioner daemons may present (header Coder-Provisioner-Daemon-PSK).',
    defaultText: undefined,
  },
  {
    name: 'CODER_JOB_HANG_TIMEOUT',
    description: 'A running provisioner job not updated for this long is failed (Go duration).',
    defaultText: '5m',
  },
  {
    name: 'CODER_JOB_PENDING_TIMEOUT',
    description: 'A provisioner job still pending (never acquired) after this long is failed (Go duration).',
    defaultText: '30m',
  },
  {
    name: 'CODER_JOB_HANG_DETECTOR_INTERVAL',
    description: 'How often to look for hung provisioner jobs (Go duration).',
    defaultText: '1m',
  },
  {
    name: 'CODER_AUTOBUILD_POLL_INTERVAL',
    description: 'How often to look for workspaces to autostart or autostop (Go duration).',
    defaultText: '1m',
  },
  {
    name: 'CODER_QUIET_HOURS_DEFAULT_SCHEDULE',
    description: 'Default daily quiet hours: 5-field cron with an optional CRON_TZ= prefix.',
    defaultText: 'CRON_TZ=UTC 0 0 * * *',
  },
  {
    name: 'CODER_ALLOW_CUSTOM_QUIET_HOURS',
    description: 'Allow users to set their own quiet hours schedule; false: the default schedule always applies.',
    defaultText: 'true',
  },
  {
    name: 'CODER_SESSION_DURATION',
    description: 'Lifetime of a session token from password login (Go duration; refreshed while in use).',
    defaultText: '24h',
  },
  {
    name: 'CODER_MAX_TOKEN_LIFETIME',
    description: 'Longest lifetime a long-lived API token may be given (Go duration).',
    defaultText: '720h',
  },
  {
    name: 'CODER_API_RATE_LIMIT',
    description: 'API requests per minute per user (per IP when signed out); -1 disables rate limiting.',
    defaultText: '512',
  },
  {
    name: 'CODER_PG_POOL_MAX',
    description: 'Maximum PostgreSQL connections in the pool.',
    defaultText: '10',
  },
  {
    name: 'CODER_EXPERIMENTS',
    description: `Comma-separated experiments to enable (${KNOWN_EXPERIMENTS.join(', ')}; * = all of them).`,
    defaultText: undefined,
  },
  {
    name: 'CODER_DOCS_URL',
    description: 'Where documentation links point (http or https).',
    defaultText: 'https://coder.com/docs',
  },
  { name: 'CODER_LOG_LEVEL', description: `Log level: ${LOG_LEVELS.join(', ')}.`, defaultText: 'info' },
  {
    name: 'CODER_LOG_FORMAT',
    description:
      'Log format: pretty (one readable line per entry), json (one JSON object per line), or auto (pretty when standard output is a terminal, else json).',
    defaultText: 'auto',
  },
  {
    name: 'CODER_PROMETHEUS_ENABLE',
    description:
      'Serve Prometheus metrics (GET /metrics) on CODER_PROMETHEUS_ADDRESS, a listener of their own; never on the API port.',
    defaultText: 'false',
  },
  {
    name: 'CODER_PROMETHEUS_ADDRESS',
    description: 'Listen address (host:port) of the Prometheus metrics listener; keep it private.',
    defaultText: '127.0.0.1:2112',
  },
  {
    name: 'CODER_STOP_WORKSPACES_ON_SUSPEND',
    description: 'Stop the running workspaces of a user when it is suspended (API or SCIM); false leaves them running.',
    defaultText: 'true',
  },
  {
    name: 'CODER_DORMANCY_THRESHOLD',
    description:
      'Users not seen for this long become dormant (not counted against the license user limit) until they sign in or use the API again (Go duration, at least 1h); unset: never.',
    defaultText: undefined,
  },
];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable}: ${reason}`);
  }
}

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function duration(env: Env, name: string, fallback: string, min: number): number {
  const raw = read(env, name) ?? fallback;
  let ms: number;
  try {
    ms = parseDuration(raw);
  } catch (err) {
    throw new ConfigError(name, (err as Error).message);
  }
  if (ms < min) throw new ConfigError(name, `must be at least ${formatDuration(min)}, got "${raw}"`);
  return ms;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Go's strconv.ParseBool spellings, as Coder's boolean settings accept them. */
function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|t|true)$/i.test(raw)) return true;
  if (/^(0|f|false)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** `host:port` or `[v6]:port`; an empty host (`:2112`) means every interface, as in Go. */
function hostPort(env: Env, name: string, fallback: string): { host: string; port: number } {
  const raw = read(env, name) ?? fallback;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(raw);
  if (!m) throw new ConfigError(name, `must be host:port, got "${raw}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(name, `port must be at most 65535, got ${port}`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::']);

/** The metrics listener, when on, must not claim the API's address (one of them would fail to bind). */
function prometheus(env: Env, http: { host: string; port: number }) {
  const enable = boolean(env, 'CODER_PROMETHEUS_ENABLE', false);
  const { host, port } = hostPort(env, 'CODER_PROMETHEUS_ADDRESS', '127.0.0.1:2112');
  const overlaps = host === http.host || WILDCARD_HOSTS.has(host) || WILDCARD_HOSTS.has(http.host);
  if (enable && port !== 0 && port === http.port && overlaps) {
    throw new ConfigError(
      'CODER_PROMETHEUS_ADDRESS',
      `must not be the API's address (CODER_HTTP_ADDRESS), got port ${port} for both`,
    );
  }
  return { prometheusEnable: enable, prometheusHost: host, prometheusPort: port };
}

/**
 * Unset: off. At least an hour, because `last_seen_at` is written at most once an hour per key
 * (src/core/auth/auth.service.ts): a shorter threshold would mark users dormant while they work.
 */
function dormancyThreshold(env: Env): number | undefined {
  if (read(env, 'CODER_DORMANCY_THRESHOLD') === undefined) return undefined;
  return duration(env, 'CODER_DORMANCY_THRESHOLD', '', 3_600_000);
}

function accessUrl(env: Env, host: string, port: number): string {
  const raw = read(env, 'CODER_ACCESS_URL');
  if (raw === undefined) {
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${shownHost}:${port}`;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('CODER_ACCESS_URL', `must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('CODER_ACCESS_URL', `must use http or https, got "${url.protocol}"`);
  }
  return url.toString().replace(/\/$/, '');
}

function optionalUrl(env: Env, name: string): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw;
}

function quietHours(env: Env): string {
  const raw = read(env, 'CODER_QUIET_HOURS_DEFAULT_SCHEDULE') ?? 'CRON_TZ=UTC 0 0 * * *';
  try {
    return parseDailySchedule(raw).raw;
  } catch (err) {
    throw new ConfigError('CODER_QUIET_HOURS_DEFAULT_SCHEDULE', (err as Error).message);
  }
}

function experiments(env: Env): string[] {
  const raw = read(env, 'CODER_EXPERIMENTS');
  if (raw === undefined) return [];
  const out = new Set<string>();
  for (const item of raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    if (item === '*') {
      for (const known of KNOWN_EXPERIMENTS) out.add(known);
    } else if (/^[a-z0-9_-]{1,64}$/.test(item)) {
      out.add(item);
    } else {
      throw new ConfigError('CODER_EXPERIMENTS', `must be comma-separated experiment names, got "${item}"`);
    }
  }
  return [...out];
}

function pgUrl(env: Env): string | undefined {
  const raw = read(env, 'CODER_PG_CONNECTION_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('CODER_PG_CONNECTION_URL', 'must be a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    // The value may hold a password, so it is never echoed back.
    throw new ConfigError('CODER_PG_CONNECTION_URL', `must use the postgres:// scheme, got "${url.protocol}"`);
  }
  return raw;
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const { host, port } = hostPort(env, 'CODER_HTTP_ADDRESS', '127.0.0.1:3000');
  const logLevel = (read(env, 'CODER_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('CODER_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logFormat = (read(env, 'CODER_LOG_FORMAT') ?? 'auto') as LogFormat;
  if (!LOG_FORMATS.includes(logFormat)) {
    throw new ConfigError('CODER_LOG_FORMAT', `must be one of ${LOG_FORMATS.join(', ')}, got "${logFormat}"`);
  }
  const apiRateLimit = integer(env, 'CODER_API_RATE_LIMIT', 512, -1, 1_000_000);
  const dataDir = resolve(read(env, 'CODER_DATA_DIR') ?? './.coder-data');
  if (apiRateLimit === 0) throw new ConfigError('CODER_API_RATE_LIMIT', 'must be positive, or -1 to disable');
  return {
    httpHost: host,
    httpPort: port,
    accessUrl: accessUrl(env, host, port),
    pgConnectionUrl: pgUrl(env),
    dataDir,
    licenseKeysFile: resolve(read(env, 'CODER_LICENSE_KEYS_FILE') ?? join(dataDir, 'license-keys.json')),
    scimAuthHeader: read(env, 'CODER_SCIM_AUTH_HEADER'),
    derpServerRelayUrl: optionalUrl(env, 'CODER_DERP_SERVER_RELAY_URL'),
    replicaHeartbeatIntervalMs: duration(env, 'CODER_REPLICA_HEARTBEAT_INTERVAL', '5s', 100),
    replicaPruneIntervalMs: duration(env, 'CODER_REPLICA_PRUNE_INTERVAL', '30m', 100),
    proxyHealthIntervalMs: duration(env, 'CODER_PROXY_HEALTH_INTERVAL', '1m', 100),
    provisionerDaemons: integer(env, 'CODER_PROVISIONER_DAEMONS', 3, 0, 64),
    provisionerDaemonPsk: read(env, 'CODER_PROVISIONER_DAEMON_PSK'),
    jobHangTimeoutMs: duration(env, 'CODER_JOB_HANG_TIMEOUT', '5m', 1000),
    jobPendingTimeoutMs: duration(env, 'CODER_JOB_PENDING_TIMEOUT', '30m', 1000),
    jobHangDetectorIntervalMs: duration(env, 'CODER_JOB_HANG_DETECTOR_INTERVAL', '1m', 100),
    autobuildPollIntervalMs: duration(env, 'CODER_AUTOBUILD_POLL_INTERVAL', '1m', 100),
    quietHoursDefaultSchedule: quietHours(env),
    quietHoursAllowUserCustom: boolean(env, 'CODER_ALLOW_CUSTOM_QUIET_HOURS', true),
    sessionDurationMs: duration(env, 'CODER_SESSION_DURATION', '24h', 60_000),
    maxTokenLifetimeMs: duration(env, 'CODER_MAX_TOKEN_LIFETIME', '720h', 60_000),
    apiRateLimit,
    logLevel,
    logFormat,
    pgPoolMax: integer(env, 'CODER_PG_POOL_MAX', 10, 1, 1000),
    experiments: experiments(env),
    docsUrl: (optionalUrl(env, 'CODER_DOCS_URL') ?? 'https://coder.com/docs').replace(/\/$/, ''),
    ...prometheus(env, { host, port }),
    stopWorkspacesOnSuspend: boolean(env, 'CODER_STOP_WORKSPACES_ON_SUSPEND', true),
    dormancyThresholdMs: dormancyThreshold(env),
  };
}

/** The text of `--help`. */
export function helpText(): string {
  const width = Math.max(...VARIABLES.map((v) => v.name.length));
  const lines = VARIABLES.map(
    (v) => `  ${v.name.padEnd(width)}  ${v.description} (default: ${v.defaultText ?? 'unset'})`,
  );
  return [
    'Usage: npm start [-- --help]',
    '',
    'Coder Enterprise API server. Configuration comes from environment variables:',
    '',
    ...lines,
    '',
  ].join('\n');
}
