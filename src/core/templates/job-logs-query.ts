import { beforeWithFollow, followNeedsWebSocket, notAnInteger } from './templates.errors.js';

export interface LogsWindow {
  /** Only logs with an id above this one. */
  after: string;
  /** Only logs with an id below this one (0 = no bound). */
  before: number;
}

function integerParam(query: Record<string, unknown>, name: string): string {
  const raw = query[name];
  if (raw === undefined || raw === '') return '0';
  if (typeof raw !== 'string' || !/^-?\d{1,18}$/.test(raw)) {
    throw notAnInteger(name);
  }
  return String(BigInt(raw) < 0n ? 0n : BigInt(raw));
}

/**
 * Coder's `provisionerJobLogs` query: `after`, `before` (log ids) and `follow`. Following is a
 * WebSocket (JobLogsStreamService, on the upgrade); a plain request asking to follow gets Coder's
 * answer for a failed WebSocket handshake.
 */
export function parseLogsQuery(query: Record<string, unknown>): LogsWindow {
  const follow = query.follow !== undefined;
  const before = integerParam(query, 'before');
  const after = integerParam(query, 'after');
  if (follow && before !== '0') throw beforeWithFollow();
  if (follow) throw followNeedsWebSocket();
  return { after, before: Number(before) };
}

/** Applies the `before` bound to logs fetched after `after`. */
export function withinWindow<T extends { id: number }>(logs: T[], window: LogsWindow): T[] {
  return window.before > 0 ? logs.filter((l) => l.id < window.before) : logs;
}
