import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESTART_FUNCTION } from './readme-blocks.js';

export type BlockResult = { ok: true; output: string } | { ok: false; output: string; reason: string };

const DONE = '__README_BLOCK_DONE__';
const RESTART = '__README_RESTART__';

/**
 * One `bash -euo pipefail` session that runs README blocks one after another, so the variables a
 * block sets are there for the next, as in a reader's terminal. Each block's output goes to a file
 * of its own; a failing command ends the session (errexit), which fails that block.
 *
 * RESTART_FUNCTION writes the shell's environment to `restart.env`, asks the test on the session's
 * own stdout, and waits for `restart.ack` ("ok" or the reason it failed).
 *
 * The session leads its own process group: `close` ends it with everything the README started in
 * the background (provisioner daemons and the like).
 */
export class ReadmeShell {
  private readonly child: ChildProcess;
  private stdout = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;
  private wake: () => void = () => undefined;

  constructor(
    private readonly dir: string,
    cwd: string,
    env: Record<string, string>,
    private readonly onRestart: (env: Record<string, string>) => Promise<void>,
  ) {
    this.child = spawn('bash', ['--noprofile', '--norc'], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.wake();
    });
    this.child.stderr?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        this.wake();
        resolve();
      }),
    );
    const restartEnv = join(dir, 'restart.env');
    const ack = join(dir, 'restart.ack');
    this.child.stdin?.write(
      [
        'set -euo pipefail',
        'exec 3>&1',
        `${RESTART_FUNCTION}() {`,
        `  rm -f '${ack}'`,
        `  env -0 > '${restartEnv}'`,
        `  echo ${RESTART} >&3`,
        `  while [ ! -e '${ack}' ]; do sleep 0.1; done`,
        `  [ "$(cat '${ack}')" = ok ] || { cat '${ack}' >&2; return 1; }`,
        '}',
        '',
      ].join('\n'),
    );
  }

  /** Runs one block; resolves when it finished, failed, or `timeoutMs` passed. */
  async run(index: number, script: string, timeoutMs: number): Promise<BlockResult> {
    const file = join(this.dir, `block-${index}.sh`);
    const out = join(this.dir, `block-${index}.out`);
    writeFileSync(file, `${script}\n`);
    const marker = `${DONE} ${index}\n`;
    this.stdout = '';
    this.child.stdin?.write(`source '${file}' > '${out}' 2>&1 < /dev/null\necho '${DONE} ${index}'\n`);
    const output = () =>
      (existsSync(out) ? readFileSync(out, 'utf8') : '') +
      this.stdout.replace(marker, '').replaceAll(`${RESTART}\n`, '');
    const deadline = Date.now() + timeoutMs;
    let restartsSeen = 0;
    for (;;) {
      if (this.stdout.includes(marker)) return { ok: true, output: output() };
      const restarts = this.stdout.split(`${RESTART}\n`).length - 1;
      if (restarts > restartsSeen) {
        restartsSeen = restarts;
        await this.restart();
        continue;
      }
      if (this.exitCode !== undefined)
        return { ok: false, output: output(), reason: `the shell stopped with exit status ${this.exitCode}` };
      const left = deadline - Date.now();
      if (left <= 0) return { ok: false, output: output(), reason: `still running after ${timeoutMs / 1000} s` };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async restart(): Promise<void> {
    const env = Object.fromEntries(
      readFileSync(join(this.dir, 'restart.env'), 'utf8')
        .split('\0')
        .filter((entry) => entry.includes('='))
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
    let answer = 'ok';
    try {
      await this.onRestart(env);
    } catch (err) {
      answer = `the test could not restart the server: ${(err as Error).message}`;
    }
    writeFileSync(join(this.dir, 'restart.ack'), answer);
  }

  /** Ends the session and every process it started (its whole process group). */
  async close(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      try {
        process.kill(-pid, signal);
      } catch {
        return; // the group is gone
      }
      if (signal === 'SIGTERM') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
        clearTimeout(timer);
      }
    }
  }
}
