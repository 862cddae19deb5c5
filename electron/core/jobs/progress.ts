/**
 * Progress is data: one plain object per update, tagged by phase, so the CLI can draw a bar, the app can
 * stream it over IPC, and tests can assert on it. `loaded`/`total` count bytes unless `unit` says files.
 */
export interface Progress {
  /** What the operation is doing now: 'walk', 'hash', 'cache', 'link', 'upload', 'download', 'verify', ... */
  readonly phase: string;
  readonly loaded: number;
  readonly total?: number;
  readonly unit?: 'bytes' | 'files' | 'objects';
  /** Files (or objects) done / total, alongside byte counts. */
  readonly files?: number;
  readonly filesTotal?: number;
  /** The item being worked on, repo-relative, for display only. */
  readonly current?: string;
  readonly message?: string;
}

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
