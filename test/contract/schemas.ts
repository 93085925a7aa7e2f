/**
 * JSON Schemas of the response types Coder's clients decode, written from Coder's own type
 * definitions (codersdk as generated into the Oct 2023 dashboard's `site/src/api/typesGenerated.ts`,
 * commit f6cf76cf; newer fields from codersdk of Aug 2026 where a client reads them) — see
 * ../shared/spec/coder-clients.md. They say what a client may rely on: the keys it reads are
 * required, their JSON types, which may be null, and enum values. Extra keys are allowed (clients
 * ignore them). Keep these in step with Coder, not with our code: a schema edited to match a
 * regression defeats the suite.
 */

type Schema = Record<string, unknown>;

const string = { type: 'string' } as const;
const boolean = { type: 'boolean' } as const;
const integer = { type: 'integer' } as const;
const number = { type: 'number' } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const stringArray = { type: 'array', items: string } as const;
const stringMap = { type: 'object', additionalProperties: string } as const;
const ref = (id: string) => ({ $ref: id });
const nullable = (schema: Schema) => ({ anyOf: [schema, { type: 'null' }] });
const enumOf = (...values: string[]) => ({ type: 'string', enum: values });
const arrayOf = (items: Schema) => ({ type: 'array', items });

/** An object whose every listed key is required (Go fields without `omitempty`). */
function object(
  id: string | undefined,
  required: Record<string, Schema>,
  optional: Record<string, Schema> = {},
): Schema {
  return {
    ...(id ? { $id: id } : {}),
    type: 'object',
    required: Object.keys(required),
    properties: { ...required, ...optional },
  };
}

/** Feature names of the Oct 2023 dashboard (FeatureNames); it indexes several of them directly. */
export const F6_FEATURE_NAMES = [
  'advanced_template_scheduling',
  'appearance',
  'audit_log',
  'browser_only',
  'external_provisioner_daemons',
  'external_token_encryption',
  'high_availability',
  'multiple_external_auth',
  'scim',
  'template_autostop_requirement',
  'template_rbac',
  'user_limit',
  'user_role_management',
  'workspace_batch_actions',
  'workspace_proxy',
];

/** Feature names the Terraform provider checks (codersdk of 2026). */
export const TERRAFORM_FEATURE_NAMES = [
  'template_rbac',
  'advanced_template_scheduling',
  'access_control',
  'control_shared_ports',
  'workspace_proxy',
];

/** Deployment options the Oct 2023 dashboard looks up by name (a missing one throws). */
export const DASHBOARD_OPTION_NAMES = [
  'Access URL',
  'Wildcard Access URL',
  'Experiments',
  'SSH Keygen Algorithm',
  'Secure Auth Cookie',
  'Disable Owner Workspace Access',
  'OIDC Client ID',
  'OAuth2 GitHub Client ID',
];

/** Resource types of codersdk's audit ResourceType (2023, plus `organization_member` of later versions). */
export const AUDIT_RESOURCE_TYPES = [
  'api_key',
  'convert_login',
  'git_ssh_key',
  'group',
  'license',
  'organization',
  'organization_member',
  'template',
  'template_version',
  'user',
  'workspace',
  'workspace_build',
  'workspace_proxy',
];

const role = object(undefined, { name: string, display_name: string });

