import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CoalescingRunner } from '../../common/coalescing-runner.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { PubSub } from '../pubsub/pubsub.js';
import { computeEntitlements, unlicensedSnapshot, type Entitlement, type EntitlementsSnapshot } from './entitlements.js';
import type { FeatureName } from './features.js';
import type { VerifiedLicense } from './license-claims.js';
import { LicenseKeysService } from './license-keys.service.js';
import { verifyLicense } from './license-verifier.js';
import { LicensesRepository } from './licenses.repository.js';

export type { Entitlement, EntitlementsSnapshot, FeatureState } from './entitlements.js';
export { unlicensedSnapshot } from './entitlements.js';

/** Pubsub channel on which every replica hears that licenses (or the user count) changed. */
export const LICENSES_CHANNEL = 'licenses';
const REFRESH_INTERVAL_MS = 10 * 60_000;
/** This server sends no telemetry, so a license that requires it is not applied (Coder's rule). */
const TELEMETRY_ENABLED = false;

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
  private replicaCount = 1;
  private readonly refresher = new CoalescingRunner(
    async () => this.apply(await this.compute()),
    (err) => this.logger.warn(`entitlements not refreshed (keeping the previous ones): ${err.message}`),
  );
  private timer: NodeJS.Timeout | undefined;
  private cleanups: (() => void)[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly licenses: LicensesRepository,
    private readonly keys: LicenseKeysService,
    private readonly pubsub: PubSub,
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

  isEnabled(feature: FeatureName): boolean {
    return this.current.features[feature]?.enabled === true;
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
      activeUserCount: await this.licenses.countActiveUsers(),
      replicaCount: this.replicaCount,
      enablements: this.enablements(),
    });
  }

  private apply(next: EntitlementsSnapshot): void {
    if (next.require_telemetry && !TELEMETRY_ENABLED) {
      this.current = { ...this.current, errors: ['License requires telemetry but telemetry is disabled'] };
      return;
    }
    this.current = next;
  }

  /** What this deployment turns on when entitled (Coder's enterprise server defaults). */
  private enablements(): Record<FeatureName, boolean> {
    return {
      user_limit: false,
      audit_log: true,
      browser_only: false,
      scim: this.config.scimAuthHeader !== undefined,
      template_rbac: true,
      high_availability: this.config.derpServerRelayUrl !== undefined,
      multiple_git_auth: false,
      external_provisioner_daemons: true,
      appearance: false,
      advanced_template_scheduling: true,
      workspace_proxy: true,
    };
  }
}
