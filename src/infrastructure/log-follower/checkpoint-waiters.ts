interface Waiter {
  readonly position: number;
  settle(reached: boolean): void;
}

/**
 * Callers waiting for a checkpoint to reach a position (read-your-writes: a query after a
 * command waits for the command's position). `settle` is called whenever the checkpoint moves.
 */
export class CheckpointWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly reached: () => number) {}

  /** True once `reached()` ≥ position, false after `timeoutMs`. `poke` asks for a look at the log. */
  waitFor(position: number, timeoutMs: number, poke: () => void): Promise<boolean> {
    if (this.reached() >= position) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        position,
        settle: (ok) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.settle(false), timeoutMs);
      this.waiters.add(waiter);
      // The position may come from another instance: look now rather than at the next poll.
      poke();
    });
  }

  settle(): void {
    if (this.waiters.size === 0) return;
    const reached = this.reached();
    for (const waiter of [...this.waiters]) if (waiter.position <= reached) waiter.settle(true);
  }

  /** Resolves every waiter with false (the follower stopped). */
  abandon(): void {
    for (const waiter of [...this.waiters]) waiter.settle(false);
  }
}
