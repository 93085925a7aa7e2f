import type { ValidationEntry } from '../../common/errors.js';
import type { CreateTemplateRequest, RestartRequirement } from './dto/template.dto.js';
import type { UpdateTemplateMetaRequest } from './dto/update-template.dto.js';
import type { TemplateEntity } from './entities/template.entity.js';
import { CORS_BEHAVIORS, PORT_SHARE_LEVELS } from './template-enums.js';
import { invalidCreateRequest, invalidUpdateRequest } from './templates.errors.js';
import { everyoneGroupId } from '../groups/everyone-group.js';

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const NS_PER_MS = 1_000_000;
const ALL_DAYS = 0b1111111;
const ONE_HOUR_NS = 3_600_000_000_000;
/** Coder's schedule.MaxTemplateAutostopRequirementWeeks. */
const MAX_AUTOSTOP_WEEKS = 16;
/** Coder's floor for the dormancy and failure TTLs on update, so a typo cannot delete workspaces at once. */
const MIN_TTL_MS = 60_000;
/**
 * The longest duration the bigint nanosecond columns hold (as Go's time.Duration: about 292
 * years). A longer one did not fit (and past 1e21 a number prints as `1e+21`, which PostgreSQL
 * refuses): a 500. Coder's Go silently wraps around instead.
 */
const MAX_DURATION_MS = 9_223_372_036_854;
const TOO_LONG = `Must be at most ${MAX_DURATION_MS} milliseconds.`;
const POSITIVE = 'Must be a positive integer.';
const AT_LEAST_A_MINUTE = 'Value must be at least one minute.';
const NOTIFY_AT_LEAST_A_MINUTE = 'Must be 0 (disabled) or at least one minute.';

/** The settings a create or an update decides, in the entity's units (nanoseconds, bitmaps). */
export type TemplateSettings = Pick<
  TemplateEntity,
  | 'defaultTtl'
  | 'maxTtl'
  | 'failureTtl'
  | 'inactivityTtl'
  | 'lockedTtl'
  | 'activityBump'
  | 'timeTilAutostopNotify'
  | 'restartRequirementDaysOfWeek'
  | 'restartRequirementWeeks'
  | 'autostartAllowedDays'
  | 'maxPortShareLevel'
  | 'corsBehavior'
>;

/** Coder's bitmap (Monday = bit 0) → weekday names, Monday first. */
export function bitmapToWeekdays(bitmap: number): string[] {
  return WEEKDAYS.filter((_, i) => (bitmap & (1 << i)) !== 0);
}

/** Coder's WeekdaysToBitmap: names are case-insensitive; an unknown one is a validation on `field`. */
function weekdayBitmap(days: string[], field: string, problems: ValidationEntry[]): number {
  let bitmap = 0;
  for (const day of days) {
    const index = (WEEKDAYS as readonly string[]).indexOf(day.toLowerCase());
    if (index === -1) {
      problems.push({ field, detail: `invalid weekday ${JSON.stringify(day)}` });
      return 0;
    }
    bitmap |= 1 << index;
  }
  return bitmap;
}

function portShareLevel(value: string, problems: ValidationEntry[]): string | undefined {
  if ((PORT_SHARE_LEVELS as readonly string[]).includes(value)) return value;
  problems.push({
    field: 'max_port_share_level',
    detail: "invalid max port sharing level, value must be 'authenticated', 'organization', or 'public'.",
  });
  return undefined;
}

function corsBehavior(value: string, problems: ValidationEntry[]): string | undefined {
  if ((CORS_BEHAVIORS as readonly string[]).includes(value)) return value;
  problems.push({
    field: 'cors_behavior',
    detail: `Invalid CORS behavior ${JSON.stringify(value)}. Must be one of [${CORS_BEHAVIORS.join(', ')}]`,
  });
  return undefined;
}

/** The first of several accepted names (a field renamed across Coder's versions) that is present. */
function firstGiven<T>(body: object, names: string[]): { field: string; value: T } | undefined {
  const record = body as Record<string, unknown>;
  const field = names.find((name) => record[name] !== undefined);
  return field === undefined ? undefined : { field, value: record[field] as T };
}

/** Autostop requirement: weekdays and weeks (0 means 1, as Coder), under the name the client used. */
function autostop(req: RestartRequirement, field: string, problems: ValidationEntry[]) {
  const daysBitmap = weekdayBitmap(req.days_of_week, `${field}.days_of_week`, problems);
  let weeks = req.weeks;
  if (weeks < 0) problems.push({ field: `${field}.weeks`, detail: POSITIVE });
  else if (weeks > MAX_AUTOSTOP_WEEKS)
    problems.push({ field: `${field}.weeks`, detail: `Must be less than ${MAX_AUTOSTOP_WEEKS}.` });
  if (weeks <= 0) weeks = 1;
  return { daysBitmap, weeks };
}

/**
 * Coder's checks for a new template, all reported together as 400 `Invalid create template
 * request.`, and Coder's defaults for what is left out. Unlike Coder mid-2023 (which assigned
 * `max_ttl_ms` after checking it), the `max_ttl_ms` checks do fire.
 */
