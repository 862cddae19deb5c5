import type { Progress } from '../../../shared/progress.ts';

// The shape is declared in shared/ so the app's job events carry exactly what the engine reports.
export type { Progress };

export type ProgressFn = (p: Progress) => void;

/** Options every long-running engine operation accepts. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressFn;
}

/**
 * Limits a progress callback to one call per `intervalMs` (default 100 ms, about 10 events a second).
 * An event whose phase differs from the last one, or that reaches its total, is always delivered, so
 * consumers never miss a phase change or the final 100%.
 */
export function throttleProgress(fn: ProgressFn | undefined, intervalMs = 100, now: () => number = Date.now): ProgressFn {
  if (!fn) return () => {};
  let last = -Infinity;
  let lastPhase: string | undefined;
  return (p) => {
    const t = now();
    const final = p.total !== undefined && p.loaded >= p.total;
    if (final || p.phase !== lastPhase || t - last >= intervalMs) {
      last = t;
      lastPhase = p.phase;
      fn(p);
    }
  };
}
