import { randomUUID } from 'node:crypto';
import type { Progress } from '../core/jobs/progress.ts';
import type { Job, JobKind, JobProgress, JobState } from '../../shared/model.ts';
import { toErrorBody } from '../../shared/errors.ts';
import { RateMeter } from './rate.ts';
import { ServiceError } from './service-error.ts';

/** What it takes to run a job: the work itself, and whether the same work may be started again. */
export interface JobSpec {
  readonly kind: JobKind;
  readonly repoId: string;
  readonly title: string;
  /** Failed or cancelled jobs with `retryable` can be restarted with the same spec. */
  readonly retryable?: boolean;
  run(ctx: { signal: AbortSignal; onProgress: (p: Progress) => void }): Promise<unknown>;
}

interface Entry {
  job: Job;
  spec: JobSpec;
  controller: AbortController;
  meter: RateMeter;
  lastEmit: number;
  lastPhase: string | undefined;
  flushTimer: ReturnType<typeof setTimeout> | undefined;
  done: Promise<Job>;
}

export interface JobManagerOptions {
  /** Receives every snapshot worth showing: start, throttled progress, end. */
  readonly emit: (job: Job) => void;
  readonly intervalMs?: number;
  readonly now?: () => number;
  /** Finished jobs kept for the transfers panel; older ones are forgotten. */
  readonly keepFinished?: number;
}

/**
 * Owns every long-running operation the UI starts. `start` returns the job at once; the work runs in
 * the background with an AbortSignal for cancel, and progress is throttled to about ten events a second
 * per job (a phase change and the final state always go out) so a 100k-file add cannot flood the
 * transport.
 */
export class JobManager {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: Required<Omit<JobManagerOptions, 'now'>> & { now: () => number };

  constructor(opts: JobManagerOptions) {
    this.opts = { intervalMs: 100, keepFinished: 200, now: Date.now, ...opts };
  }

  /** Starts a job and returns its first snapshot. */
  start(spec: JobSpec): Job {
    const id = randomUUID();
    const controller = new AbortController();
    const entry: Entry = {
      job: { id, kind: spec.kind, repoId: spec.repoId, title: spec.title, state: 'running', startedAt: this.opts.now(), retryable: false },
      spec,
      controller,
      meter: new RateMeter(),
      lastEmit: -Infinity,
      lastPhase: undefined,
      flushTimer: undefined,
      done: Promise.resolve(null as unknown as Job),
    };
    this.entries.set(id, entry);
    this.opts.emit(entry.job);
    entry.done = this.execute(entry);
    this.prune();
    return entry.job;
  }

  private async execute(entry: Entry): Promise<Job> {
    const onProgress = (p: Progress): void => this.progress(entry, p);
    let state: JobState = 'done';
    let result: unknown;
    let error: Job['error'];
    try {
      // Yield once so `start` returns (and the caller gets the id) before any work or event happens.
      await Promise.resolve();
      result = await entry.spec.run({ signal: entry.controller.signal, onProgress });
    } catch (err) {
      const body = toErrorBody(err);
      state = entry.controller.signal.aborted || body.code === 'ABORTED' ? 'cancelled' : 'failed';
      error = body;
    }
    if (entry.flushTimer) clearTimeout(entry.flushTimer);
    entry.job = {
      ...entry.job,
      state,
      endedAt: this.opts.now(),
      ...(result !== undefined ? { result } : {}),
      ...(error ? { error } : {}),
      retryable: state !== 'done' && entry.spec.retryable === true,
    };
    this.opts.emit(entry.job);
    return entry.job;
  }

  private progress(entry: Entry, p: Progress): void {
    if (entry.job.state !== 'running') return;
    const t = this.opts.now();
    entry.meter.sample(t, p.loaded);
    const rate = entry.meter.rate();
    const eta = entry.meter.eta(p.loaded, p.total);
    const progress: JobProgress = { ...p, ...(rate !== undefined ? { rate } : {}), ...(eta !== undefined ? { etaMs: eta } : {}) };
    entry.job = { ...entry.job, progress };
    const phaseChanged = p.phase !== entry.lastPhase;
    const reachedTotal = p.total !== undefined && p.loaded >= p.total;
    if (phaseChanged || reachedTotal || t - entry.lastEmit >= this.opts.intervalMs) {
      this.emitProgress(entry, t);
    } else if (!entry.flushTimer) {
      // Deliver the latest value after the interval even if no further progress arrives (a stall).
      entry.flushTimer = setTimeout(() => {
        entry.flushTimer = undefined;
        if (entry.job.state === 'running') this.emitProgress(entry, this.opts.now());
      }, this.opts.intervalMs);
    }
  }

  private emitProgress(entry: Entry, t: number): void {
    entry.lastEmit = t;
    entry.lastPhase = entry.job.progress?.phase;
    this.opts.emit(entry.job);
  }

  /** The job's latest snapshot. */
  get(id: string): Job {
    const e = this.entries.get(id);
    if (!e) throw new ServiceError('UNKNOWN_JOB', `No job with id ${id}; it may have finished long ago.`, { jobId: id });
    return e.job;
  }

  /** Resolves with the final snapshot when the job ends (never rejects). */
  wait(id: string): Promise<Job> {
    const e = this.entries.get(id);
    if (!e) return Promise.reject(new ServiceError('UNKNOWN_JOB', `No job with id ${id}.`, { jobId: id }));
    return e.done;
  }

  /** Every known job, newest first. */
  list(): Job[] {
    return [...this.entries.values()].map((e) => e.job).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Asks a running job to stop at its next clean point; a finished job is left alone. */
  cancel(id: string): void {
    const e = this.entries.get(id);
    if (!e) throw new ServiceError('UNKNOWN_JOB', `No job with id ${id}.`, { jobId: id });
    if (e.job.state === 'running') e.controller.abort();
  }

  /** Starts a failed or cancelled retryable job again as a new job. */
  retry(id: string): Job {
    const e = this.entries.get(id);
    if (!e) throw new ServiceError('UNKNOWN_JOB', `No job with id ${id}.`, { jobId: id });
    if (!e.job.retryable) throw new ServiceError('INVALID_INPUT', `Job "${e.job.title}" cannot be retried (it is ${e.job.state}).`, { jobId: id });
    return this.start(e.spec);
  }

  /** Cancels everything still running and waits for it to settle (window closed, server stopped). */
  async shutdown(): Promise<void> {
    const running = [...this.entries.values()].filter((e) => e.job.state === 'running');
    for (const e of running) e.controller.abort();
    await Promise.all(running.map((e) => e.done));
  }

  private prune(): void {
    const finished = [...this.entries.values()].filter((e) => e.job.state !== 'running').sort((a, b) => a.job.startedAt - b.job.startedAt);
    const excess = finished.length - this.opts.keepFinished;
    for (let i = 0; i < excess; i++) this.entries.delete(finished[i]!.job.id);
  }
}
