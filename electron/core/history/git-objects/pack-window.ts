import { readSync } from 'node:fs';
import { TwoGenCache } from './two-gen-cache.ts';

/**
 * Bytes per window: neighbouring objects (a commit's trees, a delta chain) share one read, while a walk
 * that jumps around a large pack reads at most 64 KiB per object.
 */
const WINDOW = 64 * 1024;
/** At most this many windows stay in memory per pack (16 MiB), whatever the pack's size. */
const MAX_WINDOWS = 256;

/**
 * Reads byte spans of a pack through fixed, aligned windows kept in a bounded cache (as git does with
 * `core.packedGitWindowSize`). A history walk reads tens of thousands of small objects that sit close
 * together; one `read` per object costs a syscall and an allocation each, one per window costs neither.
 * Returned spans may be views into a cached window: callers must not modify them.
 */
export class PackWindows {
  private readonly fd: number;
  private readonly size: number;
  private readonly windows = new TwoGenCache<number, Buffer>(MAX_WINDOWS);

  /** `size` is the pack file's length in bytes. */
  constructor(fd: number, size: number) {
    this.fd = fd;
    this.size = size;
  }

  /** The bytes `[start, end)` of the pack. */
  span(start: number, end: number): Buffer {
    const w = Math.floor(start / WINDOW);
    if (Math.floor((end - 1) / WINDOW) !== w) return this.direct(start, end);
    let buf = this.windows.get(w);
    if (!buf) {
      buf = this.direct(w * WINDOW, Math.min(this.size, (w + 1) * WINDOW));
      this.windows.set(w, buf);
    }
    return buf.subarray(start - w * WINDOW, end - w * WINDOW);
  }

  /** Drops the cached windows. */
  clear(): void {
    this.windows.clear();
  }

  private direct(start: number, end: number): Buffer {
    const out = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, start + done);
      if (n === 0) break; // a truncated pack: the inflate of this span reports it
      done += n;
    }
    return done === out.length ? out : out.subarray(0, done);
  }
}
