// The shapes every benchmark produces and the harness stores in results.json.

/** One tool's timed runs of one measured step (e.g. "md5sum over the 2 GiB file"). */
export interface Measurement {
  /** Who ran: 'lockstep', 'md5sum', 'git lfs', 'rclone', ... */
  readonly tool: string;
  /** What was measured, in words a reader of the report understands. */
  readonly what: string;
  /** Wall time of every timed run, milliseconds, in the order they ran. */
  readonly runsMs: number[];
  /** Median of `runsMs`. */
  readonly medianMs: number;
  /** Peak resident memory of the process (largest over the runs), MiB, when measured. */
  readonly peakRssMiB?: number;
  /** Bytes processed per run, when throughput makes sense. */
  readonly bytes?: number;
  /** `bytes / median`, MB/s (10^6 bytes), when `bytes` is set. */
  readonly throughputMBps?: number;
}

/**
 * One target from the issue, checked. `pass` is null when it could not be checked (a peer tool is missing
 * or the Lockstep piece did not run); `note` then says why, so a skipped target never reads as a pass.
 */
export interface TargetCheck {
  /** The target in the issue's words, e.g. "throughput >= 0.95x md5sum". */
  readonly target: string;
  /** The measured figure the target is about, formatted (e.g. "0.97x", "412 ms", "118 MiB"). */
  readonly measured: string;
  readonly pass: boolean | null;
  readonly note?: string;
}

/** Everything one benchmark reports. */
export interface BenchResult {
  readonly id: string;
  readonly title: string;
  readonly issue: number;
  /** 'ok' ran to the end; 'error' threw (message in `error`). */
  readonly status: 'ok' | 'error';
  readonly error?: string;
  /** ISO time the benchmark started. */
  readonly startedAt: string;
  readonly durationS: number;
  /** The run (machine snapshot) it belongs to, a key into `Results.machines`. */
  readonly runId: string;
  /** Data set and method parameters: file counts, sizes, trials, exact peer command lines. */
  readonly params: Record<string, string | number>;
  readonly measurements: Measurement[];
  readonly targets: TargetCheck[];
  readonly notes: string[];
}

/** A description of the machine and tools one `npm run bench` ran with. */
export interface MachineInfo {
  readonly date: string;
  readonly hostname: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly disk: string;
  readonly os: string;
  readonly kernel: string;
  readonly node: string;
  readonly loadAverage: string;
  /** Tool name -> version line, or 'missing'. */
  readonly tools: Record<string, string>;
}

/** results.json: the latest result of every benchmark, and the machines they ran on. */
export interface Results {
  readonly schema: 1;
  readonly machines: Record<string, MachineInfo>;
  readonly benchmarks: Record<string, BenchResult>;
}
