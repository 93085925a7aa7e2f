import { Inject, Injectable } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import {
  effectiveQuietHours,
  formatInZone,
  nextOccurrence,
  parseDailySchedule,
  ScheduleError,
  timeOfDay,
} from '../../common/daily-schedule.js';
import { forbidden } from '../../common/errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService } from '../../core/audit/audit.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { canAssignSiteRole } from '../../core/rbac/policy.js';
import type { UserEntity } from '../../core/users/entities/user.entity.js';
import { UsersRepository } from '../../core/users/users.repository.js';
import type { QuietHoursResponse } from './dto/quiet-hours.dto.js';
import { customScheduleNotAllowed, scheduleInvalid } from './quiet-hours.errors.js';
import { userAuditEntry } from '../../core/users/user-audit.js';

/**
 * `/users/{user}/quiet-hours`: a user's daily quiet-hours start, or the deployment default. With
 * `CODER_ALLOW_CUSTOM_QUIET_HOURS=false` the default applies to everyone (a stored schedule is kept
 * but not shown, as Coder's enterprise store) and setting one is refused.
 */
@Injectable()
export class QuietHoursService {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
  ) {}

  private present(stored: string, now = new Date()): QuietHoursResponse {
    const userCanSet = this.config.quietHoursAllowUserCustom;
    const { schedule, userSet } = effectiveQuietHours(stored, userCanSet, this.config.quietHoursDefaultSchedule);
    return {
      raw_schedule: schedule.raw,
      user_set: userSet,
      user_can_set: userCanSet,
      time: timeOfDay(schedule),
      timezone: schedule.timezone,
      next: formatInZone(nextOccurrence(schedule, now), schedule.timezone),
    };
  }

  get(user: UserEntity): QuietHoursResponse {
    return this.present(user.quietHoursSchedule);
  }

  /**
   * Only the user themself or an owner may set it (Coder: update on the user's personal data, which
   * a user admin also holds; here only whoever may grant the owner role, i.e. an owner). When the
   * deployment forbids custom schedules Coder refuses before any permission check, and so do we.
   */
  async set(actor: Actor, user: UserEntity, scheduleText: string, meta: RequestMeta): Promise<QuietHoursResponse> {
    if (!this.config.quietHoursAllowUserCustom) throw customScheduleNotAllowed();
    if (user.id !== actor.id && !canAssignSiteRole(actor, 'owner')) throw forbidden();
    let raw: string;
    try {
      raw = parseDailySchedule(scheduleText).raw;
    } catch (err) {
      if (err instanceof ScheduleError) throw scheduleInvalid(err.message);
      throw err;
    }
    await this.db.transaction(async () => {
      await this.users.updateQuietHoursSchedule(user.id, raw);
      await this.audit.record(
        userAuditEntry(meta, actor.id, user, {
          action: 'write',
          statusCode: 200,
          diff: auditDiff({ quiet_hours_schedule: user.quietHoursSchedule }, { quiet_hours_schedule: raw }),
        }),
      );
    });
    return this.present(raw);
  }
}
