import { MetricsListener } from '../../src/core/metrics/metrics-listener.js';
import type { TestApp } from './app.js';

/** Environment that turns the Prometheus listener on, on a free loopback port. */
export const PROMETHEUS_ON = { CODER_PROMETHEUS_ENABLE: 'true', CODER_PROMETHEUS_ADDRESS: '127.0.0.1:0' };

/** Base URL of the app's Prometheus listener (throws when it is off). */
export function metricsBaseUrl(t: TestApp): string {
  const address = t.app.get(MetricsListener).address();
  if (!address) throw new Error('the Prometheus listener is off (start the app with PROMETHEUS_ON)');
  return `http://127.0.0.1:${address.port}`;
}

/** `GET /metrics` on the listener: status, content type and the Prometheus text. */
export async function scrape(t: TestApp): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${metricsBaseUrl(t)}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** Value of one sample line (`name{labels} value`) whose labels contain `labels`, or undefined. */
export function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
