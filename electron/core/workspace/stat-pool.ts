import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { idleCore } from './cpu-idle.ts';
import { STAT_BYTES } from './file-batch.ts';

/**
 * Stats files on worker threads while the walking thread lists directories and stats the rest, the way git's
 * preload-index stats its index on threads: on 100k files the stat system calls are the largest single cost of a
 * status. Measured on 2 cores: a 100k-file walk takes about a third less time with one worker when the second
 * core is idle, and about 10% more when it is not (start-up and contention), hence `cpu-idle.ts`. Plain JavaScript
 * run with `eval: true` (like the hash worker) so it runs the same from sources, vitest and the bundle.
 *
 * Every batch is offered to a worker as soon as it is listed, with a shared claim cell: the worker takes batches
 * in order without waiting for the walking thread's event loop, while the walking thread takes back the newest
 * ones whenever the worker is far enough behind ({@link OfferedBatch.claim}). Whoever swaps the cell from 0 first
 * stats the batch; the other skips it. Protocol, one message per batch:
 *   in:  { id, dir, names, cell }  dir ends with a separator; names are the entry names joined by NUL (one string
 *                                  clones far faster than an array); cell: Int32Array over a SharedArrayBuffer
 *   out: { id, stats, ok }         stats: 24 bytes per name (inode u64, mtime ns i64, size f64, the machine's byte
 *                                  order; see file-batch.ts), ok: 1 regular file, 2 exists but is not a regular
 *                                  file, 0 stat failed
 *        { id }                    the walking thread had claimed the batch
 * The caller re-stats failures itself so errors are reported exactly as on the walking thread.
 */
/** Claim cell values: nobody yet (0), the walking thread, a worker. */
const CLAIMED_HERE = 1;
const CLAIMED_BY_WORKER = 2;

