import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CoalescingRunner } from '../../common/coalescing-runner.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { PubSub } from '../../database/pubsub/pubsub.js';
import { SiteConfigService } from '../site-config/site-config.service.js';
import { can } from '../rbac/policy.js';
import type { Actor } from '../rbac/actor.js';
import { UsersRepository } from '../users/users.repository.js';
import {
  computeEntitlements,
  unlicensedSnapshot,
  type Entitlement,
  type EntitlementsSnapshot,
} from './entitlements.js';
import type { FeatureName } from './features.js';
import type { VerifiedLicense } from './license-claims.js';
import { LicenseKeysService } from './license-keys.service.js';
import { verifyLicense } from './license-verifier.js';
import { LicensesRepository } from './licenses.repository.js';
import { entitlementsNotRecomputed, notEntitled, refreshedRecently } from './licensing.errors.js';

export type { Entitlement, EntitlementsSnapshot, FeatureState } from './entitlements.js';
export { unlicensedSnapshot } from './entitlements.js';

/** Pubsub channel on which every replica hears that licenses (or the user count) changed. */
export const LICENSES_CHANNEL = 'licenses';
const REFRESH_INTERVAL_MS = 10 * 60_000;
/** A forced refresh is refused while the snapshot is younger than this (Coder's AllowRefresh). */
const FORCED_REFRESH_MIN_AGE_MS = 60_000;
/** This server sends no telemetry, so a license that requires it is not applied (Coder's rule). */
const TELEMETRY_ENABLED = false;
/**
 * Features Coder switches on by itself when entitled (AlwaysEnable, or a limit) that this server
 * does not have at all: they stay `enabled: false` whatever the license says.
 */
const UNAVAILABLE = new Set<FeatureName>([
  'connection_log',
  'multiple_external_auth',
  'task_batch_actions',
  'custom_roles',
  'workspace_prebuilds',
  'managed_agent_limit',
  'workspace_external_agent',
  'aibridge',
  'boundary',
  'service_accounts',
  'ai_governance_user_limit',
  'agent_runtime_hours',
]);
/** F6 `updateEntitlements`: the autostop requirement is applied only with advanced scheduling. */
const AUTOSTOP_WITHOUT_SCHEDULING =
  'Your license is entitled to the feature "template autostop requirement" (and you have it enabled by setting the ' +
  'default quiet hours schedule), but you are not entitled to the dependency feature "advanced template scheduling". ' +
  'Please contact support for a new license.';

/**
 * The in-memory entitlements snapshot every feature gate reads (no query per request). It is
 * recomputed at start, when any replica announces a license or user-count change on pubsub, after
 * pubsub reconnects (messages may have been lost), when the keys or the replica count change,
 * and every 10 minutes (grace periods and expiries pass with time).
 */
