import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type pg from 'pg';
import { closeWorld, openWorld, type TestApp } from '../helpers/app.js';
import { createImportJob, jobLogs, waitForCompletion } from '../helpers/jobs.js';
import { addLicense } from '../helpers/licenses.js';
import type { Owner } from '../helpers/world.js';

const PSK = 'cli-test-psk-do-not-print-0123456789';
const cli = join(process.cwd(), 'dist', 'src', 'cli', 'provisionerd.js');

interface Cli {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

function startCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      while (!seen()) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`CLI output lacks ${String(text)}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** A TCP pass-through whose connections the test can cut, to make the daemon reconnect. */
function startProxy(target: URL): Promise<{ server: Server; url: string; cut(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, cut: () => sockets.forEach((s) => s.destroy()) });
    }),
  );
}

describe('npm run provisionerd (the reference daemon)', () => {
  let t: TestApp;
  let db: pg.Client;
  let owner: Owner;

  beforeAll(async () => {
    ({ t, db, owner } = await openWorld({
      env: { CODER_PROVISIONER_DAEMON_PSK: PSK, CODER_PROVISIONER_DAEMONS: '3' },
    }));
    await addLicense(t, owner, ['external_provisioner_daemons']);
  });
  afterAll(() => closeWorld(t, db));

  it('runs tagged jobs the built-in daemons cannot take, reconnects after a cut, and exits 0 on SIGTERM', async () => {
    const proxy = await startProxy(new URL(t.baseUrl));
    const daemon = startCli(
      ['--url', proxy.url, '--org', owner.orgId, '--provisioner', 'echo', '--tag', 'foo=bar', '--name', 'cli-daemon'],
      {
        CODER_PROVISIONER_DAEMON_PSK: PSK,
      },
    );
    try {
      await daemon.waitFor('as "cli-daemon"');
      const template = { resources: [{ name: 'vm', type: 'instance', daily_cost: 2 }], logs: ['from the template'] };
      const ok = await createImportJob(t, {
        organizationId: owner.orgId,
        initiatorId: owner.userId,
        template,
        tags: { scope: 'organization', foo: 'bar' },
      });
      const done = await waitForCompletion(t, ok.jobId);
      expect(done.error).toBeNull();
      const { rows } = await db.query('SELECT name, builtin, tags FROM provisioner_daemons WHERE id = $1', [
        done.worker_id,
      ]);
      expect(rows[0]).toEqual({ name: 'cli-daemon', builtin: false, tags: { scope: 'organization', foo: 'bar' } });
      expect((await jobLogs(t, ok.jobId)).map((l) => l.output)).toContain('from the template');
      const resources = await db.query('SELECT name, daily_cost FROM workspace_resources WHERE job_id = $1', [
        ok.jobId,
      ]);
      expect(resources.rows).toEqual([{ name: 'vm', daily_cost: 2 }]);
      await daemon.waitFor(`job ${ok.jobId}: completed`);

      proxy.cut();
      await daemon.waitFor(/disconnected \(1006\); reconnecting/);
      await daemon.waitFor(/as "cli-daemon"[\s\S]*as "cli-daemon"/);
      const failing = await createImportJob(t, {
        organizationId: owner.orgId,
        initiatorId: owner.userId,
        template: { fail: 'the template says no' },
        tags: { scope: 'organization', foo: 'bar' },
      });
      expect(await waitForCompletion(t, failing.jobId)).toMatchObject({
        error: 'the template says no',
        worker_id: done.worker_id,
      });

      daemon.child.kill('SIGTERM');
      expect(await daemon.exited).toBe(0);
      expect(daemon.output()).toContain('SIGTERM received');
      expect(daemon.output()).not.toContain(PSK);
      // It closed its socket: the server recorded the disconnect.
      const disconnected = async () =>
        (await db.query('SELECT disconnected_at FROM provisioner_daemons WHERE id = $1', [done.worker_id])).rows[0]
          .disconnected_at !== null;
      expect(await pollUntil(disconnected)).toBe(true);
    } finally {
      daemon.child.kill('SIGKILL');
      proxy.server.close();
    }
  });

  it('exits 1 at once, naming the reason, when the server refuses its credentials or organization', async () => {
    const wrongKey = startCli(['--url', t.baseUrl, '--psk', 'not-the-key'], {});
    expect(await wrongKey.exited).toBe(1);
    expect(wrongKey.output()).toContain('401');
    expect(wrongKey.output()).toContain('The provisioner daemon pre-shared key is invalid.');
    expect(wrongKey.output()).not.toContain('not-the-key');

    const badOrg = startCli(['--url', t.baseUrl, '--org', '3fa85f64-5717-4562-b3fc-2c963f66afa6'], {
      CODER_PROVISIONER_DAEMON_PSK: PSK,
    });
    expect(await badOrg.exited).toBe(1);
    expect(badOrg.output()).toContain('404');
  });

  it("serves with a provisioner key (--key or CODER_PROVISIONER_DAEMON_KEY): the key's tags and organization", async () => {
    const created = await t.http
      .post(`/api/v2/organizations/${owner.orgId}/provisionerkeys`)
      .set({ 'Coder-Session-Token': owner.token })
      .send({ name: 'cli-key', tags: { pool: 'cli-key' } })
      .expect(201);
    const secret = created.body.key as string;
    for (const [args, env] of [
      [['--key', secret], {}],
      [[], { CODER_PROVISIONER_DAEMON_KEY: secret }],
    ] as const) {
      const daemon = startCli(['--url', t.baseUrl, '--name', 'cli-keyed', ...args], env);
      try {
        await daemon.waitFor('with a provisioner key as "cli-keyed"');
        const job = await createImportJob(t, {
          organizationId: owner.orgId,
          initiatorId: owner.userId,
          tags: { scope: 'organization', pool: 'cli-key' },
        });
        const done = await waitForCompletion(t, job.jobId);
        expect(done.error).toBeNull();
        const { rows } = await db.query('SELECT name, tags, key_id FROM provisioner_daemons WHERE id = $1', [
          done.worker_id,
        ]);
        expect(rows[0]).toMatchObject({ name: 'cli-keyed', tags: { scope: 'organization', pool: 'cli-key' } });
        daemon.child.kill('SIGTERM');
        expect(await daemon.exited).toBe(0);
        expect(daemon.output()).not.toContain(secret);
      } finally {
        daemon.child.kill('SIGKILL');
      }
    }
    const wrong = startCli(['--url', t.baseUrl, '--key', 'k'.repeat(43)]);
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toContain('provisioner daemon key invalid');
  });

  it('exits 2 with the usage on bad arguments', async () => {
    const none = startCli(['--url', t.baseUrl]);
    expect(await none.exited).toBe(2);
    expect(none.output()).toContain('no credentials');
    const both = startCli(['--url', t.baseUrl, '--psk', 'a', '--token', 'b']);
    expect(await both.exited).toBe(2);
    const keyAndPsk = startCli(['--url', t.baseUrl, '--key', 'a', '--psk', 'b']);
    expect(await keyAndPsk.exited).toBe(2);
    expect(keyAndPsk.output()).toContain('give only one of --key, --psk and --token');
    const keyAndTag = startCli(['--url', t.baseUrl, '--key', 'a', '--tag', 'a=b']);
    expect(await keyAndTag.exited).toBe(2);
    expect(keyAndTag.output()).toContain('--tag cannot be used with --key');
    const terraform = startCli(['--url', t.baseUrl, '--psk', 'a', '--provisioner', 'terraform']);
    expect(await terraform.exited).toBe(2);
    expect(terraform.output()).toContain('only the echo provisioner');
  });
});

async function pollUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
