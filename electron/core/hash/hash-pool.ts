import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { throttleProgress, type ProgressFn } from '../jobs/progress.ts';
import { md5Dos2UnixFile } from './dos2unix.ts';
import { md5File } from './md5-file.ts';
import { HASH_WORKER_SOURCE } from './worker-source.ts';

/** `md5` is DVC 3's raw-bytes hash; `md5-dos2unix` is the legacy 2.x text-normalised hash. */
export type HashName = 'md5' | 'md5-dos2unix';

/** A hash result. For `md5-dos2unix`, `md5` is DVC 3's per-chunk form and `md5v2` the DVC 2 whole-file form. */
export interface FileHash {
  md5: string;
  size: number;
  md5v2?: string;
  /**
   * Only with {@link HashFilesOptions.store}: a sealed 0444 temp file holding the bytes that were hashed,
   * to be published as the object (cache/object-batch.ts); null when a read-only object of that name
   * already existed; absent when nothing was stored (the caller stores the file itself).
   */
  stored?: string | null;
}

/** Options for {@link hashFiles}. Progress reports bytes (`loaded`/`total`) and files (`files`/`filesTotal`). */
export interface HashFilesOptions {
  readonly hashName: HashName;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressFn;
  /**
   * An object directory (`<cache>/files/md5`; md5 only). The workers then also write each file's bytes
   * to a temp object in the same read pass (one read per file instead of a hash read and a copy), see
   * {@link FileHash.stored}. Files hashed on the calling thread (a handful) are not stored.
   */
  readonly store?: string;
}

/** Files below this size are batched many to a worker message; larger ones get a task each so they spread over cores. */
export const SMALL_FILE_LIMIT = 1024 * 1024;
/** Up to this many files are hashed on the main thread: starting a worker costs more than it saves. */
const INLINE_MAX_FILES = 4;
const BATCH_MAX_FILES = 256;
const BATCH_MAX_BYTES = 16 * 1024 * 1024;
/** Idle workers are kept this long for the next call (a status right after an add), then terminated. */
const IDLE_TERMINATE_MS = 10_000;

interface Task {
  readonly id: number;
  readonly files: string[];
  readonly hashName: HashName;
  readonly store: string | undefined;
  readonly job: Job;
}

/** Per file of a store task: temp path, null (object exists read-only) or 0 (exists, another mode). */
type StoredSlot = string | null | 0;

interface Job {
  onBytes(n: number): void;
  onDone(task: Task, results: [string, number, string?][], stored: StoredSlot[] | undefined): void;
  fail(err: unknown): void;
}

interface Slot {
  readonly worker: Worker;
  task: Task | null;
  dead: boolean;
}

type WorkerMessage =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; results: [string, number, string?][]; stored?: StoredSlot[] }
  | { type: 'error'; id: number; file: string; code?: string; message: string; action?: string; stored?: StoredSlot[] };

/**
 * A lazily grown pool of hashing workers, one per core. Workers are ref'd only while they run a task, so an
 * idle pool never keeps the process alive; after a quiet period they are terminated.
 */
