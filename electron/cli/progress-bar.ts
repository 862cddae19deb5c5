import type { Progress, ProgressFn } from '../core/jobs/progress.ts';
import { throttleProgress } from '../core/jobs/progress.ts';
import { formatBytes } from './format.ts';

/** A minimal writable TTY surface, so tests can drive the bar without a terminal. */
export interface BarStream {
  write(chunk: string): boolean;
  readonly columns?: number;
}

/**
 * Draws one self-overwriting progress line on a TTY stream (stderr). Updates are throttled to ~10 a
 * second; `done()` erases the line so the command's own output starts on a clean row.
 */
export function createProgressBar(stream: BarStream): { progress: ProgressFn; done: () => void } {
  let drawn = false;
  const draw = (p: Progress): void => {
    const width = Math.max(40, Math.min(stream.columns ?? 80, 120));
    const line = renderLine(p, width);
    stream.write(`\r${line}\x1b[K`);
    drawn = true;
  };
  return {
    progress: throttleProgress(draw, 100),
    done: () => {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/** Renders one progress event as a line of at most `width` characters. Exported for tests. */
export function renderLine(p: Progress, width: number): string {
  const label = phaseLabel(p.phase).padEnd(11);
  const counts = describeCounts(p);
  if (p.total === undefined || p.total <= 0) {
    const text = `${label} ${counts}${p.current ? `  ${p.current}` : ''}`;
    return text.slice(0, width - 1);
  }
  const ratio = Math.min(1, Math.max(0, p.loaded / p.total));
  const pct = `${Math.floor(ratio * 100)}%`.padStart(4);
  const barWidth = Math.max(10, Math.min(30, width - label.length - counts.length - 12));
  const filled = Math.round(ratio * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  let text = `${label} ${bar} ${pct} ${counts}`;
  if (p.current && text.length + 3 < width) text += `  ${p.current}`;
  return text.length >= width ? text.slice(0, width - 1) : text;
}

function describeCounts(p: Progress): string {
  const parts: string[] = [];
  if (p.unit === 'files' || p.unit === 'objects') {
    parts.push(p.total !== undefined ? `${p.loaded}/${p.total} ${p.unit}` : `${p.loaded} ${p.unit}`);
  } else {
    parts.push(p.total !== undefined ? `${formatBytes(p.loaded)}/${formatBytes(p.total)}` : formatBytes(p.loaded));
    if (p.files !== undefined) parts.push(p.filesTotal !== undefined ? `${p.files}/${p.filesTotal} files` : `${p.files} files`);
  }
  if (p.message) parts.push(p.message);
  return parts.join('  ');
}

const PHASE_LABELS: Record<string, string> = {
  walk: 'Scanning',
  hash: 'Hashing',
  cache: 'Caching',
  link: 'Linking',
  upload: 'Uploading',
  download: 'Downloading',
  verify: 'Verifying',
  checkout: 'Checking out',
  gc: 'Collecting',
};

function phaseLabel(phase: string): string {
  return PHASE_LABELS[phase] ?? phase.charAt(0).toUpperCase() + phase.slice(1);
}

/**
 * Machine-readable progress for wrappers and tests: with `LOCKSTEP_PROGRESS=json` every (throttled)
 * event is written to stderr as one JSON line, whether or not stderr is a terminal.
 */
export function createJsonProgress(stream: BarStream): { progress: ProgressFn; done: () => void } {
  return {
    progress: throttleProgress((p) => void stream.write(`${JSON.stringify({ progress: p })}\n`), 100),
    done: () => {},
  };
}
