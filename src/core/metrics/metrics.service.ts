import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { RequestObserver } from '../../common/http/http-setup.js';
import { routePath } from '../../common/http/route-path.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Database, type PoolStats } from '../../database/database.js';

interface RouteSeries {
  path: string;
  latency: { observe(seconds: number): void };
  byCode: Map<number, { inc(): void }>;
}

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
      const series = this.seriesOf(req.method, routePath(req) ?? 'unmatched');
      series.latency.observe(ms / 1000);
      let counter = series.byCode.get(res.statusCode);
      if (!counter) {
        counter = this.requests.labels(String(res.statusCode), req.method, series.path);
        series.byCode.set(res.statusCode, counter);
      }
      counter.inc();
    },
  };

  /**
   * The metric children of one route and method, looked up once: prom-client hashes the label
   * values on every labelled call otherwise. Bounded by the routes (templates, never raw paths),
   * the methods and the status codes.
   */
  private readonly series = new Map<string, Map<string, RouteSeries>>();

  private seriesOf(method: string, path: string): RouteSeries {
    let byPath = this.series.get(method);
    if (!byPath) {
      byPath = new Map();
      this.series.set(method, byPath);
    }
    let series = byPath.get(path);
    if (!series) {
      series = { path, latency: this.latency.labels(method, path), byCode: new Map() };
      byPath.set(path, series);
    }
    return series;
  }
}
