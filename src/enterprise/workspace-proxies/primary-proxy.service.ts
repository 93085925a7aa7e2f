import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { SERVER_VERSION } from '../../common/version.js';
import { SiteConfigService } from '../../core/site-config/site-config.service.js';
import type { WorkspaceProxyResponse } from './dto/workspace-proxy.dto.js';
import { proxyNameReserved } from './workspace-proxies.errors.js';

/** Coder's `site_configs` keys and defaults for the primary region's presentation. */
const KEYS = { displayName: 'default_proxy_display_name', iconUrl: 'default_proxy_icon_url' } as const;
export const DEFAULT_PRIMARY_DISPLAY_NAME = 'Default';
export const DEFAULT_PRIMARY_ICON_URL = '/emojis/1f3e1.png';
export const PRIMARY_PROXY_NAME = 'primary';

/** No proxy may be named `primary`, in any case: the name means the primary region in `{workspaceproxy}`. */
export function assertNotPrimaryName(name: string): void {
  if (name.toLowerCase() === PRIMARY_PROXY_NAME) throw proxyNameReserved();
}

/**
 * The built-in primary region: this deployment itself (id = deployment id, URL = the access URL).
 * It always reports `ok` (it is the server answering) with `now` as its timestamps, as Coder does.
 */
@Injectable()
export class PrimaryProxyService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly siteConfig: SiteConfigService,
  ) {}

  get id(): string {
    return this.siteConfig.deploymentId;
  }

  /** `primary`, or the deployment id, names the primary region in `{workspaceproxy}`. */
  isPrimaryParam(param: string): boolean {
    return param === PRIMARY_PROXY_NAME || param.toLowerCase() === this.id;
  }

  async present(): Promise<WorkspaceProxyResponse> {
    const values = await this.siteConfig.getMany(Object.values(KEYS));
    const now = new Date().toISOString();
    return {
      id: this.id,
      name: PRIMARY_PROXY_NAME,
      display_name: values.get(KEYS.displayName) || DEFAULT_PRIMARY_DISPLAY_NAME,
      icon_url: values.get(KEYS.iconUrl) || DEFAULT_PRIMARY_ICON_URL,
      healthy: true,
      path_app_url: this.config.accessUrl,
      // No wildcard access URL is configured on this server: subdomain apps are not served.
      wildcard_hostname: '',
      derp_enabled: true,
      derp_only: false,
      status: { status: 'ok', report: { errors: [], warnings: [] }, checked_at: now },
      created_at: now,
      updated_at: now,
      deleted: false,
      version: SERVER_VERSION,
    };
  }

  /** Stores a new display name and/or icon; an empty value keeps the stored one (Coder). */
  async update(displayName: string, iconUrl: string): Promise<void> {
    if (displayName) await this.siteConfig.set(KEYS.displayName, displayName);
    if (iconUrl) await this.siteConfig.set(KEYS.iconUrl, iconUrl);
  }
}
