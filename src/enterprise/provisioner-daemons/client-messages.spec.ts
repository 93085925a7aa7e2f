import { parseClientMessage } from './client-messages.js';

const JOB = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const parse = (value: unknown) => parseClientMessage(typeof value === 'string' ? value : JSON.stringify(value));

describe('daemon messages', () => {
  it('accepts each message type, normalising what the server reads', () => {
    expect(parse({ type: 'ping' })).toEqual({ ok: true, message: { type: 'ping' } });
    expect(parse({ type: 'acquire_job', request_id: 'r1', extra: 'ignored' })).toEqual({
      ok: true,
      message: { type: 'acquire_job', request_id: 'r1', wait: false },
    });
    expect(
      parse({
        type: 'update_job',
        request_id: 'r',
        job_id: JOB.toUpperCase(),
        logs: [{ level: 'debug', output: 'x', stage: 'S' }],
      }),
    ).toEqual({
      ok: true,
      message: {
        type: 'update_job',
        request_id: 'r',
        job_id: JOB,
        logs: [{ level: 'debug', output: 'x', stage: 'S' }],
      },
    });
    expect(
      parse({ type: 'complete_job', request_id: 'r', job_id: JOB, resources: [{ name: 'a', type: 'b' }] }),
    ).toEqual({
      ok: true,
      message: {
        type: 'complete_job',
        request_id: 'r',
        job_id: JOB,
        resources: [{ name: 'a', type: 'b', daily_cost: 0 }],
        stop_resources: [],
      },
    });
    expect(parse({ type: 'fail_job', request_id: 'r', job_id: JOB, error: 'boom', error_code: '' })).toEqual({
      ok: true,
      message: { type: 'fail_job', request_id: 'r', job_id: JOB, error: 'boom' },
    });
    expect(parse({ type: 'commit_quota', request_id: 'r', job_id: JOB, daily_cost: 7 })).toMatchObject({ ok: true });
  });

  it.each([
    ['[1]', 'invalid_message', 'the message must be a JSON object'],
    ['{"type":"x"', 'invalid_json', 'the message is not valid JSON'],
    [{ request_id: 'r' }, 'invalid_message', 'type must be a string'],
    [
      { type: 'ping', request_id: '' },
      'invalid_message',
      'request_id must be a non-empty string of at most 128 characters',
    ],
    [
      { type: 'ping', request_id: 'r'.repeat(129) },
      'invalid_message',
      'request_id must be a non-empty string of at most 128 characters',
    ],
    [{ type: 'acquire_job' }, 'invalid_message', 'request_id is required'],
    [{ type: 'acquire_job', request_id: 'r', wait: 'yes' }, 'invalid_message', 'wait must be a boolean'],
    [{ type: 'update_job', request_id: 'r', job_id: JOB }, 'invalid_message', 'logs must be an array'],
    [
      {
        type: 'update_job',
        request_id: 'r',
        job_id: JOB,
        logs: [{ level: 'info', output: 'é'.repeat(32 * 1024 + 1) }],
      },
      'too_large',
      'logs[0].output must be at most 65536 bytes',
    ],
    [
      {
        type: 'update_job',
        request_id: 'r',
        job_id: JOB,
        logs: [{ level: 'info', output: 'x', stage: 's'.repeat(129) }],
      },
      'invalid_message',
      'logs[0].stage must be at most 128 characters',
    ],
    [
      { type: 'commit_quota', request_id: 'r', job_id: JOB, daily_cost: -1 },
      'invalid_message',
      'daily_cost must be an integer between 0 and 1000000000',
    ],
    [
      { type: 'commit_quota', request_id: 'r', job_id: JOB, daily_cost: 1.5 },
      'invalid_message',
      'daily_cost must be an integer between 0 and 1000000000',
    ],
    [
      {
        type: 'complete_job',
        request_id: 'r',
        job_id: JOB,
        resources: Array.from({ length: 101 }, () => ({ name: 'a', type: 'b' })),
      },
      'too_large',
      'resources must have at most 100 items',
    ],
    [
      { type: 'complete_job', request_id: 'r', job_id: JOB, resources: [{ name: '', type: 'b' }] },
      'invalid_message',
      'resources[0].name must not be empty',
    ],
    [
      {
        type: 'complete_job',
        request_id: 'r',
        job_id: JOB,
        resources: [],
        stop_resources: [{ name: 'a', type: 'b', hide: 1 }],
      },
      'invalid_message',
      'stop_resources[0].hide must be a boolean',
    ],
    [{ type: 'fail_job', request_id: 'r', job_id: JOB }, 'invalid_message', 'error must be a string'],
    [{ type: 'fail_job', request_id: 'r', job_id: 'abc', error: 'x' }, 'invalid_message', 'job_id must be a UUID'],
    [{ type: 'shutdown', request_id: 'r' }, 'unknown_type', 'unknown message type "shutdown"'],
  ])('refuses %j', (input, code, message) => {
    expect(parse(input)).toMatchObject({ ok: false, code, message });
  });

  it('keeps the request id of a refused request so the daemon can match the error', () => {
    expect(parse({ type: 'update_job', request_id: 'abc', job_id: 'nope', logs: [] })).toEqual({
      ok: false,
      code: 'invalid_message',
      message: 'job_id must be a UUID',
      requestId: 'abc',
    });
  });
});
