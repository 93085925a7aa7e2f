import { Injectable } from '@nestjs/common';
import { SiteConfigService } from '../../core/site-config/site-config.service.js';
import {
  emptyAppearance,
  isEmptyBanner,
  linkLocationError,
  type AppearanceSettings,
  type Banner,
  type SupportLink,
  type SupportLinkLocation,
} from './appearance.rules.js';
import { toStoredAppearance } from './dto/appearance.dto.js';

/**
 * The `site_configs` keys: `application_name`, `logo_url` and `announcement_banners` hold what Coder
 * (2024+) stores there; `service_banner` (Coder 2023) is kept equal to the first banner.
 */
const KEYS = {
  applicationName: 'application_name',
  logoUrl: 'logo_url',
  serviceBanner: 'service_banner',
  announcementBanners: 'announcement_banners',
  supportLinks: 'support_links',
} as const;

/** Stored JSON that does not decode: a server fault on read; an update replaces it. */
export class CorruptAppearanceError extends Error {}

/**
 * Appearance settings in `site_configs`, in Coder's format (banners are its JSON with omitempty),
 * read and written through their owner, SiteConfigService (no SQL here). Stored JSON that does not
 * decode is a server fault (Coder: 500 `unmarshal json`).
 */
@Injectable()
export class AppearanceRepository {
  constructor(private readonly siteConfig: SiteConfigService) {}

  async getAppearance(): Promise<AppearanceSettings> {
    const values = await this.siteConfig.getMany(Object.values(KEYS));
    const settings = emptyAppearance();
    settings.applicationName = values.get(KEYS.applicationName) ?? '';
    settings.logoUrl = values.get(KEYS.logoUrl) ?? '';
    const banners = values.get(KEYS.announcementBanners);
    const legacy = values.get(KEYS.serviceBanner);
    if (banners) {
      settings.announcementBanners = decodeBanners(banners);
    } else if (legacy) {
      // Stored before announcement banners existed here: the service banner is the only one.
      const banner = decodeBanner(KEYS.serviceBanner, parseJson(KEYS.serviceBanner, legacy));
      settings.announcementBanners = isEmptyBanner(banner) ? [] : [banner];
    }
    const links = values.get(KEYS.supportLinks);
    if (links) settings.supportLinks = decodeLinks(links);
    return settings;
  }

  /** Writes every key; call inside a transaction so they change together. */
  async saveAppearance(settings: AppearanceSettings): Promise<void> {
    const stored = toStoredAppearance(settings);
    await this.siteConfig.set(KEYS.applicationName, stored.application_name);
    await this.siteConfig.set(KEYS.logoUrl, stored.logo_url);
    await this.siteConfig.set(KEYS.serviceBanner, JSON.stringify(stored.service_banner));
    await this.siteConfig.set(KEYS.announcementBanners, JSON.stringify(stored.announcement_banners));
    await this.siteConfig.set(KEYS.supportLinks, JSON.stringify(stored.support_links));
  }

  /** Serialises concurrent updates: each one merges banners against what the previous one stored. */
  lockAppearance(): Promise<void> {
    return this.siteConfig.lock('appearance');
  }
}

function decodeBanners(raw: string): Banner[] {
  const value = parseJson(KEYS.announcementBanners, raw);
  if (!Array.isArray(value))
    throw new CorruptAppearanceError(`site_configs "${KEYS.announcementBanners}" is not a JSON array`);
  return value.map((banner) => decodeBanner(KEYS.announcementBanners, banner));
}

function decodeBanner(key: string, value: unknown): Banner {
  if (!isRecord(value))
    throw new CorruptAppearanceError(`site_configs "${key}" holds a banner that is not a JSON object`);
  return {
    enabled: value.enabled === true,
    message: typeof value.message === 'string' ? value.message : '',
    backgroundColor: typeof value.background_color === 'string' ? value.background_color : '',
  };
}

function decodeLinks(raw: string): SupportLink[] {
  const value = parseJson(KEYS.supportLinks, raw);
  if (!Array.isArray(value))
    throw new CorruptAppearanceError(`site_configs "${KEYS.supportLinks}" is not a JSON array`);
  return value.filter(isRecord).map((link) => {
    const decoded: SupportLink = {
      name: fieldText(link.name),
      target: fieldText(link.target),
      icon: fieldText(link.icon),
    };
    if (linkLocationError(link.location) === null && link.location)
      decoded.location = link.location as SupportLinkLocation;
    return decoded;
  });
}

/** A stored link field as text; absent or `null` is empty. */
function fieldText(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- stored JSON scalars; an object renders as before
  return String(value ?? '');
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
