import { Inject, Injectable, Logger } from '@nestjs/common';
import { type DailySchedule, effectiveQuietHours } from '../../common/daily-schedule.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { EntitlementsService } from '../licensing/entitlements.service.js';
import { type AutostopRequirement, autostopTimes, effectiveTtl } from './lifecycle-rules.js';
import { type AutostopInputs, WorkspaceBuildsRepository } from './workspace-builds.repository.js';

const HOUR_MS = 3_600_000;

/**
 * The deadline and max deadline of `start` builds (lifecycle-rules.ts autostopTimes), set when a
 * build completes and, as Coder's enterprise template schedule store does, recomputed for the
 * running builds of a template whose schedule changes.
 */
@Injectable()
export class BuildDeadlinesService {
  private readonly logger = new Logger('BuildDeadlines');

  constructor(
    private readonly builds: WorkspaceBuildsRepository,
    private readonly entitlements: EntitlementsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** As Coder's provisionerdserver: a `start` build that just completed gets its deadlines. */
  async startCompleted(buildId: string, completedAt: Date): Promise<void> {
    const inputs = await this.builds.getAutostopInputs(buildId);
    if (!inputs) return;
    const { deadline, maxDeadline } = this.times(inputs, completedAt);
    if (deadline || maxDeadline) await this.builds.setDeadline(buildId, deadline, maxDeadline);
  }

  /**
   * Coder's EnterpriseTemplateScheduleStore.updateWorkspaceBuilds, after a template's schedule
   * settings changed (with advanced_template_scheduling; Coder's AGPL store touches no build). For
   * each running build: one whose max deadline is under two hours away is left alone; otherwise
   * the max deadline is computed again from the build's completion (and never set under two hours
   * from now), the build keeps its deadline (or loses it when it would now have none), capped by
   * the max deadline, which also becomes the deadline of a build without one.
   */
  async templateScheduleChanged(templateId: string, now = new Date()): Promise<void> {
    if (!this.entitlements.isEnabled('advanced_template_scheduling')) return;
    const soon = now.getTime() + 2 * HOUR_MS;
    for (const build of await this.builds.runningBuildsOfTemplate(templateId)) {
      if (build.max_deadline && build.max_deadline.getTime() < soon) continue;
      const computed = this.times(build, build.completed_at);
      let maxDeadline = computed.maxDeadline;
      if (maxDeadline && maxDeadline.getTime() < soon) maxDeadline = new Date(soon);
      let deadline = computed.deadline ? build.deadline : null;
      if (maxDeadline && (!deadline || deadline.getTime() > maxDeadline.getTime())) deadline = maxDeadline;
      await this.builds.setDeadline(build.build_id, deadline, maxDeadline);
    }
  }

  private times(inputs: AutostopInputs, completedAt: Date) {
    const ttl = effectiveTtl(inputs.ttl, inputs.allow_user_autostop, inputs.default_ttl);
    return autostopTimes(
      completedAt,
      ttl,
      inputs.autostart_schedule,
      inputs.autostart_allowed_days,
      this.requirement(inputs),
    );
  }

  /**
   * The template's autostop requirement with the owner's quiet hours, when it applies: as in Coder,
   * only with `advanced_template_scheduling` enabled (its enterprise schedule stores) and a
   * requirement that names a day. A stored schedule that no longer parses falls back to the
   * default; with neither, no max deadline is set.
   */
  private requirement(inputs: AutostopInputs): ({ quietHours: DailySchedule } & AutostopRequirement) | undefined {
    if (inputs.autostop_requirement_days === 0 || !this.entitlements.isEnabled('advanced_template_scheduling')) {
      return undefined;
    }
    const requirement = { daysOfWeek: inputs.autostop_requirement_days, weeks: inputs.autostop_requirement_weeks };
    const { quietHoursAllowUserCustom: userCanSet, quietHoursDefaultSchedule: fallback } = this.config;
    for (const stored of [inputs.owner_quiet_hours_schedule, '']) {
      try {
        return { ...requirement, quietHours: effectiveQuietHours(stored, userCanSet, fallback).schedule };
      } catch (err) {
        this.logger.warn(`quiet hours schedule ${JSON.stringify(stored)}: ${(err as Error).message}`);
      }
    }
    return undefined;
  }
}
