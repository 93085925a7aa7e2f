/** Pure rules of the appearance settings: defaults, colour and URL checks (unit-tested). */

/** Where Coder 2024+ dashboards draw a support link (`LinkConfig.location`); absent: the dropdown. */
export const SUPPORT_LINK_LOCATIONS = ['navbar', 'dropdown'] as const;
export type SupportLinkLocation = (typeof SUPPORT_LINK_LOCATIONS)[number];

export interface SupportLink {
  name: string;
  target: string;
  icon: string;
  location?: SupportLinkLocation;
}

/** A banner across the dashboard: the old single `service_banner`, or one of `announcement_banners`. */
export interface Banner {
  enabled: boolean;
  message: string;
  backgroundColor: string;
}

/**
 * What is stored in `site_configs` (support links empty = Coder's defaults are shown). The banners
 * are Coder's 2024+ `announcement_banners`; the old `service_banner` is the first of them.
 */
export interface AppearanceSettings {
  applicationName: string;
  logoUrl: string;
  announcementBanners: Banner[];
  supportLinks: SupportLink[];
}

/**
 * Coder's current default support links (`codersdk.DefaultSupportLinks`): documentation at
 * `docs_url`, a bug report carrying this server's version, Discord and the repository. They serve
 * the 2023 dashboard too (it draws every link; `star` simply has no icon there), unlike the 2023
 * defaults, whose `{CODER_BUILD_INFO}` placeholder newer dashboards no longer fill in. The bug
 * report body is URL-encoded so the links pass this server's own link checks when a dashboard
 * sends them back.
 */
export function defaultSupportLinks(docsUrl: string, version: string): SupportLink[] {
  const buildInfo = `Version: [\`${version}\`](https://github.com/coder/coder)`;
  return [
    { name: 'Documentation', target: docsUrl, icon: 'docs' },
    {
      name: 'Report a bug',
      target: `https://github.com/coder/coder/issues/new?labels=needs+triage&body=${encodeURIComponent(buildInfo)}`,
      icon: 'bug',
    },
    { name: 'Join the Coder Discord', target: 'https://discord.gg/coder', icon: 'chat' },
    { name: 'Star the Repo', target: 'https://github.com/coder/coder', icon: 'star' },
  ];
}

/** Nothing configured: no name, no logo, no banners, no support links of our own. */
export function emptyAppearance(): AppearanceSettings {
  return { applicationName: '', logoUrl: '', announcementBanners: [], supportLinks: [] };
}

/** Go's zero BannerConfig: what Coder shows as `service_banner` when there is no banner. */
export function emptyBanner(): Banner {
  return { enabled: false, message: '', backgroundColor: '' };
}

export function isEmptyBanner(banner: Banner): boolean {
  return !banner.enabled && banner.message === '' && banner.backgroundColor === '';
}

function sameBanners(a: readonly Banner[], b: readonly Banner[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (x, i) => x.enabled === b[i].enabled && x.message === b[i].message && x.backgroundColor === b[i].backgroundColor,
    )
  );
}

/**
 * The banners a PUT stores. Clients of 2023 know only `service_banner`; newer ones send
 * `announcement_banners` (Coder 2024+ ignores `service_banner` then). The 2023 dashboard PUTs back
 * the whole GET body merged with its edit, so it also returns the announcement banners it read, and
 * codersdk always sends a `service_banner` (Go's zero value when unset). So:
 * - no `announcement_banners`: the service banner is the only banner (none when it is empty);
 * - `announcement_banners` differ from what GET showed: they are the edit, stored as sent;
 * - they are what GET showed, but a non-empty `service_banner` differs from the first of them:
 *   the service banner is the edit and replaces the first banner;
 * - otherwise they are stored as sent.
 */
export function mergeBanners(sent: { service?: Banner; announcements?: Banner[] }, shown: readonly Banner[]): Banner[] {
  const { service, announcements } = sent;
  if (!announcements) return service && !isEmptyBanner(service) ? [service] : [];
  if (!service || isEmptyBanner(service) || !sameBanners(announcements, shown)) return announcements;
  const first = announcements[0] ?? emptyBanner();
  if (sameBanners([service], [first])) return announcements;
  return [service, ...announcements.slice(1)];
}