export function newTemplateSettings(body: CreateTemplateRequest): TemplateSettings {
  const problems: ValidationEntry[] = [];
  const ns = (given: { field: string; value: number } | undefined): number => {
    if (!given) return 0;
    if (given.value < 0) problems.push({ field: given.field, detail: POSITIVE });
    if (given.value > MAX_DURATION_MS) problems.push({ field: given.field, detail: TOO_LONG });
    return Math.max(given.value, 0) * NS_PER_MS;
  };
  const defaultTtl = ns(firstGiven(body, ['default_ttl_ms']));
  const maxTtl = ns(firstGiven(body, ['max_ttl_ms']));
  if (maxTtl > 0 && defaultTtl > maxTtl) {
    problems.push({
      field: 'default_ttl_ms',
      detail: 'Must be less than or equal to max_ttl_ms if max_ttl_ms is set.',
    });
  }
  const bump = firstGiven<number>(body, ['activity_bump_ms']);
  const activityBump = bump ? ns(bump) : ONE_HOUR_NS;
  const notify = firstGiven<number>(body, ['time_til_autostop_notify_ms']);
  if (notify && notify.value > 0 && notify.value < MIN_TTL_MS)
    problems.push({ field: notify.field, detail: NOTIFY_AT_LEAST_A_MINUTE });
  const timeTilAutostopNotify = ns(notify);
  const stop = firstGiven<RestartRequirement>(body, ['restart_requirement', 'autostop_requirement']);
  const { daysBitmap, weeks } = stop ? autostop(stop.value, stop.field, problems) : { daysBitmap: 0, weeks: 1 };
  const autostartAllowedDays = body.autostart_requirement
    ? weekdayBitmap(body.autostart_requirement.days_of_week, 'autostart_requirement.days_of_week', problems)
    : ALL_DAYS;
  const settings: TemplateSettings = {
    defaultTtl,
    maxTtl,
    activityBump,
    timeTilAutostopNotify,
    restartRequirementDaysOfWeek: daysBitmap,
    restartRequirementWeeks: weeks,
    autostartAllowedDays,
    // Absent (or null) takes Coder's default; anything sent, the empty string included, must be valid.
    maxPortShareLevel:
      (body.max_port_share_level != null && portShareLevel(body.max_port_share_level, problems)) || 'owner',
    corsBehavior: (body.cors_behavior != null && corsBehavior(body.cors_behavior, problems)) || 'simple',
    failureTtl: ns(firstGiven(body, ['failure_ttl_ms'])),
    inactivityTtl: ns(firstGiven(body, ['inactivity_ttl_ms', 'time_til_dormant_ms', 'dormant_ttl_ms'])),
    lockedTtl: ns(firstGiven(body, ['locked_ttl_ms', 'time_til_dormant_autodelete_ms', 'delete_ttl_ms'])),
  };
  if (problems.length > 0) throw invalidCreateRequest(problems);
  return settings;
}

/** Applies one `PATCH /templates/{template}` field when it was sent (absent and `null` leave it). */
function set<K extends keyof TemplateEntity>(next: TemplateEntity, key: K, value: TemplateEntity[K] | undefined): void {
  if (value !== undefined) next[key] = value;
}

/** The schedule part of a PATCH: every duration and requirement, checked as Coder checks them. */
function patchSchedule(next: TemplateEntity, body: UpdateTemplateMetaRequest, problems: ValidationEntry[]): void {
  const positive = (field: string) => {
    const value = (body as Record<string, unknown>)[field] as number | undefined;
    if (value === undefined) return undefined;
    if (value < 0) problems.push({ field, detail: POSITIVE });
    if (value > MAX_DURATION_MS) problems.push({ field, detail: TOO_LONG });
    return Math.max(value, 0) * NS_PER_MS;
  };
  const atLeastAMinute = (names: string[]) => {
    const given = firstGiven<number>(body, names);
    if (!given) return undefined;
    if (given.value < 0 || (given.value > 0 && given.value < MIN_TTL_MS))
      problems.push({ field: given.field, detail: AT_LEAST_A_MINUTE });
    if (given.value > MAX_DURATION_MS) problems.push({ field: given.field, detail: TOO_LONG });
    return Math.max(given.value, 0) * NS_PER_MS;
  };
  set(next, 'defaultTtl', positive('default_ttl_ms'));
  set(next, 'maxTtl', positive('max_ttl_ms'));
  if (next.maxTtl > 0 && next.defaultTtl > next.maxTtl) {
    problems.push({
      field: 'default_ttl_ms',
      detail: 'Must be less than or equal to max_ttl_ms if max_ttl_ms is set.',
    });
  }
  set(next, 'activityBump', positive('activity_bump_ms'));
  const notify = positive('time_til_autostop_notify_ms');
  if (notify !== undefined && notify > 0 && notify < MIN_TTL_MS * NS_PER_MS)
    problems.push({ field: 'time_til_autostop_notify_ms', detail: NOTIFY_AT_LEAST_A_MINUTE });
  set(next, 'timeTilAutostopNotify', notify);
  const stop = firstGiven<RestartRequirement>(body, ['autostop_requirement', 'restart_requirement']);
  if (stop) {
    const { daysBitmap, weeks } = autostop(stop.value, stop.field, problems);
    next.restartRequirementDaysOfWeek = daysBitmap;
    next.restartRequirementWeeks = weeks;
  }
  if (body.autostart_requirement) {
    next.autostartAllowedDays = weekdayBitmap(
      body.autostart_requirement.days_of_week,
      'autostart_requirement.days_of_week',
      problems,
    );
  }
  set(next, 'failureTtl', atLeastAMinute(['failure_ttl_ms']));
  set(next, 'inactivityTtl', atLeastAMinute(['time_til_dormant_ms', 'inactivity_ttl_ms']));
  set(next, 'lockedTtl', atLeastAMinute(['time_til_dormant_autodelete_ms', 'locked_ttl_ms']));
}