const STAT_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const opts = { bigint: true, throwIfNoEntry: false };
parentPort.on('message', (m) => {
  if (Atomics.compareExchange(m.cell, 0, 0, ${CLAIMED_BY_WORKER}) !== 0) {
    parentPort.postMessage({ id: m.id });
    return;
  }
  const names = m.names.split('\0');
  const n = names.length;
  const stats = new ArrayBuffer(n * ${STAT_BYTES});
  const u64 = new BigUint64Array(stats);
  const i64 = new BigInt64Array(stats);
  const f64 = new Float64Array(stats);
  const ok = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let st;
    try {
      st = fs.statSync(m.dir + names[i], opts);
    } catch {
      st = undefined;
    }
    if (st === undefined) continue;
    ok[i] = st.isFile() ? 1 : 2;
    u64[3 * i] = st.ino;
    i64[3 * i + 1] = st.mtimeNs;
    f64[3 * i + 2] = Number(st.size);
  }
  parentPort.postMessage({ id: m.id, stats, ok }, [stats, ok.buffer]);
});
`;

/** Stats of one batch, index-aligned with the names sent. */
export interface StatReply {
  /** {@link STAT_BYTES} per name, laid out as in `file-batch.ts`. */
  readonly stats: ArrayBuffer;
  /** 1 regular file, 2 exists but is not a regular file, 0 stat failed (re-stat on the caller's thread). */
  readonly ok: Uint8Array;
}

interface Reply {
  readonly id: number;
  readonly stats?: ArrayBuffer;
  readonly ok?: Uint8Array;
}

/** A batch offered to the workers. */
export interface OfferedBatch {
  /**
   * Takes the batch back for the calling thread: true when no worker had started it (the calling thread must now
   * stat it, and {@link result} resolves undefined), false when a worker has it.
   */
  claim(): boolean;
  /** True once a worker has started the batch. */
  takenByWorker(): boolean;
  /** The worker's stats, or undefined when the batch was claimed back. Rejects when the worker failed. */
  readonly result: Promise<StatReply | undefined>;
}

/**
 * Stat workers for the duration of a walk. Close the pool when the walk ends (or fails).
 */
export class StatPool {
  private readonly workers: { readonly worker: Worker; offered: number }[] = [];
  private readonly pending = new Map<number, { resolve: (r: StatReply | undefined) => void; reject: (e: Error) => void; slot: { offered: number } }>();
  private nextId = 0;
  private failed: Error | undefined;

  /** Starts `size` workers (at least one). */
  constructor(size: number) {
    const gone = (err: Error): void => {
      this.failed ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    for (let i = 0; i < Math.max(1, size); i++) {
      const worker = new Worker(STAT_WORKER_SOURCE, { eval: true });
      worker.on('message', (m: Reply) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (!p) return;
        p.slot.offered--;
        p.resolve(m.stats && m.ok ? { stats: m.stats, ok: m.ok } : undefined);
      });
      worker.on('error', gone);
      worker.on('exit', (code) => gone(new Error(`stat worker exited with code ${code}`)));
      this.workers.push({ worker, offered: 0 });
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** True until a worker failed or the pool was closed: offering batches then only delays them. */
  get usable(): boolean {
    return this.failed === undefined;
  }

  /** Offers the stat (following symlinks) of `dir` + each of the NUL-separated `names` to the least loaded worker. */
  offer(dir: string, names: string): OfferedBatch {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const claim = (): boolean => Atomics.compareExchange(cell, 0, 0, CLAIMED_HERE) === 0;
    const takenByWorker = (): boolean => Atomics.load(cell, 0) === CLAIMED_BY_WORKER;
    if (this.failed) {
      return { claim, takenByWorker, result: Promise.reject(this.failed) };
    }
    const id = this.nextId++;
    const slot = this.workers.reduce((a, b) => (b.offered < a.offered ? b : a));
    slot.offered++;
    const result = new Promise<StatReply | undefined>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, dir, names, cell });
    });
    return { claim, takenByWorker, result };
  }

  /** Stops the workers; pending batches are rejected. */
  close(): void {
    this.failed ??= new Error('stat pool closed');
    for (const w of this.workers) void w.worker.terminate();
  }

  /** Whether idle workers keep the process alive (they must while a walk waits for them). */
  keepAlive(on: boolean): void {
    for (const w of this.workers) {
      if (on) w.worker.ref();
      else w.worker.unref();
    }
  }
}

/**
 * Stat workers to start: the walking thread stats too, so one per other core. At most three: beyond that the
 * walking thread (listing, messages) is the bottleneck and each worker's start-up (tens of ms) outweighs it.
 */
export function statPoolSize(): number {
  return Math.max(1, Math.min(3, os.availableParallelism() - 1));
}

/** A pool started ahead of a walk by {@link prestartStatPool}, waiting for the walk to adopt it. */
let ahead: StatPool | undefined;
/** An unadopted pool is stopped after this long: whatever it was started for did not need it. */
const AHEAD_MS = 5000;

/**
 * Starts stat workers now, when a core is idle, for a large walk about to come: a worker takes about 50 ms to
 * start, which a command can hide behind loading its modules and opening the repository instead of paying it in
 * the middle of the walk. The workers do not keep the process alive; the next walk that wants workers adopts them
 * ({@link adoptPrestartedPool}), and they are stopped after a few seconds if none does. `when`: 'auto' starts
 * them only when a core looks idle, 'always' regardless (tests).
 */
export function prestartStatPool(when: 'auto' | 'always' = 'auto'): void {
  if (ahead !== undefined || (when === 'auto' && !idleCore())) return;
  const pool = new StatPool(statPoolSize());
  pool.keepAlive(false);
  ahead = pool;
  setTimeout(() => {
    if (ahead === pool) {
      ahead = undefined;
      pool.close();
    }
  }, AHEAD_MS).unref();
}

/** The pool {@link prestartStatPool} started, now owned by the caller (who closes it), or undefined. */
export function adoptPrestartedPool(): StatPool | undefined {
  const pool = ahead;
  ahead = undefined;
  pool?.keepAlive(true);
  return pool;
}
