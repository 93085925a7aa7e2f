import { describeDialError } from '../replicas/relay-probe.js';

/** Coder's ProxyHealthStatus values (`unknown`: no check has run yet on this replica). */
export const PROXY_HEALTH_STATUSES = ['ok', 'unreachable', 'unhealthy', 'unregistered', 'unknown'] as const;
export type ProxyHealthStatus = (typeof PROXY_HEALTH_STATUSES)[number];

export interface ProxyHealthReport {
  errors: string[];
  warnings: string[];
}

export interface ProxyHealth {
  status: ProxyHealthStatus;
  report: ProxyHealthReport;
  checkedAt: Date;
}

/** Coder's per-check timeout. */
export const HEALTH_CHECK_TIMEOUT_MS = 5000;
/** A report larger than this is not read (a proxy cannot make the server buffer without bound). */
export const MAX_REPORT_BYTES = 1024 * 1024;
/** At most this many errors and warnings are kept, each cut to MAX_MESSAGE_LENGTH characters. */
export const MAX_REPORT_ENTRIES = 50;
export const MAX_MESSAGE_LENGTH = 1024;

/** The only URL a check requests: the registered origin's `/healthz-report`. */
export function healthReportUrl(proxyUrl: string): string {
  return `${new URL(proxyUrl).origin}/healthz-report`;
}

/** A proxy that has not registered yet (no URL) is not requested at all. */
export function unregisteredHealth(now: Date): ProxyHealth {
  return { status: 'unregistered', report: { errors: [], warnings: [] }, checkedAt: now };
}

/** Coder's classification of an answer from `/healthz-report`. */
export function healthFromResponse(statusCode: number, body: string, now: Date): ProxyHealth {
  if (statusCode !== 200) return unhealthy([`unexpected status code ${statusCode}`], now);
  let report: ProxyHealthReport;
  try {
    report = decodeHealthReport(body);
  } catch (err) {
    return healthFromUndecodableReport((err as Error).message, now);
  }
  return { status: report.errors.length > 0 ? 'unhealthy' : 'ok', report, checkedAt: now };
}

/** A 200 whose body is not a health report (a web page, a primary server, garbage). */
export function healthFromUndecodableReport(reason: string, now: Date): ProxyHealth {
  return unhealthy([`failed to decode health report: ${reason}`], now);
}

/** The proxy could not be reached (refused, reset, timed out, DNS...). */
export function healthFromTransportError(url: string, err: unknown, now: Date): ProxyHealth {
  return {
    status: 'unreachable',
    report: {
      errors: [`request to proxy failed: Get ${JSON.stringify(url)}: ${describeDialError(err)}`],
      warnings: [],
    },
    checkedAt: now,
  };
}

function unhealthy(errors: string[], now: Date): ProxyHealth {
  return { status: 'unhealthy', report: { errors, warnings: [] }, checkedAt: now };
}

/**
 * `codersdk.ProxyHealthReport` as Go's decoder reads it: a JSON object (or `null`) whose `errors`
 * and `warnings` are string arrays or null; other fields are ignored.
 */
export function decodeHealthReport(body: string): ProxyHealthReport {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new Error((err as Error).message);
  }
  if (value === null) return { errors: [], warnings: [] };
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('the report is not a JSON object');
  const record = value as Record<string, unknown>;
  return { errors: stringList(record, 'errors'), warnings: stringList(record, 'warnings') };
}

function stringList(record: Record<string, unknown>, key: string): string[] {
  const value = record[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`"${key}" must be an array of strings`);
  }
  return value.slice(0, MAX_REPORT_ENTRIES).map((item) => item.slice(0, MAX_MESSAGE_LENGTH));
}
