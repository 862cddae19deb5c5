import type { Progress, ProgressFn } from '../jobs/progress.ts';

/** A progress event of a transfer: the common fields plus rate and ETA. */
export interface TransferProgress extends Progress {
  /** Bytes per second over the last few seconds. */
  readonly bytesPerSecond: number;
  /** Seconds left at the current rate; absent until a rate is known. */
  readonly etaSeconds?: number;
}

function formatRate(bps: number): string {
  if (bps >= 1024 * 1024) return `${(bps / 1024 / 1024).toFixed(1)} MB/s`;
  return `${(bps / 1024).toFixed(0)} KB/s`;
}

function formatEta(s: number): string {
  const t = Math.ceil(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * Counts files and bytes of one transfer and reports them with a rate measured over a sliding window
 * (so a stall shows as a falling rate, not an average frozen at its best), plus an ETA. Byte deltas may be
 * negative: a retried request rewinds what it had counted.
 */
export class TransferMeter {
  private bytes = 0;
  private files = 0;
  private readonly samples: { t: number; bytes: number }[] = [];
  private readonly phase: string;
  private readonly filesTotal: number;
  private readonly bytesTotal: number;
  private readonly onProgress: ProgressFn | undefined;
  private readonly now: () => number;
  private current: string | undefined;
  private lastEmit = -Infinity;

  constructor(phase: string, totals: { files: number; bytes: number }, onProgress?: ProgressFn, now: () => number = Date.now) {
    this.phase = phase;
    this.filesTotal = totals.files;
    this.bytesTotal = totals.bytes;
    this.onProgress = onProgress;
    this.now = now;
    this.samples.push({ t: now(), bytes: 0 });
  }

  /** Adds transferred bytes (negative to rewind a failed attempt). */
  addBytes(delta: number, current?: string): void {
    this.bytes += delta;
    if (current !== undefined) this.current = current;
    this.emit();
  }

  /** Marks one object finished. */
  fileDone(current?: string): void {
    this.files++;
    if (current !== undefined) this.current = current;
    this.emit();
  }

  /** Bytes counted so far. */
  get loaded(): number {
    return this.bytes;
  }

  /** The current state as a progress event. */
  snapshot(): TransferProgress {
    const t = this.now();
    // One sample per 100 ms is plenty for a 5 s window and keeps per-chunk calls cheap.
    if (t - (this.samples[this.samples.length - 1] as { t: number }).t >= 100) this.samples.push({ t, bytes: this.bytes });
    while (this.samples.length > 2 && t - (this.samples[0] as { t: number }).t > 5000) this.samples.shift();
    const first = this.samples[0] as { t: number; bytes: number };
    const dt = (t - first.t) / 1000;
    const bytesPerSecond = dt > 0.2 ? Math.max(0, (this.bytes - first.bytes) / dt) : 0;
    const left = Math.max(0, this.bytesTotal - this.bytes);
    const etaSeconds = bytesPerSecond > 0 ? left / bytesPerSecond : undefined;
    const message = bytesPerSecond > 0 ? `${formatRate(bytesPerSecond)}${etaSeconds !== undefined ? `  ETA ${formatEta(etaSeconds)}` : ''}` : undefined;
    return {
      phase: this.phase, loaded: Math.min(this.bytes, this.bytesTotal), total: this.bytesTotal, unit: 'bytes',
      files: this.files, filesTotal: this.filesTotal, current: this.current, message, bytesPerSecond, etaSeconds,
    };
  }

  private emit(): void {
    if (!this.onProgress) return;
    const t = this.now();
    const final = this.files >= this.filesTotal;
    // Chunks arrive thousands of times a second; ~10 events a second is what a bar or a UI can use.
    if (!final && t - this.lastEmit < 100) return;
    this.lastEmit = t;
    this.onProgress(this.snapshot());
  }
}
