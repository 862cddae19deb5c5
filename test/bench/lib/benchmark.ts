// The contract between the harness (run.ts) and each bench-*.ts file.
import type { Recorder } from './recorder.ts';
import type { PeerId } from './peers.ts';

/** Data shared by several benchmarks of one run (built once, removed after its last user). */
export interface FixtureDef<T> {
  readonly id: string;
  /** Builds the fixture inside `dir`, a fresh temp dir the harness removes on dispose. */
  create(dir: string, ctx: BenchContext): Promise<T>;
  /** Stops whatever the fixture started (servers); the harness then removes `dir`. */
  dispose?(value: T): Promise<void>;
}

/** What a benchmark gets from the harness. */
export interface BenchContext {
  /** This benchmark's temp dir under /tmp; the harness deletes it when the benchmark ends. */
  readonly dir: string;
  /** 1 for the issue's data sets; smaller with `--scale` for debugging (results then are not the report's). */
  readonly scale: number;
  /** Timed repetitions per tool, when the benchmark repeats (`--trials`, else the benchmark's default). */
  trials(defaultCount: number): number;
  /**
   * Whether to start trial `i` (0-based) of a repeat loop: always for the first; for later ones only
   * while the benchmark's time budget leaves room for one more trial of the average length so far (a
   * loop may always use half the budget, however long the set-up took). Keeps a full run near its
   * 25-minute budget on a slower machine; `--trials` disables the check. Skipped trials are noted.
   */
  more(i: number, planned: number): boolean;
  /** Seconds left in the benchmark's time budget (negative when over). */
  remainingS(): number;
  readonly rec: Recorder;
  /** Progress line on stderr, prefixed with the benchmark id. */
  log(message: string): void;
  /** A shared fixture, built on first use in this run. */
  fixture<T>(def: FixtureDef<T>): Promise<T>;
  /**
   * True when the peer is installed. When it is not, prints a loud message and records every listed
   * target as not checked (pass: null) naming the missing peer, so nothing reads as passed.
   */
  requirePeer(id: PeerId, targets: readonly string[]): boolean;
}

/** One benchmark: a bench-*.ts file exports one of these as `benchmark`. */
export interface Benchmark {
  /** Short name used on the command line: `npm run bench -- hash status`. */
  readonly id: string;
  readonly title: string;
  /** The issue that sets its targets. */
  readonly issue: number;
  /** Soft time budget in seconds (see BenchContext.more); the sum over all benchmarks is about 25 minutes. */
  readonly budgetS: number;
  /** Ids of the shared fixtures it uses, so the harness knows when to free them. */
  readonly fixtures?: readonly string[];
  run(ctx: BenchContext): Promise<void>;
}
