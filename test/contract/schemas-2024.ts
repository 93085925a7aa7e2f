/**
 * The "2024+ dashboard" shape set: JSON Schemas of the objects Coder's current clients decode on the
 * routes we serve, written from Coder's own type definitions (codersdk as generated into the
 * dashboard's `site/src/api/typesGenerated.ts`, coder/coder main of 2026). Ids carry the `v2024-`
 * prefix so they sit next to the Oct 2023 set of schemas.ts, which keeps holding: our answers are a
 * superset of both generations. Required keys are the Go fields without `omitempty` (the TS fields
 * without `?`); extra keys are allowed. Keep these in step with Coder, not with our code.
 */

import {
  arrayOf,
  boolean,
  dateTime,
  enumOf,
  integer,
  nullable,
  object,
  ref,
  string,
  stringArray,
  stringMap,
  uuid,
  type Schema,
} from './schema-kit.js';

/** codersdk's FeatureNames of 2026 (the current dashboard indexes `features[name]`). */
export const FEATURE_NAMES_2026 = [
  'aibridge',
  'ai_governance_user_limit',
  'access_control',
  'advanced_template_scheduling',
  'appearance',
  'audit_log',
  'boundary',
  'browser_only',
  'connection_log',
  'control_shared_ports',
  'custom_roles',
  'external_provisioner_daemons',
  'external_token_encryption',
  'high_availability',
  'managed_agent_limit',
  'multiple_external_auth',
  'multiple_organizations',
  'scim',
  'service_accounts',
  'task_batch_actions',
  'template_rbac',
  'user_limit',
  'user_role_management',
  'workspace_batch_actions',
  'workspace_external_agent',
  'workspace_prebuilds',
  'workspace_proxy',
];

const userStatus = enumOf('active', 'dormant', 'suspended');
const loginType = enumOf('', 'github', 'none', 'oidc', 'password', 'token');
const templateRole = enumOf('admin', '', 'use');
const jobStatus = enumOf('canceled', 'canceling', 'failed', 'pending', 'running', 'succeeded', 'unknown');

const schemas2024: Schema[] = [
  object(
    'v2024-ReducedUser',
    {
      id: uuid,
      username: string,
      email: string,
      created_at: dateTime,
      updated_at: dateTime,
      status: userStatus,
      login_type: loginType,
    },
    { name: string, avatar_url: string, last_seen_at: dateTime, theme_preference: string },
  ),
  {
    $id: 'v2024-User',
    allOf: [
      ref('v2024-ReducedUser'),
      object(undefined, {
        organization_ids: arrayOf(uuid),
        has_ai_seat: boolean,
        roles: arrayOf(object(undefined, { name: string, display_name: string }, { organization_id: string })),
      }),
    ],
  },
  object('v2024-Group', {
    id: uuid,
    name: string,
    display_name: string,
    organization_id: uuid,
    members: arrayOf(ref('v2024-ReducedUser')),
    total_member_count: integer,
    avatar_url: string,
    quota_allowance: integer,
    source: enumOf('oidc', 'user'),
    organization_name: string,
    organization_display_name: string,
  }),
  object('v2024-GroupMembersResponse', { users: arrayOf(ref('v2024-ReducedUser')), count: integer }),
  object('v2024-WorkspaceQuota', { credits_consumed: integer, budget: integer }),
  object('v2024-UserQuietHoursScheduleResponse', {
    raw_schedule: string,
    user_set: boolean,
    user_can_set: boolean,
    time: string,
    timezone: string,
    next: dateTime,
  }),
  object('v2024-TemplateACL', {
    users: arrayOf({ allOf: [ref('v2024-User'), object(undefined, { role: templateRole })] }),
    group: arrayOf({ allOf: [ref('v2024-Group'), object(undefined, { role: templateRole })] }),
  }),
  object('v2024-ACLAvailable', {
    users: arrayOf(ref('v2024-ReducedUser')),
    groups: arrayOf(ref('v2024-Group')),
  }),
  object('v2024-BannerConfig', { enabled: boolean }, { message: string, background_color: string }),
  object(
    'v2024-LinkConfig',
    { name: string, target: string, icon: string },
    { location: enumOf('navbar', 'dropdown') },
  ),
  object(
    'v2024-AppearanceConfig',
    {
      application_name: string,
      logo_url: string,
      docs_url: string,
      service_banner: ref('v2024-BannerConfig'),
      announcement_banners: arrayOf(ref('v2024-BannerConfig')),
    },
    { support_links: arrayOf(ref('v2024-LinkConfig')) },
  ),
  object(
    'v2024-Feature',
    { entitlement: enumOf('entitled', 'grace_period', 'not_entitled'), enabled: boolean },
    {
      limit: integer,
      actual: integer,
      usage_period: object(undefined, { issued_at: dateTime, start: dateTime, end: dateTime }),
    },
  ),
  object('v2024-Entitlements', {
    features: {
      type: 'object',
      required: FEATURE_NAMES_2026,
      additionalProperties: ref('v2024-Feature'),
    },
    warnings: stringArray,
    errors: stringArray,
    has_license: boolean,
    trial: boolean,
    require_telemetry: boolean,
    refreshed_at: dateTime,
  }),
  object('v2024-ProvisionerKey', {
    id: uuid,
    created_at: dateTime,
    organization: uuid,
    name: string,
    tags: stringMap,
  }),
  object(
    'v2024-ProvisionerDaemon',
    {
      id: uuid,
      organization_id: uuid,
      key_id: uuid,
      created_at: dateTime,
      name: string,
      version: string,
      api_version: string,
      provisioners: stringArray,
      tags: stringMap,
      key_name: nullable(string),
      status: nullable(enumOf('offline', 'idle', 'busy')),
      current_job: nullable(ref('v2024-ProvisionerDaemonJob')),
      previous_job: nullable(ref('v2024-ProvisionerDaemonJob')),
    },
    { last_seen_at: dateTime },
  ),
  object('v2024-ProvisionerDaemonJob', {
    id: uuid,
    status: jobStatus,
    template_name: string,
    template_icon: string,
    template_display_name: string,
  }),
  object('v2024-ProvisionerKeyDaemons', {
    key: ref('v2024-ProvisionerKey'),
    daemons: arrayOf(ref('v2024-ProvisionerDaemon')),
  }),
  object(
    'v2024-ProvisionerJob',
    {
      id: uuid,
      created_at: dateTime,
      status: jobStatus,
      file_id: uuid,
      tags: stringMap,
      queue_position: integer,
      queue_size: integer,
      organization_id: uuid,
      initiator_id: uuid,
      input: object(undefined, {}, { template_version_id: uuid, workspace_build_id: uuid, error: string }),
      type: enumOf('template_version_import', 'workspace_build', 'template_version_dry_run'),
      metadata: object(
        undefined,
        {
          template_version_name: string,
          template_id: uuid,
          template_name: string,
          template_display_name: string,
          template_icon: string,
        },
        { workspace_id: uuid, workspace_name: string, workspace_build_transition: enumOf('start', 'stop', 'delete') },
      ),
      logs_overflowed: boolean,
    },
    {
      started_at: dateTime,
      completed_at: dateTime,
      canceled_at: dateTime,
      error: string,
      error_code: string,
      worker_id: uuid,
      worker_name: string,
      available_workers: arrayOf(uuid),
    },
  ),
  object('v2024-Organization', {
    id: uuid,
    name: string,
    display_name: string,
    description: string,
    created_at: dateTime,
    updated_at: dateTime,
    is_default: boolean,
    icon: string,
    default_org_member_roles: stringArray,
  }),
];

export default schemas2024;
