/**
 * Sleeps that end early: all of them when the owner stops, and the one marked `wakeable` when
 * something new may be there to read. A wake that comes while nobody sleeps is remembered, so
 * the next wakeable sleep returns at once and no append is missed between a read and a sleep.
 */
export class InterruptibleSleep {
  private readonly sleepers = new Set<() => void>();
  private wakeable: (() => void) | null = null;
  private woken = false;
  private stopped = false;

  /** Waits `ms`, or less when interrupted (or, if `wakeable`, when woken). */
  sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.woken)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(end);
        if (this.wakeable === end) this.wakeable = null;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.sleepers.add(end);
      if (wakeable) this.wakeable = end;
    });
  }

  wake(): void {
    this.woken = true;
    this.wakeable?.();
  }

  /** Called before reading: wakes from now on are about events the read may not have seen. */
  clearWake(): void {
    this.woken = false;
  }

  interruptAll(): void {
    this.stopped = true;
    for (const end of [...this.sleepers]) end();
  }

  resume(): void {
    this.stopped = false;
  }
}
