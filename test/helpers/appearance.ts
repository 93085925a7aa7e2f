import type pg from 'pg';

/** Coder's default support links (mid-2023), as GET /appearance answers them. */
export const DEFAULT_LINKS = [
  { name: 'Documentation', target: 'https://coder.com/docs/coder-oss', icon: 'docs' },
  {
    name: 'Report a bug',
    target: 'https://github.com/coder/coder/issues/new?labels=needs+grooming&body={CODER_BUILD_INFO}',
    icon: 'bug',
  },
  {
    name: 'Join the Coder Discord',
    target: 'https://coder.com/chat?utm_source=coder&utm_medium=coder&utm_campaign=server-footer',
    icon: 'chat',
  },
];

/** `docs_url` of a test app (CODER_DOCS_URL unset). */
export const DEFAULT_DOCS_URL = 'https://coder.com/docs';

/** GET /appearance without the `appearance` entitlement. */
export const APPEARANCE_DEFAULTS = {
  application_name: '',
  logo_url: '',
  docs_url: DEFAULT_DOCS_URL,
  service_banner: { enabled: false },
  announcement_banners: [],
  support_links: DEFAULT_LINKS,
};

/** The appearance rows of `site_configs`, read directly. */
export async function storedAppearance(db: pg.Client): Promise<Record<string, string>> {
  const { rows } = await db.query<{ key: string; value: string }>(
    `SELECT key, value FROM site_configs
      WHERE key IN ('application_name', 'logo_url', 'service_banner', 'announcement_banners', 'support_links')`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
