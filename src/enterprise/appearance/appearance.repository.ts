import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SiteConfigService } from '../../core/site-config/site-config.service.js';
import { emptyAppearance, type AppearanceSettings, type ServiceBanner, type SupportLink } from './appearance.rules.js';
import { toStoredAppearance } from './dto/appearance.dto.js';

/** The `site_configs` keys; `logo_url` and `service_banner` hold what Coder stores there. */
const KEYS = { logoUrl: 'logo_url', serviceBanner: 'service_banner', supportLinks: 'support_links' } as const;

/** Stored JSON that does not decode: a server fault on read; an update replaces it. */
export class CorruptAppearanceError extends Error {}

/**
 * Appearance settings in `site_configs`, in Coder's format (`service_banner` is its JSON with
 * omitempty). Stored JSON that does not decode is a server fault (Coder: 500 `unmarshal json`).
 */
@Injectable()
export class AppearanceRepository {
  constructor(private readonly siteConfig: SiteConfigService) {}

  async getAppearance(manager?: EntityManager): Promise<AppearanceSettings> {
    const values = await this.siteConfig.getMany(Object.values(KEYS), manager);
    const settings = emptyAppearance();
    settings.logoUrl = values.get(KEYS.logoUrl) ?? '';
    const banner = values.get(KEYS.serviceBanner);
    if (banner) settings.serviceBanner = decodeBanner(banner);
    const links = values.get(KEYS.supportLinks);
    if (links) settings.supportLinks = decodeLinks(links);
    return settings;
  }

  /** Writes all three keys; pass the transaction's manager so they change together. */
  async saveAppearance(manager: EntityManager, settings: AppearanceSettings): Promise<void> {
    const stored = toStoredAppearance(settings);
    await this.siteConfig.set(KEYS.logoUrl, stored.logo_url, manager);
    await this.siteConfig.set(KEYS.serviceBanner, JSON.stringify(stored.service_banner), manager);
    await this.siteConfig.set(KEYS.supportLinks, JSON.stringify(stored.support_links), manager);
  }

  /** Serialises concurrent updates, so each audit entry's "old" value is the one it replaced. */
  async lockAppearance(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('site_configs:appearance'))`);
  }
}

function decodeBanner(raw: string): ServiceBanner {
  const value = parseJson(KEYS.serviceBanner, raw);
  if (!isRecord(value)) throw new CorruptAppearanceError(`site_configs "${KEYS.serviceBanner}" is not a JSON object`);
  return {
    enabled: value.enabled === true,
    message: typeof value.message === 'string' ? value.message : '',
    backgroundColor: typeof value.background_color === 'string' ? value.background_color : '',
  };
}

function decodeLinks(raw: string): SupportLink[] {
  const value = parseJson(KEYS.supportLinks, raw);
  if (!Array.isArray(value)) throw new CorruptAppearanceError(`site_configs "${KEYS.supportLinks}" is not a JSON array`);
  return value.filter(isRecord).map((link) => ({
    name: String(link.name ?? ''),
    target: String(link.target ?? ''),
    icon: String(link.icon ?? ''),
  }));
}

function parseJson(key: string, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new CorruptAppearanceError(`site_configs "${key}": unmarshal json: ${(err as Error).message}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