/**
 * `PATCH /templates/{template}`: the template with the sent fields applied (absent or `null`
 * leaves a field as it is, as Coder's pointer fields), or 400 `Invalid request to update template
 * metadata!` with every problem. An empty `name` or `cors_behavior` means unchanged, as in Coder.
 */
export function patchedTemplate(template: TemplateEntity, body: UpdateTemplateMetaRequest): TemplateEntity {
  const next: TemplateEntity = Object.assign(
    Object.create(Object.getPrototypeOf(template) as object) as TemplateEntity,
    template,
    {
      groupAcl: { ...template.groupAcl },
    },
  );
  const problems: ValidationEntry[] = [];
  if (body.name) next.name = body.name;
  set(next, 'displayName', body.display_name);
  set(next, 'description', body.description);
  set(next, 'icon', body.icon);
  patchSchedule(next, body, problems);
  set(next, 'allowUserAutostart', body.allow_user_autostart);
  set(next, 'allowUserAutostop', body.allow_user_autostop);
  set(next, 'allowUserCancelWorkspaceJobs', body.allow_user_cancel_workspace_jobs);
  set(next, 'requireActiveVersion', body.require_active_version);
  set(next, 'deprecationMessage', body.deprecation_message);
  if (body.max_port_share_level !== undefined && body.max_port_share_level !== template.maxPortShareLevel) {
    set(next, 'maxPortShareLevel', portShareLevel(body.max_port_share_level, problems));
  }
  if (body.cors_behavior) set(next, 'corsBehavior', corsBehavior(body.cors_behavior, problems));
  set(next, 'useClassicParameterFlow', body.use_classic_parameter_flow);
  set(next, 'agentsAllowed', body.agents_allowed);
  set(next, 'disableModuleCache', body.disable_module_cache);
  if (body.disable_everyone_group_access) delete next.groupAcl[everyoneGroupId(template.organizationId)];
  if (problems.length > 0) throw invalidUpdateRequest(problems);
  return next;
}

/** What a template update can change, for the no-op check and the audit diff. */
export function templateAuditSnapshot(t: TemplateEntity): Record<string, unknown> {
  return {
    name: t.name,
    display_name: t.displayName,
    description: t.description,
    icon: t.icon,
    default_ttl: Number(t.defaultTtl),
    max_ttl: Number(t.maxTtl),
    activity_bump: Number(t.activityBump),
    time_til_autostop_notify: Number(t.timeTilAutostopNotify),
    autostop_requirement_days_of_week: Number(t.restartRequirementDaysOfWeek),
    autostop_requirement_weeks: Number(t.restartRequirementWeeks),
    autostart_block_days_of_week: ALL_DAYS & ~Number(t.autostartAllowedDays),
    allow_user_autostart: t.allowUserAutostart,
    allow_user_autostop: t.allowUserAutostop,
    allow_user_cancel_workspace_jobs: t.allowUserCancelWorkspaceJobs,
    failure_ttl: Number(t.failureTtl),
    time_til_dormant: Number(t.inactivityTtl),
    time_til_dormant_autodelete: Number(t.lockedTtl),
    require_active_version: t.requireActiveVersion,
    deprecated: t.deprecationMessage,
    max_port_sharing_level: t.maxPortShareLevel,
    cors_behavior: t.corsBehavior,
    use_classic_parameter_flow: t.useClassicParameterFlow,
    agents_allowed: t.agentsAllowed,
    disable_module_cache: t.disableModuleCache,
    group_acl: t.groupAcl,
    active_version_id: t.activeVersionId,
  };
}

/** The settings Coder's template schedule store compares before it recomputes running builds. */
const SCHEDULE_KEYS = [
  'defaultTtl',
  'activityBump',
  'timeTilAutostopNotify',
  'restartRequirementDaysOfWeek',
  'restartRequirementWeeks',
  'autostartAllowedDays',
  'failureTtl',
  'inactivityTtl',
  'lockedTtl',
  'allowUserAutostart',
  'allowUserAutostop',
] as const satisfies readonly (keyof TemplateEntity)[];

/** True when a template's schedule settings differ (Coder's EnterpriseTemplateScheduleStore.Set). */
export function scheduleChanged(before: TemplateEntity, after: TemplateEntity): boolean {
  return SCHEDULE_KEYS.some((key) => before[key] !== after[key]);
}
