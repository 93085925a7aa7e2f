import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import {
  announcementColorError,
  APPLICATION_NAME_MAX,
  BANNERS_MAX,
  bannerColorError,
  BUILTIN_ICONS,
  defaultSupportLinks,
  emptyBanner,
  LINK_NAME_MAX,
  linkIconError,
  linkLocationError,
  linkTargetError,
  logoUrlError,
  mergeBanners,
  MESSAGE_MAX,
  SUPPORT_LINK_LOCATIONS,
  SUPPORT_LINKS_MAX,
  URL_MAX,
  type AppearanceSettings,
  type Banner,
  type SupportLink,
  type SupportLinkLocation,
} from '../appearance.rules.js';

// Decorators apply bottom-up and the pipe reports a field's first failed constraint, so the
// type check sits nearest the property: `"x"` for a list reads "must be an array", not "max".

/**
 * A property checked by one of the pure rules; the rule's error text becomes the validation's
 * `detail`. The rule also sees the enclosing object (the banner colour depends on `enabled`).
 */
function Satisfies(
  name: string,
  rule: (value: unknown, object: Record<string, unknown>) => string | null,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args) => rule(args.value, args.object as Record<string, unknown>) ?? '' },
      validator: { validate: (value, args) => rule(value, (args?.object ?? {}) as Record<string, unknown>) === null },
    });
}

export class ServiceBannerConfig {
  @ApiProperty({ description: 'Show the banner on every page of the dashboard.' })
  @IsDefined()
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({ maxLength: MESSAGE_MAX, description: 'Banner text (omitted when empty).' })
  @IsOptional()
  @MaxLength(MESSAGE_MAX)
  @IsString()
  message?: string;

  @ApiPropertyOptional({
    example: '#5f1dc4',
    pattern: '^#[0-9a-fA-F]{6}$',
    description: '`#rrggbb`; required when the banner is enabled (omitted when empty).',
  })
  @Satisfies('isBannerColor', (value, banner) => bannerColorError(value, banner.enabled === true))
  background_color?: string;
}

/** One of Coder's 2024+ `announcement_banners` (`codersdk.BannerConfig`). */
export class AnnouncementBannerConfig {
  @ApiProperty({ description: 'Show this banner on every page of the dashboard.' })
  @IsDefined()
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({ maxLength: MESSAGE_MAX, description: 'Banner text (omitted when empty).' })
  @IsOptional()
  @MaxLength(MESSAGE_MAX)
  @IsString()
  message?: string;

  @ApiPropertyOptional({
    example: '#5f1dc4',
    pattern: '^#[0-9a-fA-F]{6}$',
    description: '`#rrggbb`; required when the banner is enabled (omitted when empty).',
  })
  @Satisfies('isAnnouncementColor', (value, banner) => announcementColorError(value, banner.enabled === true))
  background_color?: string;
}

export class SupportLinkConfig {
  @ApiProperty({ maxLength: LINK_NAME_MAX, example: 'Documentation' })
  @IsNotEmpty()
  @MaxLength(LINK_NAME_MAX)
  @IsString()
  name: string;

  @ApiProperty({
    maxLength: URL_MAX,
    example: 'https://coder.com/docs/coder-oss',
    description: 'An absolute http(s) URL.',
  })
  @IsDefined()
  @Satisfies('isLinkTarget', (value) => linkTargetError(value))
  target: string;

  @ApiProperty({
    example: 'docs',
    description: `One of ${BUILTIN_ICONS.join(', ')}, an absolute http(s) URL, or a path on this server such as \`/emojis/1f4d6.png\`.`,
  })
  @IsDefined()
  @Satisfies('isLinkIcon', (value) => linkIconError(value))
  icon: string;

  @ApiPropertyOptional({
    enum: SUPPORT_LINK_LOCATIONS,
    description: 'Where Coder 2024+ dashboards show the link; missing or empty: the user menu (omitted then).',
  })
  @Satisfies('isLinkLocation', (value) => linkLocationError(value))
  location?: SupportLinkLocation;
}

/**
 * `PUT /appearance`. A missing field clears that setting (Coder stores exactly what it gets).
 * `docs_url`, which GET shows, is not a setting (Coder has no such PUT field): it is ignored.
 */
export class UpdateAppearanceConfig {
  @ApiPropertyOptional({
    maxLength: APPLICATION_NAME_MAX,
    description: 'Shown instead of "Coder" (empty: the default).',
  })
  @IsOptional()
  @MaxLength(APPLICATION_NAME_MAX)
  @IsString()
  application_name?: string;

  @ApiPropertyOptional({ maxLength: URL_MAX, description: 'Empty (no logo) or an absolute http(s) URL.' })
  @Satisfies('isLogoUrl', (value) => logoUrlError(value))
  logo_url?: string;

