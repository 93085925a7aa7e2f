import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { forbidden, validationFailed } from '../../common/errors.js';
import { auditDiff, AuditService } from '../../core/audit/audit.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { UsersService } from '../../core/users/users.service.js';
import { formatInZone, nextOccurrence, parseDailySchedule, ScheduleError, timeOfDay } from '../../common/daily-schedule.js';
import type { QuietHoursResponse } from './dto/quiet-hours.dto.js';

/** `/users/{user}/quiet-hours`: a user's daily quiet-hours start, or the deployment default. */
@Injectable()
export class QuietHoursService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  private present(stored: string, now = new Date()): QuietHoursResponse {
    const userSet = stored.trim() !== '';
    const schedule = parseDailySchedule(userSet ? stored : this.config.quietHoursDefaultSchedule);
    return {
      raw_schedule: schedule.raw,
      user_set: userSet,
      time: timeOfDay(schedule),
      timezone: schedule.timezone,
      next: formatInZone(nextOccurrence(schedule, now), schedule.timezone),
    };
  }

  async get(actor: Actor, userParam: string): Promise<QuietHoursResponse> {
    const user = await this.users.resolveVisible(actor, userParam);
    return this.present(user.quietHoursSchedule);
  }

  /** Only the user themself or an owner may set it (Coder: update on the user's personal data). */
  async set(actor: Actor, userParam: string, scheduleText: string, meta: RequestMeta): Promise<QuietHoursResponse> {
    const user = await this.users.resolveVisible(actor, userParam);
    if (user.id !== actor.id && !actor.siteRoles.includes('owner')) throw forbidden();
    let raw: string;
    try {
      raw = parseDailySchedule(scheduleText).raw;
    } catch (err) {
      if (err instanceof ScheduleError) throw validationFailed([{ field: 'schedule', detail: err.message }]);
      throw err;
    }
    await this.db.transaction(async (manager) => {
      await manager.query('UPDATE users SET quiet_hours_schedule = $2, updated_at = now() WHERE id = $1', [user.id, raw]);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'user',
          resourceId: user.id,
          resourceTarget: user.username,
          action: 'write',
          statusCode: 200,
          diff: auditDiff({ quiet_hours_schedule: user.quietHoursSchedule }, { quiet_hours_schedule: raw }),
        },
        manager,
      );
    });
    return this.present(raw);
  }
}
