import { parseArgs } from 'node:util';
import { SERVER_VERSION } from '../common/version.js';
import { runEchoJob, type JobChannel } from '../core/provisioning/echo/echo-runner.js';
import type { AcquiredJob, CommitQuotaResult, ServerMessage } from '../core/provisioning/protocol.js';
import { ConnectRefused, DaemonConnection } from './provisionerd-connection.js';

const USAGE = `Usage: npm run provisionerd -- --url <coder url> [--key KEY | --psk PSK | --token TOKEN]
                            [--org <id>|default] [--provisioner echo] [--tag key=value ...] [--name NAME]

Runs an external provisioner daemon (the echo provisioner) against a Coder server over the JSON
protocol (docs/provisioner-protocol.md). Environment: CODER_URL, CODER_PROVISIONER_DAEMON_KEY,
CODER_SESSION_TOKEN, CODER_PROVISIONER_DAEMON_PSK. A provisioner key (POST /api/v2/organizations/{org}/provisionerkeys)
serves the key's organization with the key's tags (no --tag); a pre-shared key always serves the
organization (scope=organization); with a session token, --tag scope=user serves only your own jobs.
`;

/** Refusals that retrying cannot fix: bad configuration or credentials. */
const FATAL_STATUSES = new Set([400, 401, 403, 404]);
const MAX_BACKOFF_MS = 30_000;
const ACQUIRE_TIMEOUT_MS = 45_000;
const STOP_GRACE_MS = 10_000;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} provisionerd: ${line}\n`);
}

function usage(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

interface Options {
  url: URL;
  headers: Record<string, string>;
  credential: 'provisioner key' | 'pre-shared key' | 'session token';
  serveUrl: string;
}

function parseOptions(): Options {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        psk: { type: 'string' },
        token: { type: 'string' },
        org: { type: 'string' },
        provisioner: { type: 'string', multiple: true },
        tag: { type: 'string', multiple: true },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    usage((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const rawUrl = values.url ?? process.env.CODER_URL;
  if (!rawUrl) usage('--url (or CODER_URL) is required');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    usage('--url must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') usage('--url must be an absolute http(s) URL');
  const given = [values.key, values.psk, values.token].filter((v) => v !== undefined).length;
  if (given > 1) usage('give only one of --key, --psk and --token');
  const key = values.key ?? (given === 0 ? process.env.CODER_PROVISIONER_DAEMON_KEY || undefined : undefined);
  const token = key
    ? undefined
    : (values.token ?? (values.psk === undefined ? process.env.CODER_SESSION_TOKEN : undefined));
  const psk = values.psk ?? process.env.CODER_PROVISIONER_DAEMON_PSK;
  if (!key && !token && !psk)
    usage(
      'no credentials: pass --key, --psk or --token (or set CODER_PROVISIONER_DAEMON_KEY, CODER_PROVISIONER_DAEMON_PSK or CODER_SESSION_TOKEN)',
    );
  if (key && values.tag?.length) usage("--tag cannot be used with --key: the key's tags apply");
  const provisioners = values.provisioner ?? ['echo'];
  if (provisioners.some((p) => p !== 'echo')) usage('this daemon runs only the echo provisioner (--provisioner echo)');

  const query = new URLSearchParams({ provisioner: 'echo', version: SERVER_VERSION });
  for (const tag of values.tag ?? []) query.append('tag', tag);
  if (values.name) query.set('name', values.name);
  const org = encodeURIComponent(values.org ?? 'default');
  const base = new URL(url.toString());
  base.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  base.pathname = `${url.pathname.replace(/\/$/, '')}/api/v2/organizations/${org}/provisionerdaemons/serve`;
  base.search = query.toString();
  return {
    url,
    headers: key
      ? { 'Coder-Provisioner-Daemon-Key': key }
      : token
        ? { 'Coder-Session-Token': token }
        : { 'Coder-Provisioner-Daemon-PSK': psk as string },
    credential: key ? 'provisioner key' : token ? 'session token' : 'pre-shared key',
    serveUrl: base.toString(),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function backoff(attempt: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.2));
}

/** The daemon: connect, acquire and run jobs one at a time, reconnect, stop cleanly on a signal. */
class Daemon {
  private stopping = false;
  private readonly stopped: Promise<void>;
  private stop!: () => void;
  private conn: DaemonConnection | undefined;
  private current: { id: string; done: Promise<void> } | undefined;

  constructor(private readonly options: Options) {
    this.stopped = new Promise((resolve) => (this.stop = resolve));
  }

  requestStop(signal: string): void {
    if (this.stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    this.stopping = true;
    log(`${signal} received: ${this.current ? `finishing job ${this.current.id}` : 'stopping'}`);
    this.stop();
  }

  async run(): Promise<number> {
    let attempt = 0;
    while (!this.stopping) {
      try {
        this.conn = await DaemonConnection.open(this.options.serveUrl, this.options.headers);
      } catch (err) {
        if (err instanceof ConnectRefused && FATAL_STATUSES.has(err.status)) {
          log(`the server refused this daemon: ${err.message}`);
          return 1;
        }
        const delay = backoff(attempt++);
        log(
          `cannot connect to ${this.options.url.origin}: ${(err as Error).message}; retrying in ${(delay / 1000).toFixed(1)}s`,
        );
        await Promise.race([sleep(delay), this.stopped]);
        continue;
      }
      attempt = 0;
      const { daemon } = this.conn.hello;
      const tags = Object.entries(daemon.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      log(
        `connected to ${this.options.url.origin} with a ${this.options.credential} as "${daemon.name}" (${daemon.id}); provisioners ${daemon.provisioners.join(', ')}; tags ${tags}`,
      );
      const result = await Promise.race([this.serve(this.conn), this.stopped.then(() => 'stop' as const)]);
      if (result === 'stop') break;
      const delay = backoff(attempt++);
      log(
        `disconnected (${result.code}${result.reason ? ` ${result.reason}` : ''}); reconnecting in ${(delay / 1000).toFixed(1)}s`,
      );
      await Promise.race([sleep(delay), this.stopped]);
    }
    await this.shutdown();
    return 0;
  }

  private async serve(conn: DaemonConnection): Promise<{ code: number; reason: string }> {
    while (conn.isOpen && !this.stopping) {
      let reply: ServerMessage;
      try {
        reply = await conn.request({ type: 'acquire_job', wait: true }, ACQUIRE_TIMEOUT_MS);
      } catch (err) {
        if (!conn.isOpen) break;
        log(`acquire failed: ${(err as Error).message}`);
        await sleep(1000);
        continue;
      }
      if (reply.type !== 'job' || !reply.job) continue;
      const job = reply.job;
      this.current = { id: job.job_id, done: this.runJob(conn, job) };
      await this.current.done;
      this.current = undefined;
    }
    return conn.closed;
  }

  private async runJob(conn: DaemonConnection, job: AcquiredJob): Promise<void> {
    const call = (message: Record<string, unknown>) => conn.request({ ...message, job_id: job.job_id });
    const channel: JobChannel = {
      log: async (logs) => void (await call({ type: 'update_job', logs })),
      commitQuota: async (cost) =>
        (await call({ type: 'commit_quota', daily_cost: cost })) as unknown as CommitQuotaResult,
      complete: async (resources, stop) =>
        void (await call({ type: 'complete_job', resources, stop_resources: stop ?? [] })),
      fail: async (error, code) =>
        void (await call({ type: 'fail_job', error, ...(code ? { error_code: code } : {}) })),
    };
    log(`job ${job.job_id}: ${job.type.replace(/_/g, ' ')} started`);
    try {
      const outcome = job.provisioner === 'echo' ? await runEchoJob(job, channel) : await this.refuse(channel, job);
      log(`job ${job.job_id}: ${outcome}`);
    } catch (err) {
      log(`job ${job.job_id}: error: ${(err as Error).message}`);
      await channel.fail(`provisioner daemon error: ${(err as Error).message}`).catch(() => undefined);
    }
  }

  private async refuse(channel: JobChannel, job: AcquiredJob): Promise<'failed'> {
    await channel.fail(`This daemon runs only the echo provisioner, not "${job.provisioner}".`);
    return 'failed';
  }

  /** Lets the running job finish (or fails it after STOP_GRACE_MS), then closes with 1000. */
  private async shutdown(): Promise<void> {
    const conn = this.conn;
    const current = this.current;
    if (conn?.isOpen && current) {
      const finished = await Promise.race([current.done.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
      if (!finished) {
        log(`job ${current.id}: not finished after ${STOP_GRACE_MS / 1000}s; failing it`);
        await conn
          .request({
            type: 'fail_job',
            job_id: current.id,
            error: 'The provisioner daemon was stopped before the job finished.',
          })
          .catch((err: Error) => log(`job ${current.id}: could not fail it: ${err.message}`));
      }
    }
    if (conn?.isOpen) await conn.close(1000, 'daemon stopping');
    log('stopped');
  }
}

async function main(): Promise<void> {
  const daemon = new Daemon(parseOptions());
  process.on('SIGTERM', () => daemon.requestStop('SIGTERM'));
  process.on('SIGINT', () => daemon.requestStop('SIGINT'));
  // A stray rejection is a bug to report, not a reason to drop the running job.
  process.on('unhandledRejection', (reason) =>
    log(`unexpected error: ${(reason as Error)?.message ?? String(reason)}`),
  );
  process.exit(await daemon.run());
}

void main();
