import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MESSAGES } from '../../common/errors.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.schema.js';
import { MetricsService } from './metrics.service.js';

/** A scrape is small and local; a client that dawdles longer than this is dropped. */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * At most one rendering this often: a scrape arriving sooner after the last one waits for the
 * next, which all such scrapes share. Prometheus scrapes every 15 s or more, so nothing real
 * waits; a client scraping in a loop gets one answer a second instead of keeping the event loop
 * (which the API shares) busy.
 */
const RENDER_INTERVAL_MS = 1000;

/** The metrics listener could not bind its address; the message names the variable to change. */
export class MetricsListenError extends Error {
  constructor(address: string, cause: NodeJS.ErrnoException) {
    const reason = cause.code === 'EADDRINUSE' ? 'the address is already in use' : cause.message;
    super(`Cannot serve Prometheus metrics on ${address} (CODER_PROMETHEUS_ADDRESS): ${reason}`);
    this.name = 'MetricsListenError';
  }
}

/**
 * Prometheus metrics on a listener of their own (Coder's CODER_PROMETHEUS_ENABLE and
 * CODER_PROMETHEUS_ADDRESS, off by default), so scrapes never share the API port with the public:
 * the API answers `/metrics` with 404. A plain node:http server, outside Express and the API's
 * pipeline (no sessions, no rate limit, not counted in the API's own request metrics).
 */
@Injectable()
export class MetricsListener implements OnModuleDestroy {
  private readonly log = new Logger('Metrics');
  private server: Server | undefined;
  /** One rendering at a time: concurrent scrapes share it instead of each paying for one. */
  private rendering: Promise<string> | undefined;
  private lastRenderAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Binds the listener when enabled; rejects with a MetricsListenError when the address is taken. */
  async start(): Promise<void> {
    if (!this.config.prometheusEnable || this.server) return;
    const { prometheusHost: host, prometheusPort: port } = this.config;
    const server = createServer((req, res) => void this.handle(req, res));
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      throw new MetricsListenError(this.describe(host, port), err as NodeJS.ErrnoException);
    }
    server.on('error', (err) => this.log.error(`metrics listener: ${err.message}`));
    this.server = server;
    this.log.log(`Prometheus metrics: http://${this.describe(host, this.address()!.port)}/metrics`);
  }

  /** The bound address (tests listen on port 0), or undefined while off. */
  address(): AddressInfo | undefined {
    return (this.server?.address() as AddressInfo | null) ?? undefined;
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // close() waits for open connections; idle keep-alive ones (a scraper's) are ended now.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return this.json(res, 404, { message: MESSAGES.routeNotFound });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return this.json(res, 405, { message: MESSAGES.methodNotAllowed });
    }
    try {
      const body = await this.render();
      res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType, 'X-Content-Type-Options': 'nosniff' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      this.log.error(`rendering metrics failed: ${(err as Error).message}`);
      this.json(res, 500, { message: MESSAGES.internal });
    }
  }

  private render(): Promise<string> {
    this.rendering ??= (async () => {
      const wait = this.lastRenderAt + RENDER_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastRenderAt = Date.now();
      return this.metrics.registry.metrics();
    })().finally(() => {
      this.rendering = undefined;
    });
    return this.rendering;
  }

  private json(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(JSON.stringify(body));
  }

  private describe(host: string, port: number): string {
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }
}
