import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { Database } from '../../database/database.js';
import { auditDiff, AuditService, NIL_UUID } from '../audit/audit.service.js';
import { userAuditEntry } from './user-audit.js';
import { DORMANCY_ACTOR_FIELDS } from './user-suspension.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** How often inactive users are looked for (Coder: every 15 minutes). */
export const DORMANCY_CHECK_INTERVAL_MS = 5 * 60_000;
/** The first pass runs this soon after start, not at once: startup stays light. */
const FIRST_CHECK_DELAY_MS = 30_000;

/** No request behind a background pass. */
const BACKGROUND_META: RequestMeta = { ip: null, userAgent: '', requestId: NIL_UUID };

/**
 * Coder's dormancy job (enterprise/coderd/dormancy): with CODER_DORMANCY_THRESHOLD set, active
 * users not seen for that long become `dormant`, which frees their license seat; they are active
 * again on their next sign-in or API use (UsersService.activateDormant). Safe on every replica:
 * one UPDATE marks and reports each user once, whichever replica gets there first.
 */
@Injectable()
export class DormancyService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Dormancy');
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: Database,
    private readonly repo: UsersRepository,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.dormancyThresholdMs === undefined) return;
    const first = setTimeout(() => void this.markDormantUsers(), FIRST_CHECK_DELAY_MS);
    const every = setInterval(() => void this.markDormantUsers(), DORMANCY_CHECK_INTERVAL_MS);
    first.unref();
    every.unref();
    this.timers = [first, every];
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /**
   * One pass: marks the users not seen since `now - threshold` dormant, audited as Coder does (the
   * user itself as actor, with the dormancy subsystem's fields), in one transaction. Returns their
   * ids; none when the threshold is unset. Never throws.
   */
  async markDormantUsers(now = new Date()): Promise<string[]> {
    const threshold = this.config.dormancyThresholdMs;
    if (threshold === undefined) return [];
    try {
      const marked = await this.db.transaction(async () => {
        const users = await this.repo.markInactiveUsersDormant(new Date(now.getTime() - threshold));
        for (const user of users) {
          await this.audit.record({
            ...userAuditEntry(BACKGROUND_META, user.id, user, {
              action: 'write',
              statusCode: 200,
              diff: auditDiff({ status: 'active' }, { status: 'dormant' }),
            }),
            additionalFields: { ...DORMANCY_ACTOR_FIELDS },
          });
        }
        return users;
      });
      if (marked.length > 0) {
        this.logger.log(`marked ${marked.length} users dormant (not seen since ${formatCutoff(now, threshold)})`);
        await this.users.activeUsersChanged();
      }
      return marked.map((u) => u.id);
    } catch (err) {
      this.logger.warn(`dormancy check skipped: ${(err as Error).message}`);
      return [];
    }
  }
}

function formatCutoff(now: Date, thresholdMs: number): string {
  return new Date(now.getTime() - thresholdMs).toISOString();
}
