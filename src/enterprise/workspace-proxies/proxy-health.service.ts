import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CoalescingRunner } from '../../common/coalescing-runner.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { EntitlementsService } from '../../core/licensing/entitlements.service.js';
import { PubSub } from '../../database/pubsub/pubsub.js';
import { toWorkspaceProxyResponse, type WorkspaceProxyResponse } from './dto/workspace-proxy.dto.js';
import type { WorkspaceProxyEntity } from './entities/workspace-proxy.entity.js';
import {
  HEALTH_CHECK_TIMEOUT_MS,
  healthFromResponse,
  healthFromTransportError,
  healthFromUndecodableReport,
  healthReportUrl,
  MAX_REPORT_BYTES,
  unregisteredHealth,
  type ProxyHealth,
} from './proxy-health-check.js';
import { WorkspaceProxiesRepository } from './workspace-proxies.repository.js';

/** Pubsub channel: a proxy was created, changed, deleted, registered or deregistered on some replica. */
export const WORKSPACE_PROXIES_CHANNEL = 'workspace_proxies';
/** Proxies checked at the same time. */
const CONCURRENCY = 16;

/**
 * Coder's proxyhealth: every `CODER_PROXY_HEALTH_INTERVAL` (and at once whenever any replica
 * announces a proxy change, or after pubsub reconnects) each registered proxy's
 * `<url>/healthz-report` is requested, with a bounded timeout and no redirects, and the outcome is
 * kept in memory on this replica. Every replica checks for itself, so no replica depends on
 * another's cache. Nothing is checked while `workspace_proxy` is not enabled.
 */
@Injectable()
export class ProxyHealthService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ProxyHealth');
  private statuses = new Map<string, ProxyHealth>();
  private closed = false;
  private readonly checker = new CoalescingRunner(
    () => this.checkAll(),
    (err) => this.logger.warn(`workspace proxy health check failed: ${err.message}`),
    () => this.closed,
  );
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WorkspaceProxiesRepository,
    private readonly entitlements: EntitlementsService,
    private readonly pubsub: PubSub,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe = await this.pubsub.subscribe(WORKSPACE_PROXIES_CHANNEL, () => void this.forceUpdate());
    this.timer = setInterval(() => void this.forceUpdate(), this.config.proxyHealthIntervalMs);
    this.timer.unref();
    void this.forceUpdate();
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
  }

  /**
   * The proxy as the API shows it, with its latest check on this replica (`unknown` before the
   * first one). A deleted proxy is never checked, so its status is `unknown` (Coder).
   */
  present(proxy: WorkspaceProxyEntity): WorkspaceProxyResponse {
    return toWorkspaceProxyResponse(proxy, proxy.deleted ? undefined : this.statuses.get(proxy.id));
  }

  /** Tells every replica (this one included) to check the proxies again now. */
  async announceChange(proxyId: string): Promise<void> {
    try {
      await this.pubsub.publish(WORKSPACE_PROXIES_CHANNEL, proxyId);
    } catch (err) {
      this.logger.warn(`could not announce a proxy change: ${(err as Error).message}`);
      void this.forceUpdate();
    }
  }

  /** Checks every proxy now; concurrent calls coalesce into one more round after the current one. */
  forceUpdate(): Promise<void> {
    return this.checker.run();
  }

  private async checkAll(): Promise<void> {
    if (this.closed || !this.entitlements.isEnabled('workspace_proxy')) return;
    const proxies = await this.repo.listWorkspaceProxies();
    const next = new Map<string, ProxyHealth>();
    const queue = [...proxies];
    const worker = async () => {
      for (let proxy = queue.shift(); proxy; proxy = queue.shift()) next.set(proxy.id, await this.check(proxy));
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
    // Deleted proxies drop out: their status is `unknown` again, as in Coder.
    this.statuses = next;
  }

  private async check(proxy: WorkspaceProxyEntity): Promise<ProxyHealth> {
    if (proxy.url === '') return unregisteredHealth(new Date());
    const url = healthReportUrl(proxy.url);
    // A check never outlasts the interval, so rounds do not pile up.
    const timeoutMs = Math.min(HEALTH_CHECK_TIMEOUT_MS, this.config.proxyHealthIntervalMs);
    try {
      const res = await fetch(url, {
        method: 'GET',
        headers: { Accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        return healthFromResponse(res.status, '', new Date());
      }
      return healthFromResponse(200, await readLimited(res), new Date());
    } catch (err) {
      if (err instanceof ReportTooLargeError) return healthFromUndecodableReport(err.message, new Date());
      return healthFromTransportError(url, err, new Date());
    }
  }
}

class ReportTooLargeError extends Error {
  constructor() {
    super(`the report is larger than ${MAX_REPORT_BYTES} bytes`);
  }
}

/** The body as text; throws ReportTooLargeError past MAX_REPORT_BYTES (the rest is not read). */
async function readLimited(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_REPORT_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ReportTooLargeError();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
