/**
 * Runs a task on demand so that calls made while it runs coalesce into one more run after the
 * current one (never two at once, never a change missed). A failing run is reported to `onError`
 * and does not reject the callers.
 */
export class CoalescingRunner {
  private running: Promise<void> | null = null;
  private rerun = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: Error) => void,
    /** Whether to skip the extra run (e.g. the owner is shutting down). */
    private readonly stopped: () => boolean = () => false,
  ) {}

  run(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        try {
          await this.task();
        } catch (err) {
          this.onError(err as Error);
        }
      } while (this.rerun && !this.stopped());
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}