export const URL_MAX = 2048;
export const MESSAGE_MAX = 2048;
export const LINK_NAME_MAX = 64;
export const SUPPORT_LINKS_MAX = 20;
export const BANNERS_MAX = 20;
export const APPLICATION_NAME_MAX = 256;
/** Icon names Coder's dashboard draws itself; anything else must be an image URL or path. */
export const BUILTIN_ICONS = ['bug', 'chat', 'docs', 'star'] as const;

/**
 * Coder's validateHexColor, error for error (it counts bytes, as Go does): `null` when the
 * colour is `#` plus six hex digits (either case).
 */
export function hexColorError(color: string): string | null {
  const bytes = Buffer.from(color, 'utf8');
  if (bytes.length !== 7) return 'expected # prefix and 6 characters';
  if (bytes[0] !== 0x23) return 'no # prefix';
  for (const byte of bytes.subarray(1)) {
    if (!isHexDigit(byte)) return `encoding/hex: invalid byte: ${goQuotedRune(byte)}`;
  }
  return null;
}

/**
 * The banner colour rule: must be a string; `#rrggbb` when given, and required when the banner
 * is enabled (Coder checks only enabled banners; we also refuse a bad colour on a disabled one).
 * The detail keeps Coder's `parse color: ...` wording.
 */
export function bannerColorError(value: unknown, enabled: boolean): string | null {
  if (value === undefined || value === null || value === '') {
    return enabled ? `parse color: ${hexColorError('')}` : null;
  }
  if (typeof value !== 'string') return 'background_color must be a string';
  const error = hexColorError(value);
  return error ? `parse color: ${error}` : null;
}

/**
 * An announcement banner's colour: the service banner's rule, worded as Coder 2024+ words it
 * (`Invalid color format: "<colour>"`, followed by the reason).
 */
export function announcementColorError(value: unknown, enabled: boolean): string | null {
  if (value !== undefined && value !== null && typeof value !== 'string') return 'background_color must be a string';
  const color = typeof value === 'string' ? value : '';
  if (color === '' && !enabled) return null;
  const error = hexColorError(color);
  return error ? `Invalid color format: ${JSON.stringify(color)}: ${error}` : null;
}

/** An absolute `http:` or `https:` URL with a host, at most 2048 characters, no spaces. */
export function isHttpUrl(value: string): boolean {
  if (value.length === 0 || value.length > URL_MAX || hasSpaceOrControl(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** `logo_url`: empty (no logo) or an absolute http(s) URL. */
export function logoUrlError(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !isHttpUrl(value)) return 'logo_url must be empty or an absolute http(s) URL';
  return null;
}

/** A support link `target`: an absolute http(s) URL (never `javascript:` and the like). */
export function linkTargetError(value: unknown): string | null {
  if (typeof value === 'string' && isHttpUrl(value)) return null;
  return 'target must be an absolute http(s) URL';
}

/**
 * A support link `icon`: a built-in name, an http(s) URL, or a path on this server such as
 * Coder's `/emojis/1f4d6.png` (not `//host/...`, which would be another server).
 */
export function linkIconError(value: unknown): string | null {
  if (typeof value === 'string') {
    if ((BUILTIN_ICONS as readonly string[]).includes(value)) return null;
    if (isHttpUrl(value)) return null;
    if (isLocalPath(value)) return null;
  }
  return `icon must be one of ${BUILTIN_ICONS.join(', ')}, an absolute http(s) URL or a path starting with /`;
}

/** A support link `location`: absent or empty (the dropdown, as Coder), else `navbar` or `dropdown`. */
export function linkLocationError(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && (SUPPORT_LINK_LOCATIONS as readonly string[]).includes(value)) return null;
  return `location must be one of ${SUPPORT_LINK_LOCATIONS.join(', ')}`;
}

function isLocalPath(value: string): boolean {
  return (
    value.length > 1 &&
    value.length <= URL_MAX &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !hasSpaceOrControl(value) &&
    !value.includes('\\')
  );
}

function hasSpaceOrControl(value: string): boolean {
  return /[\s\u0000-\u001f\u007f]/.test(value);
}

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** Go's `%#U` of a byte read as a rune: `U+0067 'g'`, or just `U+0007` when not printable. */
function goQuotedRune(byte: number): string {
  const code = `U+${byte.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = (byte >= 0x20 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xff && byte !== 0xad);
  return printable ? `${code} '${String.fromCharCode(byte)}'` : code;
}