@Injectable()
export class EntitlementsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Entitlements');
  private current: EntitlementsSnapshot = unlicensedSnapshot();
  /** When the last successful computation began (applied or refused), for forced refreshes. */
  private lastComputedMs = 0;
  private replicaCount = 1;
  private readonly refresher = new CoalescingRunner(
    async () => {
      const begun = Date.now();
      this.apply(await this.compute());
      this.lastComputedMs = begun;
    },
    (err) => this.logger.warn(`entitlements not refreshed (keeping the previous ones): ${err.message}`),
  );
  private timer: NodeJS.Timeout | undefined;
  private cleanups: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly licenses: LicensesRepository,
    private readonly keys: LicenseKeysService,
    private readonly pubsub: PubSub,
    private readonly siteConfig: SiteConfigService,
    private readonly users: UsersRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    this.cleanups.push(await this.pubsub.subscribe(LICENSES_CHANNEL, () => void this.refresh()));
    this.cleanups.push(this.keys.onChange(() => void this.refresh()));
    this.timer = setInterval(() => void this.refresh(), REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    for (const cleanup of this.cleanups) cleanup();
  }

  snapshot(): EntitlementsSnapshot {
    return this.current;
  }

  /**
   * The snapshot as `actor` may see it: entitlement warnings (license expiry, seats, expired
   * features) only for callers who may read licenses (Coder #13939; Coder's own fix, #14488, shows
   * them to deployment-config readers, auditors included); a signed-out caller sees none.
   */
  snapshotFor(actor: Actor | undefined): EntitlementsSnapshot {
    const current = this.current;
    if (current.warnings.length === 0 || (actor && can(actor, 'read', { type: 'license' }))) return current;
    return { ...current, warnings: [] };
  }

  isEnabled(feature: FeatureName): boolean {
    return this.current.features[feature]?.enabled === true;
  }

  /** Coder's 403 (`<Feature> is an Enterprise feature. Contact sales!`) unless `feature` is enabled. */
  requireFeature(feature: FeatureName): void {
    if (!this.isEnabled(feature)) throw notEntitled(feature);
  }

  entitlement(feature: FeatureName): Entitlement {
    return this.current.features[feature]?.entitlement ?? 'not_entitled';
  }

  /** Replaces the snapshot directly (tests of the gates). */
  replace(snapshot: EntitlementsSnapshot): void {
    this.current = snapshot;
  }

  setReplicaCount(count: number): void {
    if (count === this.replicaCount) return;
    this.replicaCount = count;
    void this.refresh();
  }

  /** Tells every replica (this one included) to recompute: `add`, `delete`, `users`, `refresh`. */
  async announce(event: 'add' | 'delete' | 'users' | 'refresh'): Promise<void> {
    try {
      await this.pubsub.publish(LICENSES_CHANNEL, event);
    } catch (err) {
      this.logger.warn(`could not announce "${event}" on pubsub: ${(err as Error).message}`);
    }
  }

  /** Recomputes now. Concurrent calls coalesce into one more run after the current one. */
  refresh(): Promise<void> {
    return this.refresher.run();
  }

  /**
   * `POST /licenses/refresh-entitlements`: recompute here, then tell every other replica. Refused
   * (Coder's 400 with `Retry-After`) while the snapshot is less than a minute old; a computation
   * that fails is a server fault, not a success.
   */
  async forceRefresh(now = new Date()): Promise<void> {
    const refreshedAt = Date.parse(this.current.refreshed_at);
    const waitMs = FORCED_REFRESH_MIN_AGE_MS - (now.getTime() - refreshedAt);
    if (waitMs > 0) {
      // Coder truncates to whole seconds (and can say "0 seconds"); rounding up never undersells.
      const seconds = Math.ceil(waitMs / 1000);
      throw refreshedRecently(seconds, this.current.refreshed_at);
    }
    const started = Date.now();
    await this.refresh();
    if (this.lastComputedMs < started) throw entitlementsNotRecomputed();
    await this.announce('refresh');
  }

  private async compute(): Promise<EntitlementsSnapshot> {
    const now = new Date();
    const rows = await this.licenses.listUnexpiredLicenses(now);
    const verified: VerifiedLicense[] = [];
    for (const row of rows) {
      try {
        const claims = await verifyLicense(row.jwt, (kid) => this.keys.resolve(kid), { now, allowNotYetValid: true });
        verified.push({ id: row.id, claims });
      } catch (err) {
        // Coder skips licenses that no longer verify (e.g. their key was removed) silently.
        this.logger.debug?.(`license ${row.id} skipped: ${(err as Error).message}`);
      }
    }
    return computeEntitlements({
      licenses: verified,
      now,
      activeUserCount: await this.users.countActiveUsers(),
      replicaCount: this.replicaCount,
      enablements: this.enablements(),
      unavailable: UNAVAILABLE,
      deploymentId: this.siteConfig.deploymentId,
    });
  }

  /** Coder keeps the previous entitlements, with one error, when the new ones cannot be applied. */
  private apply(next: EntitlementsSnapshot): void {
    if (next.require_telemetry && !TELEMETRY_ENABLED) {
      this.current = { ...this.current, errors: ['License requires telemetry but telemetry is disabled'] };
      return;
    }
    const { template_autostop_requirement: autostop, advanced_template_scheduling: scheduling } = next.features;
    if (autostop.enabled && !scheduling.enabled) {
      this.current = { ...this.current, errors: [AUTOSTOP_WITHOUT_SCHEDULING] };
      return;
    }
    this.current = next;
  }

  /**
   * What this deployment turns on when entitled (Coder's "enablements", enterprise/coderd/coderd.go
   * `updateEntitlements`, both eras), from what is true here. Features Coder always enables are
   * in ALWAYS_ENABLE; those this server lacks are in UNAVAILABLE.
   */
  private enablements(): Record<FeatureName, boolean> {
    const experiments = new Set(this.config.experiments);
    return {
      user_limit: false,
      audit_log: true,
      connection_log: false,
      browser_only: false,
      scim: this.config.scimAuthHeader !== undefined,
      template_rbac: true,
      high_availability: this.config.derpServerRelayUrl !== undefined,
      multiple_external_auth: false,
      external_provisioner_daemons: true,
      appearance: false,
      advanced_template_scheduling: true,
      workspace_proxy: true,
      user_role_management: true,
      external_token_encryption: false,
      // F6: the experiment plus a default quiet hours schedule (which always has a value here).
      template_autostop_requirement:
        experiments.has('template_autostop_requirement') && this.config.quietHoursDefaultSchedule !== '',
      workspace_batch_actions: false,
      task_batch_actions: false,
      access_control: true,
      control_shared_ports: true,
      custom_roles: false,
      multiple_organizations: false,
      workspace_prebuilds: false,
      managed_agent_limit: false,
      workspace_external_agent: false,
      aibridge: false,
      boundary: false,
      service_accounts: false,
      ai_governance_user_limit: false,
      agent_runtime_hours: false,
    };
  }
}