const schemas: Schema[] = [
  object(
    'Response',
    { message: string },
    {
      detail: string,
      validations: arrayOf(object(undefined, { field: string, detail: string })),
    },
  ),
  object('User', {
    id: uuid,
    username: string,
    email: string,
    created_at: dateTime,
    last_seen_at: dateTime,
    status: enumOf('active', 'dormant', 'suspended'),
    organization_ids: { type: 'array', items: uuid, minItems: 0 },
    roles: arrayOf(role),
    avatar_url: string,
    login_type: enumOf('', 'github', 'none', 'oidc', 'password', 'token'),
  }),
  object('GetUsersResponse', { users: arrayOf(ref('User')), count: integer }),
  object('AuthMethods', {
    password: object(undefined, { enabled: boolean }),
    github: object(undefined, { enabled: boolean }),
    oidc: object(undefined, { enabled: boolean, signInText: string, iconUrl: string }),
  }),
  { $id: 'AuthorizationResponse', type: 'object', additionalProperties: boolean },
  object('BuildInfoResponse', {
    external_url: string,
    version: string,
    dashboard_url: string,
    workspace_proxy: boolean,
  }),
  object(
    'Feature',
    { entitlement: enumOf('entitled', 'grace_period', 'not_entitled'), enabled: boolean },
    { limit: integer, actual: integer },
  ),
  object('Entitlements', {
    features: {
      type: 'object',
      required: [...new Set([...F6_FEATURE_NAMES, ...TERRAFORM_FEATURE_NAMES])],
      additionalProperties: ref('Feature'),
    },
    warnings: stringArray,
    errors: stringArray,
    has_license: boolean,
    trial: boolean,
    require_telemetry: boolean,
    refreshed_at: dateTime,
  }),
  { $id: 'Experiments', ...stringArray },
  object('ServiceBannerConfig', { enabled: boolean }, { message: string, background_color: string }),
  object('LinkConfig', { name: string, target: string, icon: string }),
  object(
    'AppearanceConfig',
    { application_name: string, logo_url: string, service_banner: ref('ServiceBannerConfig') },
    {
      support_links: arrayOf(ref('LinkConfig')),
      announcement_banners: arrayOf(ref('ServiceBannerConfig')),
      docs_url: string,
    },
  ),
  object('UpdateCheckResponse', { current: boolean, version: string, url: string }),
  object('DeploymentStats', {
    aggregated_from: dateTime,
    collected_at: dateTime,
    next_update_at: dateTime,
    workspaces: object(undefined, {
      pending: integer,
      building: integer,
      running: integer,
      failed: integer,
      stopped: integer,
      connection_latency_ms: object(undefined, { P50: number, P95: number }),
      rx_bytes: integer,
      tx_bytes: integer,
    }),
    session_count: object(undefined, { vscode: integer, ssh: integer, jetbrains: integer, reconnecting_pty: integer }),
  }),
  object('Region', {
    id: uuid,
    name: string,
    display_name: string,
    icon_url: string,
    healthy: boolean,
    path_app_url: string,
    wildcard_hostname: string,
  }),
  {
    $id: 'WorkspaceProxy',
    allOf: [
      ref('Region'),
      object(
        undefined,
        { derp_enabled: boolean, derp_only: boolean, created_at: dateTime, updated_at: dateTime, deleted: boolean },
        {
          status: object(undefined, {
            status: enumOf('ok', 'unhealthy', 'unreachable', 'unregistered'),
            checked_at: dateTime,
          }),
        },
      ),
    ],
  },
  object('RegionsResponse', { regions: arrayOf(ref('Region')) }),
  object('WorkspaceProxiesResponse', { regions: arrayOf(ref('WorkspaceProxy')) }),
  object('UpdateWorkspaceProxyResponse', { proxy: ref('WorkspaceProxy'), proxy_token: string }),
  object('TemplateAutostopRequirement', { days_of_week: stringArray, weeks: integer }),
  object('Template', {
    id: uuid,
    created_at: dateTime,
    updated_at: dateTime,
    organization_id: uuid,
    name: string,
    display_name: string,
    provisioner: enumOf('echo', 'terraform'),
    active_version_id: uuid,
    active_user_count: integer,
    build_time_stats: {
      type: 'object',
      required: ['start', 'stop', 'delete'],
      additionalProperties: object(undefined, {}, { P50: nullable(number), P95: nullable(number) }),
    },
    description: string,
    icon: string,
    default_ttl_ms: integer,
    max_ttl_ms: integer,
    autostop_requirement: ref('TemplateAutostopRequirement'),
    created_by_id: uuid,
    created_by_name: string,
    allow_user_autostart: boolean,
    allow_user_autostop: boolean,
    allow_user_cancel_workspace_jobs: boolean,
    failure_ttl_ms: integer,
    time_til_dormant_ms: integer,
    time_til_dormant_autodelete_ms: integer,
    // Read back and compared by the Terraform provider (codersdk of 2026).
    require_active_version: boolean,
    max_port_share_level: enumOf('owner', 'authenticated', 'organization', 'public'),
    activity_bump_ms: integer,
    autostart_requirement: object(undefined, { days_of_week: stringArray }),
  }),
  object(
    'ProvisionerJob',
    {
      id: uuid,
      created_at: dateTime,
      status: enumOf('canceled', 'canceling', 'failed', 'pending', 'running', 'succeeded', 'unknown'),
      file_id: uuid,
      tags: stringMap,
      queue_position: integer,
      queue_size: integer,
    },
    {
      // Go pointers: codersdk omits them when unset; null decodes the same (nil) in Go and is falsy in the SPA.
      started_at: nullable(dateTime),
      completed_at: nullable(dateTime),
      canceled_at: nullable(dateTime),
      error: nullable(string),
      worker_id: nullable(uuid),
    },
  ),
  object(
    'TemplateVersion',
    {
      id: uuid,
      created_at: dateTime,
      updated_at: dateTime,
      name: string,
      message: string,
      job: ref('ProvisionerJob'),
      readme: string,
      created_by: object(undefined, { id: uuid, username: string, avatar_url: string }),
    },
    { template_id: uuid, organization_id: uuid },
  ),
  object('WorkspaceBuild', {
    id: uuid,
    created_at: dateTime,
    updated_at: dateTime,
    workspace_id: uuid,
    workspace_name: string,
    workspace_owner_id: uuid,
    workspace_owner_name: string,
    template_version_id: uuid,
    template_version_name: string,
    build_number: integer,
    transition: enumOf('delete', 'start', 'stop'),
    initiator_id: uuid,
    initiator_name: string,
    job: ref('ProvisionerJob'),
    reason: enumOf('autostart', 'autostop', 'initiator'),
    resources: arrayOf(object(undefined, { id: uuid, job_id: uuid, type: string, name: string, daily_cost: integer })),
    status: enumOf(
      'canceled',
      'canceling',
      'deleted',
      'deleting',
      'failed',
      'pending',
      'running',
      'starting',
      'stopped',
      'stopping',
    ),
    daily_cost: integer,
  }),
  object(
    'Workspace',
    {
      id: uuid,
      created_at: dateTime,
      updated_at: dateTime,
      owner_id: uuid,
      owner_name: string,
      organization_id: uuid,
      template_id: uuid,
      template_name: string,
      template_display_name: string,
      template_icon: string,
      template_allow_user_cancel_workspace_jobs: boolean,
      template_active_version_id: uuid,
      latest_build: ref('WorkspaceBuild'),
      outdated: boolean,
      name: string,
      last_used_at: dateTime,
      health: object(undefined, { healthy: boolean, failing_agents: stringArray }),
      automatic_updates: enumOf('always', 'never'),
    },
    {
      autostart_schedule: nullable(string),
      ttl_ms: nullable(integer),
      deleting_at: nullable(dateTime),
      dormant_at: nullable(dateTime),
    },
  ),
  object('WorkspacesResponse', { workspaces: arrayOf(ref('Workspace')), count: integer }),
  object('Group', {
    id: uuid,
    name: string,
    display_name: string,
    organization_id: uuid,
    members: arrayOf(ref('User')),
    avatar_url: string,
    quota_allowance: integer,
    source: enumOf('oidc', 'user'),
  }),
  object('ACLAvailable', { users: arrayOf(ref('User')), groups: arrayOf(ref('Group')) }),
  object('TemplateACL', {
    users: arrayOf({ allOf: [ref('User'), object(undefined, { role: enumOf('admin', 'use') })] }),
    group: arrayOf({ allOf: [ref('Group'), object(undefined, { role: enumOf('admin', 'use') })] }),
  }),
  object('License', {
    id: integer,
    uuid,
    uploaded_at: dateTime,
    claims: object(undefined, { license_expires: integer }),
  }),
  object(
    'ClibaseOption',
    {},
    {
      name: string,
      description: string,
      flag: string,
      env: string,
      yaml: string,
      default: string,
      annotations: stringMap,
      hidden: boolean,
      value_source: enumOf('', 'default', 'env', 'flag', 'yaml'),
      group: { $ref: 'ClibaseGroup' },
    },
  ),
  object('ClibaseGroup', {}, { name: string, yaml: string, description: string, parent: { $ref: 'ClibaseGroup' } }),
  object('DeploymentConfig', { config: { type: 'object' }, options: arrayOf(ref('ClibaseOption')) }),
  object('SSHConfigResponse', { hostname_prefix: string, ssh_config_options: stringMap }),
  object('AuditLogResponse', {
    audit_logs: arrayOf(
      object(
        undefined,
        {
          id: uuid,
          request_id: uuid,
          time: dateTime,
          organization_id: uuid,
          user_agent: string,
          resource_type: enumOf(...AUDIT_RESOURCE_TYPES),
          resource_id: uuid,
          resource_target: string,
          resource_icon: string,
          action: enumOf('create', 'delete', 'login', 'logout', 'register', 'start', 'stop', 'write'),
          diff: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              required: ['secret'],
              properties: { secret: boolean, old: { not: { type: 'null' } }, new: { not: { type: 'null' } } },
            },
          },
          status_code: integer,
          additional_fields: { type: 'object' },
          description: string,
          resource_link: string,
          is_deleted: boolean,
        },
        { user: ref('User') },
      ),
    ),
    count: integer,
  }),
  object('UserQuietHoursScheduleResponse', {
    raw_schedule: string,
    user_set: boolean,
    time: string,
    timezone: string,
    next: dateTime,
  }),
  object('WorkspaceQuota', { credits_consumed: integer, budget: integer }),
  object('Organization', { id: uuid, name: string, created_at: dateTime, updated_at: dateTime }),
  object('GenerateAPIKeyResponse', { key: string }),
  object('UploadResponse', { hash: uuid }),
];

export default schemas;
