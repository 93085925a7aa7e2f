import { LOG_LEVELS } from '../../core/provisioning/entities/provisioner-job-log.entity.js';
import type { ClientMessage, JobLogInput, ProtocolResource } from '../../core/provisioning/protocol.js';

/** Protocol limits (docs/provisioner-protocol.md, "Limits"). */
export const LIMITS = {
  maxPayloadBytes: 256 * 1024,
  maxLogsPerUpdate: 1000,
  maxStringBytes: 64 * 1024,
  maxResources: 100,
  maxRequestIdLength: 128,
  maxStageLength: 128,
  maxNameLength: 256,
  maxErrorCodeLength: 64,
  maxDailyCost: 1_000_000_000,
} as const;

export type Parsed =
  { ok: true; message: ClientMessage } | { ok: false; code: string; message: string; requestId?: string };

class Invalid extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(
  value: unknown,
  field: string,
  opts: { max?: number; bytes?: number; optional?: boolean; nonEmpty?: boolean } = {},
): string | undefined {
  if (value === undefined && opts.optional) return undefined;
  if (typeof value !== 'string') throw new Invalid('invalid_message', `${field} must be a string`);
  if (opts.nonEmpty && value === '') throw new Invalid('invalid_message', `${field} must not be empty`);
  if (opts.max !== undefined && value.length > opts.max)
    throw new Invalid('invalid_message', `${field} must be at most ${opts.max} characters`);
  if (opts.bytes !== undefined && Buffer.byteLength(value) > opts.bytes)
    throw new Invalid('too_large', `${field} must be at most ${opts.bytes} bytes`);
  return value;
}

function jobId(msg: Obj): string {
  const id = text(msg.job_id, 'job_id') as string;
  if (!UUID.test(id)) throw new Invalid('invalid_message', 'job_id must be a UUID');
  return id.toLowerCase();
}

function list(value: unknown, field: string, max: number, optional = false): unknown[] {
  if (value === undefined && optional) return [];
  if (!Array.isArray(value)) throw new Invalid('invalid_message', `${field} must be an array`);
  if (value.length > max) throw new Invalid('too_large', `${field} must have at most ${max} items`);
  return value;
}

function logs(value: unknown): JobLogInput[] {
  return list(value, 'logs', LIMITS.maxLogsPerUpdate).map((entry, i) => {
    if (!isObject(entry)) throw new Invalid('invalid_message', `logs[${i}] must be an object`);
    if (!(LOG_LEVELS as readonly unknown[]).includes(entry.level)) {
      throw new Invalid('invalid_message', `logs[${i}].level must be one of ${LOG_LEVELS.join(', ')}`);
    }
    const stage = text(entry.stage, `logs[${i}].stage`, { optional: true, max: LIMITS.maxStageLength });
    const output = text(entry.output, `logs[${i}].output`, { bytes: LIMITS.maxStringBytes }) as string;
    return { level: entry.level as JobLogInput['level'], output, ...(stage !== undefined ? { stage } : {}) };
  });
}

function cost(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > LIMITS.maxDailyCost) {
    throw new Invalid('invalid_message', `${field} must be an integer between 0 and ${LIMITS.maxDailyCost}`);
  }
  return value as number;
}

function resources(value: unknown, field: string, optional: boolean): ProtocolResource[] {
  return list(value, field, LIMITS.maxResources, optional).map((entry, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(entry)) throw new Invalid('invalid_message', `${at} must be an object`);
    if (entry.hide !== undefined && typeof entry.hide !== 'boolean')
      throw new Invalid('invalid_message', `${at}.hide must be a boolean`);
    const icon = text(entry.icon, `${at}.icon`, { optional: true, max: LIMITS.maxNameLength });
    const instanceType = text(entry.instance_type, `${at}.instance_type`, {
      optional: true,
      max: LIMITS.maxNameLength,
    });
    return {
      name: text(entry.name, `${at}.name`, { nonEmpty: true, max: LIMITS.maxNameLength }) as string,
      type: text(entry.type, `${at}.type`, { nonEmpty: true, max: LIMITS.maxNameLength }) as string,
      daily_cost: entry.daily_cost === undefined ? 0 : cost(entry.daily_cost, `${at}.daily_cost`),
      ...(icon !== undefined ? { icon } : {}),
      ...(entry.hide !== undefined ? { hide: entry.hide } : {}),
      ...(instanceType !== undefined ? { instance_type: instanceType } : {}),
    };
  });
}

function build(msg: Obj, requestId: string | undefined): ClientMessage {
  const rid = () => {
    if (requestId === undefined) throw new Invalid('invalid_message', 'request_id is required');
    return requestId;
  };
  switch (msg.type) {
    case 'ping':
      return requestId === undefined ? { type: 'ping' } : { type: 'ping', request_id: requestId };
    case 'acquire_job':
      if (msg.wait !== undefined && typeof msg.wait !== 'boolean')
        throw new Invalid('invalid_message', 'wait must be a boolean');
      return { type: 'acquire_job', request_id: rid(), wait: msg.wait === true };
    case 'update_job':
      return { type: 'update_job', request_id: rid(), job_id: jobId(msg), logs: logs(msg.logs) };
    case 'commit_quota':
      return {
        type: 'commit_quota',
        request_id: rid(),
        job_id: jobId(msg),
        daily_cost: cost(msg.daily_cost, 'daily_cost'),
      };
    case 'complete_job':
      return {
        type: 'complete_job',
        request_id: rid(),
        job_id: jobId(msg),
        resources: resources(msg.resources, 'resources', false),
        stop_resources: resources(msg.stop_resources, 'stop_resources', true),
      };
    case 'fail_job': {
      const errorCode = text(msg.error_code, 'error_code', { optional: true, max: LIMITS.maxErrorCodeLength });
      return {
        type: 'fail_job',
        request_id: rid(),
        job_id: jobId(msg),
        error: text(msg.error, 'error', { bytes: LIMITS.maxStringBytes }) as string,
        ...(errorCode ? { error_code: errorCode } : {}),
      };
    }
    default:
      throw new Invalid('unknown_type', `unknown message type ${JSON.stringify(msg.type)}`);
  }
}

/**
 * Parses and validates one text frame from a daemon. Unknown fields are ignored (so newer daemons
 * can add optional ones); everything the server reads is checked for type and size.
 */
export function parseClientMessage(raw: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'invalid_json', message: 'the message is not valid JSON' };
  }
  if (!isObject(value)) return { ok: false, code: 'invalid_message', message: 'the message must be a JSON object' };
  const requestId =
    typeof value.request_id === 'string' &&
    value.request_id.length > 0 &&
    value.request_id.length <= LIMITS.maxRequestIdLength
      ? value.request_id
      : undefined;
  try {
    if (value.request_id !== undefined && requestId === undefined) {
      throw new Invalid(
        'invalid_message',
        `request_id must be a non-empty string of at most ${LIMITS.maxRequestIdLength} characters`,
      );
    }
    if (typeof value.type !== 'string') throw new Invalid('invalid_message', 'type must be a string');
    return { ok: true, message: build(value, requestId) };
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    return { ok: false, code: err.code, message: err.message, requestId };
  }
}
