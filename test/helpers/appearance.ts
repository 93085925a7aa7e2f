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

/** GET /appearance without the `appearance` entitlement. */
export const APPEARANCE_DEFAULTS = { logo_url: '', service_banner: { enabled: false }, support_links: DEFAULT_LINKS };

/** The appearance rows of `site_configs`, read directly. */
export async function storedAppearance(db: pg.Client): Promise<Record<string, string>> {
  const { rows } = await db.query<{ key: string; value: string }>(
    `SELECT key, value FROM site_configs WHERE key IN ('logo_url', 'service_banner', 'support_links')`,
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}
