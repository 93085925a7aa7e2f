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
  bannerColorError,
  BUILTIN_ICONS,
  DEFAULT_SUPPORT_LINKS,
  LINK_NAME_MAX,
  linkIconError,
  linkTargetError,
  logoUrlError,
  MESSAGE_MAX,
  SUPPORT_LINKS_MAX,
  URL_MAX,
  type AppearanceSettings,
  type ServiceBanner,
} from '../appearance.rules.js';

// Decorators apply bottom-up and the pipe reports a field's first failed constraint, so the
// type check sits nearest the property: `"x"` for a list reads "must be an array", not "max".

/**
 * A property checked by one of the pure rules; the rule's error text becomes the validation's
 * `detail`. The rule also sees the enclosing object (the banner colour depends on `enabled`).
 */
function Satisfies(name: string, rule: (value: unknown, object: Record<string, unknown>) => string | null): PropertyDecorator {
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

export class SupportLinkConfig {
  @ApiProperty({ maxLength: LINK_NAME_MAX, example: 'Documentation' })
  @IsNotEmpty()
  @MaxLength(LINK_NAME_MAX)
  @IsString()
  name: string;

  @ApiProperty({ maxLength: URL_MAX, example: 'https://coder.com/docs/coder-oss', description: 'An absolute http(s) URL.' })
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
}

/** `PUT /appearance`. A missing field clears that setting (Coder stores exactly what it gets). */
export class UpdateAppearanceConfig {
  @ApiPropertyOptional({ maxLength: URL_MAX, description: 'Empty (no logo) or an absolute http(s) URL.' })
  @Satisfies('isLogoUrl', (value) => logoUrlError(value))
  logo_url?: string;

  @ApiPropertyOptional({ type: ServiceBannerConfig, description: 'Missing: a disabled, empty banner.' })
  @IsOptional()
  @ValidateNested()
  @IsObject()
  @Type(() => ServiceBannerConfig)
  service_banner?: ServiceBannerConfig;

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

/** `GET /appearance` and the answer to `PUT`. */
export class AppearanceConfig {
  @ApiProperty({ description: 'Empty when no logo is set (or the feature is not entitled).' })
  logo_url: string;

  @ApiProperty({ type: ServiceBannerConfig })
  service_banner: ServiceBannerConfig;

  @ApiProperty({ type: [SupportLinkConfig], description: "The configured links, else Coder's defaults." })
  support_links: SupportLinkConfig[];
}

/** The stored form: Coder's JSON with omitempty (a disabled, empty banner is `{"enabled":false}`). */
export interface StoredAppearance {
  logo_url: string;
  service_banner: ServiceBannerConfig;
  support_links: SupportLinkConfig[];
}

export function toAppearanceSettings(body: UpdateAppearanceConfig): AppearanceSettings {
  const banner = body.service_banner;
  return {
    logoUrl: body.logo_url ?? '',
    serviceBanner: {
      enabled: banner?.enabled ?? false,
      message: banner?.message ?? '',
      backgroundColor: banner?.background_color ?? '',
    },
    supportLinks: (body.support_links ?? []).map(({ name, target, icon }) => ({ name, target, icon })),
  };
}

export function toServiceBannerConfig(banner: ServiceBanner): ServiceBannerConfig {
  const out: ServiceBannerConfig = { enabled: banner.enabled };
  if (banner.message) out.message = banner.message;
  if (banner.backgroundColor) out.background_color = banner.backgroundColor;
  return out;
}

export function toStoredAppearance(settings: AppearanceSettings): StoredAppearance {
  return {
    logo_url: settings.logoUrl,
    service_banner: toServiceBannerConfig(settings.serviceBanner),
    support_links: settings.supportLinks.map(({ name, target, icon }) => ({ name, target, icon })),
  };
}

/** The wire answer: as stored, with Coder's default links when none are configured. */
export function toAppearanceConfig(settings: AppearanceSettings): AppearanceConfig {
  const stored = toStoredAppearance(settings);
  const links = stored.support_links.length > 0 ? stored.support_links : DEFAULT_SUPPORT_LINKS.map((link) => ({ ...link }));
  return { ...stored, support_links: links };
}
