/**
 * Synchronous file-system calls on small files cost a third of the CPU of their libuv-pool versions here
 * (no hand-off to a pool thread and back per call, which on a 2-core machine also preempts the main thread),
 * so the engine makes many of them in a row. This keeps such a run from holding the event loop: callers
 * await {@link LoopBudget.pause} between files, and it yields (setImmediate) once `budgetMs` of
 * synchronous work has gone by since the last turn, letting I/O callbacks, progress and cancellation in.
 */
export class LoopBudget {
  private last = performance.now();
  private readonly budgetMs: number;

  constructor(budgetMs = 8) {
    this.budgetMs = budgetMs;
  }

  /** Resolves at once while within budget; otherwise after one turn of the event loop. */
  async pause(): Promise<void> {
    const now = performance.now();
    if (now - this.last < this.budgetMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
