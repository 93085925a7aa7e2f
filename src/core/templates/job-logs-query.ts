import { ApiError, badRequest } from '../../common/errors.js';

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
    throw new ApiError(400, {
      message: `Query param "${name}" must be an integer.`,
      validations: [{ field: name, detail: 'Must be an integer' }],
    });
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
  if (follow && before !== '0') throw badRequest('Query param "before" cannot be used with "follow".');
  if (follow) {
    throw badRequest(
      'Failed to accept websocket.',
      'Following logs needs a WebSocket: send this request as a WebSocket upgrade, or poll without "follow", passing the id of the last log received as "after".',
    );
  }
  return { after, before: Number(before) };
}

/** Applies the `before` bound to logs fetched after `after`. */
export function withinWindow<T extends { id: number }>(logs: T[], window: LogsWindow): T[] {
  return window.before > 0 ? logs.filter((l) => l.id < window.before) : logs;
}
