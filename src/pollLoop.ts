/**
 * Calls `pass` every `intervalMs`, counted from the end of the previous pass (a slow pass never overlaps
 * the next), until `stop`. Its timer never keeps the process alive.
 */
export class PollLoop {
  private timer?: NodeJS.Timeout;
  private stoppedFlag = false;

  constructor(private readonly pass: () => Promise<unknown>) {}

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  start(intervalMs: number): void {
    const tick = () => {
      if (this.stoppedFlag) return;
      this.timer = setTimeout(() => void this.pass().finally(tick), intervalMs);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stoppedFlag = true;
    clearTimeout(this.timer);
  }
}