  @ApiPropertyOptional({
    type: ServiceBannerConfig,
    deprecated: true,
    description:
      'The one banner of 2023 clients: it stands for the first announcement banner (see `announcement_banners`). Missing, with no `announcement_banners`: no banner.',
  })
  @IsOptional()
  @ValidateNested()
  @IsObject()
  @Type(() => ServiceBannerConfig)
  service_banner?: ServiceBannerConfig;

  @ApiPropertyOptional({
    type: [AnnouncementBannerConfig],
    maxItems: BANNERS_MAX,
    description:
      'All banners (Coder 2024+). Sent changed from what GET showed, they are stored as sent; sent unchanged next to a changed `service_banner` (the 2023 dashboard echoing the GET body), that banner replaces the first one.',
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(BANNERS_MAX)
  @IsArray()
  @Type(() => AnnouncementBannerConfig)
  announcement_banners?: AnnouncementBannerConfig[];

  @ApiPropertyOptional({
    type: [SupportLinkConfig],
    maxItems: SUPPORT_LINKS_MAX,
    description: "Missing or empty: Coder's default links are shown.",
  })
  @IsOptional()
  @ValidateNested({ each: true })
  @ArrayMaxSize(SUPPORT_LINKS_MAX)
  @IsArray()
  @Type(() => SupportLinkConfig)
  support_links?: SupportLinkConfig[];
}

/** `GET /appearance` and the answer to `PUT` (`codersdk.AppearanceConfig`, keys in Coder's order). */
export class AppearanceConfig {
  @ApiProperty({ description: 'Empty when none is set (or the feature is not entitled): the dashboard shows "Coder".' })
  application_name: string;

  @ApiProperty({ description: 'Empty when no logo is set (or the feature is not entitled).' })
  logo_url: string;

  @ApiProperty({ description: 'Where documentation links point (`CODER_DOCS_URL`); read-only.' })
  docs_url: string;

  @ApiProperty({
    type: ServiceBannerConfig,
    deprecated: true,
    description: 'The first announcement banner, or a disabled one.',
  })
  service_banner: ServiceBannerConfig;

  @ApiProperty({ type: [AnnouncementBannerConfig] })
  announcement_banners: AnnouncementBannerConfig[];

  @ApiProperty({ type: [SupportLinkConfig], description: "The configured links, else Coder's defaults." })
  support_links: SupportLinkConfig[];
}

/** The stored form: Coder's JSON with omitempty (a disabled, empty banner is `{"enabled":false}`). */
export interface StoredAppearance {
  application_name: string;
  logo_url: string;
  service_banner: ServiceBannerConfig;
  announcement_banners: AnnouncementBannerConfig[];
  support_links: SupportLinkConfig[];
}

function toBanner(banner: ServiceBannerConfig | AnnouncementBannerConfig): Banner {
  return {
    enabled: banner.enabled ?? false,
    message: banner.message ?? '',
    backgroundColor: banner.background_color ?? '',
  };
}

/** The settings a PUT stores, given the banners GET showed the caller (see `mergeBanners`). */
export function toAppearanceSettings(
  body: UpdateAppearanceConfig,
  shownBanners: readonly Banner[] = [],
): AppearanceSettings {
  return {
    applicationName: body.application_name ?? '',
    logoUrl: body.logo_url ?? '',
    announcementBanners: mergeBanners(
      {
        service: body.service_banner && toBanner(body.service_banner),
        announcements: body.announcement_banners?.map(toBanner),
      },
      shownBanners,
    ),
    supportLinks: (body.support_links ?? []).map(toSupportLink),
  };
}

/** A link as stored and shown: `location` only when set (Coder's `omitempty`). */
function toSupportLink({ name, target, icon, location }: SupportLink): SupportLink {
  return location ? { name, target, icon, location } : { name, target, icon };
}

export function toServiceBannerConfig(banner: Banner): ServiceBannerConfig {
  const out: ServiceBannerConfig = { enabled: banner.enabled };
  if (banner.message) out.message = banner.message;
  if (banner.backgroundColor) out.background_color = banner.backgroundColor;
  return out;
}

export function toStoredAppearance(settings: AppearanceSettings): StoredAppearance {
  const banners = settings.announcementBanners.map(toServiceBannerConfig);
  return {
    application_name: settings.applicationName,
    logo_url: settings.logoUrl,
    service_banner: banners[0] ?? toServiceBannerConfig(emptyBanner()),
    announcement_banners: banners,
    support_links: settings.supportLinks.map(toSupportLink),
  };
}

/** The wire answer: as stored, with Coder's default links when none are configured. */
export function toAppearanceConfig(settings: AppearanceSettings, docsUrl: string, version: string): AppearanceConfig {
  const stored = toStoredAppearance(settings);
  const links = stored.support_links.length > 0 ? stored.support_links : defaultSupportLinks(docsUrl, version);
  return {
    application_name: stored.application_name,
    logo_url: stored.logo_url,
    docs_url: docsUrl,
    service_banner: stored.service_banner,
    announcement_banners: stored.announcement_banners,
    support_links: links,
  };
}
