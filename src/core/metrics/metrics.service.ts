import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { RequestObserver } from '../../common/http/http-setup.js';
import { routePath } from '../../common/http/route-path.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Database, type PoolStats } from '../../database/database.js';

/** Prometheus metrics under Coder's names, in a registry of this app (not the global one). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests: Counter<'code' | 'method' | 'path'>;
  private readonly latency: Histogram<'method' | 'path'>;
  private readonly concurrent: Gauge;

  constructor(db: Database) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'coderd_api_requests_processed_total',
      help: 'The total number of processed API requests',
      labelNames: ['code', 'method', 'path'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'coderd_api_request_latencies_seconds',
      help: 'Latency distribution of requests in seconds',
      labelNames: ['method', 'path'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers: [this.registry],
    });
    this.concurrent = new Gauge({
      name: 'coderd_api_concurrent_requests',
      help: 'The number of concurrent API requests',
      registers: [this.registry],
    });
    const pool = () => db.pool;
    const poolGauge = (name: string, help: string, read: (p: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const p = pool();
          this.set(p ? read(p) : 0);
        },
      });
    poolGauge('coderd_db_pool_connections', 'Open PostgreSQL connections in the pool', (p) => p.totalCount);
    poolGauge('coderd_db_pool_idle_connections', 'Idle PostgreSQL connections in the pool', (p) => p.idleCount);
    poolGauge('coderd_db_pool_waiting_requests', 'Queries waiting for a pool connection', (p) => p.waitingCount);
  }

  /** A request observer (http-setup.ts): counts and times every request by route template (never the raw path). */
  readonly observer: RequestObserver = {
    started: () => this.concurrent.inc(),
    finished: (req: Request, res: Response, ms: number) => {
      this.concurrent.dec();
      const path = routePath(req) ?? 'unmatched';
      this.latency.observe({ method: req.method, path }, ms / 1000);
      this.requests.inc({ code: String(res.statusCode), method: req.method, path });
    },
  };
}
