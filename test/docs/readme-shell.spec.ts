import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadmeShell } from './readme-shell.js';

/** Whether the process runs (a zombie left for a reaper that never comes counts as ended). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('ReadmeShell', () => {
  let dir: string;
  let shell: ReadmeShell;
  let restarts: Record<string, string>[];
  let failRestart: boolean;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'readme-shell-'));
    restarts = [];
    failRestart = false;
    shell = new ReadmeShell(dir, dir, { PATH: process.env.PATH ?? '/usr/bin:/bin' }, async (env) => {
      restarts.push(env);
      if (failRestart) throw new Error('port taken');
    });
  });

  afterEach(async () => {
    await shell.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps variables and functions from one block to the next', async () => {
    expect(await shell.run(0, 'NAME=ada\ngreet() { echo "hello $1"; }', 5000)).toEqual({ ok: true, output: '' });
    expect(await shell.run(1, 'greet "$NAME"', 5000)).toEqual({ ok: true, output: 'hello ada\n' });
  });

  it.each([
    ['a failing command', 'echo before\nfalse\necho after', 'before\n'],
    ['a failing command in a pipeline', 'false | cat\necho after', ''],
    ['an unset variable', 'echo "$NOT_SET"\necho after', 'NOT_SET: unbound variable'],
  ])('fails the block on %s, with its output so far', async (_name, script, output) => {
    const result = await shell.run(0, script, 5000);
    expect(result).toMatchObject({ ok: false, reason: 'the shell stopped with exit status 1' });
    expect(result.output).toContain(output);
    expect(result.output).not.toContain('after');
  });

  it('fails a block still running at its time limit', async () => {
    expect(await shell.run(0, 'sleep 30', 300)).toMatchObject({ ok: false, reason: 'still running after 0.3 s' });
  });

  it("asks for a restart with the exported environment and the line's own settings, and waits for it", async () => {
    const result = await shell.run(0, 'export CODER_A=1\nNOT_EXPORTED=2\nCODER_B=3 __readme_restart\necho after', 5000);
    expect(result).toEqual({ ok: true, output: 'after\n' });
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatchObject({ CODER_A: '1', CODER_B: '3' });
    expect(restarts[0].NOT_EXPORTED).toBeUndefined();
  });

  it('fails the block when the restart fails, saying why', async () => {
    failRestart = true;
    const result = await shell.run(0, '__readme_restart\necho after', 5000);
    expect(result).toMatchObject({ ok: false });
    expect(result.output).toContain('the test could not restart the server: port taken');
    expect(result.output).not.toContain('after');
  });

  // Reads process states from /proc (Linux).
  (existsSync('/proc/self/stat') ? it : it.skip)(
    'ends what the blocks left running in the background when closed',
    async () => {
      const result = await shell.run(0, 'sleep 60 &\necho $!', 5000);
      const pid = Number(result.output.trim());
      expect(running(pid)).toBe(true);
      await shell.close();
      await new Promise((r) => setTimeout(r, 200));
      expect(running(pid)).toBe(false);
    },
  );
});