class HashPool {
  private readonly slots: Slot[] = [];
  private queue: Task[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly size = Math.max(1, availableParallelism());

  get workerCount(): number {
    return this.slots.length;
  }

  newTaskId(): number {
    return this.nextId++;
  }

  submit(tasks: Task[]): void {
    this.queue.push(...tasks);
    this.pump();
  }

  /** Drops a job's queued tasks and terminates the workers running its tasks (the only way to stop a sync read). */
  cancelJob(job: Job): void {
    this.queue = this.queue.filter((t) => t.job !== job);
    for (const slot of [...this.slots]) {
      if (slot.task?.job === job) this.kill(slot);
    }
    this.pump();
  }

  /** Terminates every worker; jobs still running fail with ABORTED. */
  async shutdown(): Promise<void> {
    clearTimeout(this.idleTimer);
    const jobs = new Set<Job>([...this.queue.map((t) => t.job), ...this.slots.flatMap((s) => (s.task ? [s.task.job] : []))]);
    this.queue = [];
    const exits = [...this.slots].map((slot) => this.kill(slot));
    for (const job of jobs) job.fail(new LockstepError('ABORTED', 'Hashing was stopped because the hash pool shut down.'));
    await Promise.all(exits);
  }

  private pump(): void {
    clearTimeout(this.idleTimer);
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot) {
        if (this.slots.length >= this.size) break;
        slot = this.spawn();
      }
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: task.id, hashName: task.hashName, files: task.files, store: task.store });
    }
    if (this.slots.length > 0 && this.slots.every((s) => s.task === null)) {
      this.idleTimer = setTimeout(() => void this.shutdown(), IDLE_TERMINATE_MS);
      this.idleTimer.unref();
    }
  }

  private spawn(): Slot {
    const worker = new Worker(HASH_WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker, task: null, dead: false };
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (err) => this.onWorkerGone(slot, err));
    worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`hash worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    const task = slot.task;
    if (!task || m.id !== task.id) return;
    if (m.type === 'progress') {
      task.job.onBytes(m.bytes);
      return;
    }
    slot.task = null;
    slot.worker.unref();
    if (m.type === 'done') {
      task.job.onDone(task, m.results, m.stored);
    } else {
      removeTemps(m.stored ?? []);
      const cause = Object.assign(new Error(m.message), { code: m.code });
      task.job.fail(fromFsError(cause, m.file, m.action ?? 'read for hashing'));
    }
    this.pump();
  }

  private onWorkerGone(slot: Slot, err: Error): void {
    if (slot.dead) return;
    this.remove(slot);
    const task = slot.task;
    slot.task = null;
    if (task) task.job.fail(new LockstepError('INTERNAL', `A hashing worker stopped unexpectedly: ${err.message}`, {}, { cause: err }));
    this.pump();
  }

  private kill(slot: Slot): Promise<number> {
    this.remove(slot);
    slot.task = null;
    return slot.worker.terminate();
  }

  private remove(slot: Slot): void {
    slot.dead = true;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }
}

let pool: HashPool | undefined;

/** Terminates the hashing workers now (tests, app shutdown). Running `hashFiles` calls fail with ABORTED. */
export async function shutdownHashPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.shutdown();
}

/** Number of live hashing workers (diagnostics and tests). */
export function hashPoolWorkerCount(): number {
  return pool?.workerCount ?? 0;
}

/** Best-effort removal of temp objects nobody will publish (a failed or cancelled job). */
function removeTemps(paths: Iterable<StoredSlot | undefined>): void {
  for (const p of paths) if (typeof p === 'string') void rm(p, { force: true }).catch(() => {});
}

/** Hashes one file on the calling thread, in the shape the pool returns. */
async function hashInline(absPath: string, hashName: HashName, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<FileHash> {
  if (hashName === 'md5') return md5File(absPath, { signal, onBytes });
  const r = await md5Dos2UnixFile(absPath, { signal, onBytes });
  return { md5: r.v3, size: r.size, md5v2: r.v2 };
}

/** Groups files into worker tasks: large files alone (so two of them hash on two cores), small ones batched. */
function planTasks(files: readonly { absPath: string; size: number }[], hashName: HashName, store: string | undefined, job: Job, p: HashPool): Task[] {
  const large: Task[] = [];
  const small: Task[] = [];
  // Aim for several batches per worker so progress moves and the cores stay evenly loaded near the end.
  const perBatch = Math.max(16, Math.min(BATCH_MAX_FILES, Math.ceil(files.length / (availableParallelism() * 8))));
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    if (batch.length > 0) small.push({ id: p.newTaskId(), files: batch, hashName, store, job });
    batch = [];
    batchBytes = 0;
  };
  for (const f of files) {
    if (f.size >= SMALL_FILE_LIMIT) {
      large.push({ id: p.newTaskId(), files: [f.absPath], hashName, store, job });
      continue;
    }
    batch.push(f.absPath);
    batchBytes += f.size;
    if (batch.length >= perBatch || batchBytes >= BATCH_MAX_BYTES) flush();
  }
  flush();
  // Largest first: a big file started last would leave one core working alone at the end.
  return [...large, ...small];
}

/**
 * Hashes many files with the named algorithm and returns `absPath -> { md5, size }`. Uses a worker-thread pool
 * (one worker per core, reused across calls); a handful of files is hashed inline instead. Sizes given are
 * hints for batching and progress; the returned size is what was actually read. Aborting terminates the
 * workers busy with this call, so it stops promptly even in the middle of a large file.
 */
export async function hashFiles(files: readonly { absPath: string; size: number }[], opts: HashFilesOptions): Promise<Map<string, FileHash>> {
  const { hashName, signal } = opts;
  throwIfAborted(signal);
  const unique = [...new Map(files.map((f) => [f.absPath, f])).values()];
  const result = new Map<string, FileHash>();
  const progress = throttleProgress(opts.onProgress);
  const total = unique.reduce((s, f) => s + f.size, 0);
  let loaded = 0;
  let filesDone = 0;
  const report = (): void => progress({ phase: 'hash', loaded, total, unit: 'bytes', files: filesDone, filesTotal: unique.length });
  if (unique.length === 0) return result;

  // A large file to store goes to a worker even alone: there it is hashed and copied in one read pass.
  const storeLarge = opts.store !== undefined && hashName === 'md5' && unique.some((f) => f.size >= SMALL_FILE_LIMIT);
  if (unique.length <= INLINE_MAX_FILES && !storeLarge) {
    for (const f of unique) {
      result.set(f.absPath, await hashInline(f.absPath, hashName, signal, (n) => {
        loaded += n;
        report();
      }));
      filesDone++;
      report();
    }
    return result;
  }

  pool ??= new HashPool();
  const p = pool;
  return new Promise<Map<string, FileHash>>((resolve, reject) => {
    let remaining = 0;
    let settled = false;
    const onAbort = (): void => job.fail(new LockstepError('ABORTED', 'The operation was cancelled.'));
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) {
        resolve(result);
        return;
      }
      removeTemps([...result.values()].map((h) => h.stored));
      reject(err);
    };
    const job: Job = {
      onBytes(n) {
        loaded += n;
        report();
      },
      onDone(task, results, stored) {
        if (settled) {
          removeTemps(stored ?? []);
          return;
        }
        task.files.forEach((absPath, i) => {
          const r = results[i] as [string, number, string?];
          const h: FileHash = r[2] === undefined ? { md5: r[0], size: r[1] } : { md5: r[0], size: r[1], md5v2: r[2] };
          const s = stored?.[i];
          if (s !== undefined && s !== 0) h.stored = s;
          result.set(absPath, h);
        });
        filesDone += task.files.length;
        report();
        if (--remaining === 0) finish();
      },
      fail(err) {
        if (settled) return;
        finish(err);
        p.cancelJob(job);
      },
    };
    const tasks = planTasks(unique, hashName, hashName === 'md5' ? opts.store : undefined, job, p);
    remaining = tasks.length;
    signal?.addEventListener('abort', onAbort, { once: true });
    p.submit(tasks);
  });
}
