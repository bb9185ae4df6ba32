/** News from the process's log follower: readers that tail the log wait on it instead of polling. */
export interface LogWakeups {
  /** The highest position the follower has read from the log. */
  readonly head: number;
  /** Called after each batch that read events new to this process, with the highest position. */
  onAdvance(listener: (position: number) => void): () => void;
}
export const LOG_WAKEUPS = Symbol('LogWakeups');
