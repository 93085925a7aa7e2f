import type pg from 'pg';
import { SERVER_VERSION } from '../../src/common/version.js';
import { defaultSupportLinks } from '../../src/enterprise/appearance/appearance.rules.js';

/** `docs_url` of a test app (CODER_DOCS_URL unset). */
export const DEFAULT_DOCS_URL = 'https://coder.com/docs';

/** Coder's current default support links, as GET /appearance answers them (built from `docs_url`). */
export const DEFAULT_LINKS = defaultSupportLinks(DEFAULT_DOCS_URL, SERVER_VERSION);

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
