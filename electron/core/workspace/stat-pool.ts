import { Worker } from 'node:worker_threads';

/**
 * Stats files on a worker thread while the walking thread lists directories, the way git's preload-index
 * stats its index on threads: on 100k files the stat system calls are the largest single cost of a status.
 * Plain JavaScript run with `eval: true` (like the hash worker) so it runs the same from sources, vitest
 * and the bundle. Protocol, one message per batch:
 *   in:  { id, paths: string }        the paths joined by NUL (one string clones far faster than an array)
 *   out: { id, ino: BigUint64Array, mtimeNs: BigInt64Array, size: Float64Array, ok: Uint8Array }
 * `ok[i]` is 1 for a regular file, 2 for anything else that exists, 0 when the stat failed; the caller
 * re-stats failures itself so errors are reported exactly as on the walking thread.
 */
const STAT_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
parentPort.on('message', (m) => {
  const id = m.id;
  const paths = m.paths.split('\0');
  const n = paths.length;
  const ino = new BigUint64Array(n);
  const mtimeNs = new BigInt64Array(n);
  const size = new Float64Array(n);
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let st;
    try {
      st = fs.statSync(paths[i], { bigint: true, throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st === undefined) continue;
    ok[i] = st.isFile() ? 1 : 2;
    ino[i] = st.ino;
    mtimeNs[i] = st.mtimeNs;
    size[i] = Number(st.size);
  }
  parentPort.postMessage({ id, ino, mtimeNs, size, ok }, [ino.buffer, mtimeNs.buffer, size.buffer, ok.buffer]);
});
`;

/** Stats of one batch, index-aligned with the paths sent. */
export interface StatBatch {
  readonly ino: BigUint64Array;
  readonly mtimeNs: BigInt64Array;
  readonly size: Float64Array;
  /** 1 regular file, 2 exists but is not a regular file, 0 stat failed (re-stat on the caller's thread). */
  readonly ok: Uint8Array;
}

interface Reply extends StatBatch {
  readonly id: number;
}

/** One stat worker for the duration of a walk. Close it when the walk ends (or fails). */
export class StatPool {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (b: StatBatch) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor() {
    this.worker = new Worker(STAT_WORKER_SOURCE, { eval: true });
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m);
    });
    const gone = (err: Error): void => {
      this.failed ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', gone);
    this.worker.on('exit', (code) => gone(new Error(`stat worker exited with code ${code}`)));
  }

  /** Stats the NUL-separated `paths` (following symlinks) on the worker. */
  stat(paths: string): Promise<StatBatch> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, paths });
    });
  }

  /** Stops the worker; pending batches are rejected. */
  close(): void {
    this.failed ??= new Error('stat pool closed');
    void this.worker.terminate();
  }
}
