import { CoalescingRunner } from './coalescing-runner.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CoalescingRunner', () => {
  it('runs once more after the current run when called during it, however often', async () => {
    const gates = [deferred(), deferred()];
    let runs = 0;
    const runner = new CoalescingRunner(
      async () => {
        await gates[runs++]?.promise;
      },
      () => undefined,
    );
    const first = runner.run();
    const during = [runner.run(), runner.run(), runner.run()];
    expect(runs).toBe(1);
    gates[0].resolve();
    gates[1].resolve();
    await Promise.all([first, ...during]);
    expect(runs).toBe(2);
    await runner.run();
    expect(runs).toBe(3);
  });

  it('reports a failing run and keeps going; callers do not reject', async () => {
    const errors: string[] = [];
    let runs = 0;
    const runner = new CoalescingRunner(
      async () => {
        runs++;
        throw new Error(`boom ${runs}`);
      },
      (err) => errors.push(err.message),
    );
    await expect(runner.run()).resolves.toBeUndefined();
    await runner.run();
    expect(errors).toEqual(['boom 1', 'boom 2']);
  });

  it('skips the extra run once stopped', async () => {
    const gate = deferred();
    let runs = 0;
    let stopped = false;
    const runner = new CoalescingRunner(
      async () => {
        runs++;
        await gate.promise;
      },
      () => undefined,
      () => stopped,
    );
    const first = runner.run();
    void runner.run();
    stopped = true;
    gate.resolve();
    await first;
    expect(runs).toBe(1);
  });
});
