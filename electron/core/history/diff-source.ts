import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CommitDiffer, type CommitDiff, type DiffJob } from './commit-differ.ts';
import type { HistoryGit, HistoryRepoRef } from './history-git.ts';

/**
 * Where the tree diffs of a timeline update run. 'auto': a worker thread for walks of WORKER_MIN commits
 * or more when a core is idle, else the calling thread.
 */
export type DiffMode = 'auto' | 'worker' | 'main';

/**
 * Below this many new commits the main thread diffs them itself: starting a worker (loading its modules)
 * costs about as much as diffing a thousand commits.
 */
export const WORKER_MIN = 1000;

/** The diffs of a walk, in job order. Close it to stop a worker early. */
export interface DiffSource extends AsyncIterable<CommitDiff> {
  /** True when a worker thread was started for the diffs. */
  readonly inWorker: boolean;
  /** How many diffs came from the worker so far (the rest, if any, were made on the calling thread). */
  readonly fromWorker: number;
  close(): Promise<void>;
}

/**
 * Diffs `jobs` (a whole walk, in analysis order) against their first parents: in a worker thread when
 * the walk is large, so two cores share a cold timeline build (diffs on one, analysis and SQLite on the
 * other), else on the calling thread. Both run the same `CommitDiffer`. If the worker cannot start or
 * fails midway, the remaining jobs are diffed on the calling thread, which then reports any real git
 * error itself.
 */
export function openDiffSource(repo: HistoryRepoRef, git: HistoryGit, jobs: readonly DiffJob[], mode: DiffMode = 'auto'): DiffSource {
  const file = mode === 'main' || (mode === 'auto' && !(jobs.length >= WORKER_MIN && idleCore())) ? null : workerFile();
  if (!file) return inProcess(git, jobs, 0);
  return new WorkerSource(file, { root: repo.root, gitDir: repo.gitDir }, git, jobs);
}

/**
 * True when a second core is free. On a saturated machine a worker only adds its start-up (an isolate
 * and its modules, ~0.1-0.4 s of CPU) to the work. `loadavg` is all zeros on Windows: a worker then.
 */
function idleCore(): boolean {
  const cores = os.availableParallelism();
  return cores >= 2 && (os.loadavg()[0] ?? 0) <= cores - 1;
}

/**
 * The worker's entry: the TypeScript source next to this module, or, in a bundle (out/cli), the
 * `history-diff-worker.mjs` entry built beside its chunks. Null when neither is there.
 */
function workerFile(): URL | null {
  for (const rel of ['./diff-worker.ts', './history-diff-worker.mjs']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return null;
}

function inProcess(git: HistoryGit, jobs: readonly DiffJob[], from: number): DiffSource {
  const differ = new CommitDiffer(git, jobs);
  return {
    inWorker: false,
    fromWorker: 0,
    async *[Symbol.asyncIterator]() {
      // A differ that starts midway (after a worker failed) is given the whole walk so it knows which
      // trees later children need; parents diffed before `from` are not remembered and are re-read from git.
      for (let i = from; i < jobs.length; i++) yield await differ.diff(jobs[i] as DiffJob);
    },
    close: async () => {},
  };
}

type WorkerMessage = { type: 'batch'; diffs: CommitDiff[] } | { type: 'done' } | { type: 'error'; message: string };

/** Consumes the worker's batches; switches to the calling thread if the worker goes away early. */
class WorkerSource implements DiffSource {
  readonly inWorker = true;
  fromWorker = 0;
  private readonly worker: Worker;
  private readonly git: HistoryGit;
  private readonly jobs: readonly DiffJob[];
  private readonly queue: CommitDiff[][] = [];
  private finished = false;
  private failed: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(file: URL, ref: HistoryRepoRef, git: HistoryGit, jobs: readonly DiffJob[]) {
    this.git = git;
    this.jobs = jobs;
    this.worker = new Worker(file, { workerData: { root: ref.root, gitDir: ref.gitDir, jobs } });
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'batch') this.queue.push(m.diffs);
      else if (m.type === 'done') this.finished = true;
      else this.failed ??= new Error(m.message);
      this.notify();
    });
    this.worker.on('error', (err) => {
      this.failed ??= err;
      this.notify();
    });
    this.worker.on('exit', (code) => {
      if (!this.finished) this.failed ??= new Error(`the diff worker exited with code ${code}`);
      this.notify();
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CommitDiff> {
    let done = 0;
    for (;;) {
      const batch = this.queue.shift();
      if (batch) {
        this.worker.postMessage({ type: 'more' });
        for (const d of batch) {
          done++;
          this.fromWorker++;
          yield d;
        }
        continue;
      }
      if (this.finished && done === this.jobs.length) return;
      if (this.failed || this.finished) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    // The worker stopped early (it could not load, or hit an error): finish here. A damaged repository
    // then fails on this thread with the reader's own error.
    await this.close();
    yield* inProcess(this.git, this.jobs, done);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }
}
