import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/decorators/request-meta.decorator.js';
import { auditDiff, AuditService, NIL_UUID } from '../../core/audit/audit.service.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import type { Actor } from '../../core/rbac/actor.js';
import { AppearanceRepository, CorruptAppearanceError } from './appearance.repository.js';
import { emptyAppearance } from './appearance.rules.js';
import {
  toAppearanceConfig,
  toAppearanceSettings,
  toStoredAppearance,
  type AppearanceConfig,
  type UpdateAppearanceConfig,
} from './dto/appearance.dto.js';

@Injectable()
export class AppearanceService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: AppearanceRepository,
    private readonly entitlements: EntitlementsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * As Coder: without the `appearance` entitlement (a license in its grace period included) every
   * user sees the defaults; the stored settings are kept and come back with a license.
   */
  async get(): Promise<AppearanceConfig> {
    if (this.entitlements.entitlement('appearance') !== 'entitled') return toAppearanceConfig(emptyAppearance());
    return toAppearanceConfig(await this.repo.getAppearance());
  }

  /** Replaces all three settings at once and answers what is now stored (not the request echo). */
  async update(actor: Actor, body: UpdateAppearanceConfig, meta: RequestMeta): Promise<AppearanceConfig> {
    const next = toAppearanceSettings(body);
    await this.db.transaction(async (manager) => {
      await this.repo.lockAppearance(manager);
      const before = await this.previousForAudit(manager);
      await this.repo.saveAppearance(manager, next);
      await this.audit.record(
        {
          meta,
          userId: actor.id,
          resourceType: 'appearance',
          resourceId: NIL_UUID,
          resourceTarget: 'appearance',
          action: 'write',
          statusCode: 200,
          diff: auditDiff(before, { ...toStoredAppearance(next) }),
        },
        manager,
      );
    });
    return toAppearanceConfig(next);
  }

  /** The settings being replaced; `null` when they no longer decode, so a PUT can repair them. */
  private async previousForAudit(manager: EntityManager): Promise<Record<string, unknown> | null> {
    try {
      return { ...toStoredAppearance(await this.repo.getAppearance(manager)) };
    } catch (err) {
      if (err instanceof CorruptAppearanceError) return null;
      throw err;
    }
  }
}
