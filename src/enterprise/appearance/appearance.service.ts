import { Inject, Injectable } from '@nestjs/common';
import { SERVER_VERSION } from '../../common/version.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { Database } from '../../database/database.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import { AppearanceRepository, CorruptAppearanceError } from './appearance.repository.js';
import { emptyAppearance, type Banner } from './appearance.rules.js';
import {
  toAppearanceConfig,
  toAppearanceSettings,
  type AppearanceConfig,
  type UpdateAppearanceConfig,
} from './dto/appearance.dto.js';

/**
 * `/appearance`. Updates are not audited: Coder writes no audit entry for them and has no audit
 * resource type its dashboard could show one under.
 */
@Injectable()
export class AppearanceService {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AppearanceRepository,
    private readonly entitlements: EntitlementsService,
  ) {}

  /**
   * As Coder: without the `appearance` entitlement (a license in its grace period included) every
   * user sees the defaults; the stored settings are kept and come back with a license.
   */
  async get(): Promise<AppearanceConfig> {
    if (!this.showsStored()) return toAppearanceConfig(emptyAppearance(), this.config.docsUrl, SERVER_VERSION);
    return toAppearanceConfig(await this.repo.getAppearance(), this.config.docsUrl, SERVER_VERSION);
  }

  /** Replaces every setting at once and answers what is now stored (not the request echo). */
  async update(body: UpdateAppearanceConfig): Promise<AppearanceConfig> {
    const next = await this.db.transaction(async () => {
      await this.repo.lockAppearance();
      const settings = toAppearanceSettings(body, await this.shownBanners());
      await this.repo.saveAppearance(settings);
      return settings;
    });
    return toAppearanceConfig(next, this.config.docsUrl, SERVER_VERSION);
  }

  private showsStored(): boolean {
    return this.entitlements.entitlement('appearance') === 'entitled';
  }

  /** The banners GET shows right now (none when stored JSON no longer decodes: a PUT repairs it). */
  private async shownBanners(): Promise<Banner[]> {
    if (!this.showsStored()) return [];
    try {
      return (await this.repo.getAppearance()).announcementBanners;
    } catch (err) {
      if (err instanceof CorruptAppearanceError) return [];
      throw err;
    }
  }
}
