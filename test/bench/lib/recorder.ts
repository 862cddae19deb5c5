// Collects one benchmark's figures as it goes, so a benchmark that fails halfway still reports what it
// measured before the failure.
import type { Measurement, TargetCheck } from './types.ts';
import type { TimedRun } from './proc.ts';
import { mbps, median } from './stats.ts';

/** The mutable record a benchmark fills in; the harness turns it into a BenchResult. */
export interface Recorder {
  readonly params: Record<string, string | number>;
  readonly measurements: Measurement[];
  readonly targets: TargetCheck[];
  readonly notes: string[];
  /** Records a data-set or method parameter (shown in the report). */
  param(key: string, value: string | number): void;
  /** Records a tool's runs of one step; `bytes` adds throughput. Returns the stored measurement. */
  measure(tool: string, what: string, runs: readonly (TimedRun | number)[], opts?: { bytes?: number }): Measurement;
  target(check: TargetCheck): void;
  note(text: string): void;
}

/** A fresh, empty recorder. */
export function createRecorder(): Recorder {
  const rec: Recorder = {
    params: {},
    measurements: [],
    targets: [],
    notes: [],
    param(key, value) {
      rec.params[key] = value;
    },
    measure(tool, what, runs, opts = {}) {
      const runsMs = runs.map((r) => (typeof r === 'number' ? r : r.wallMs));
      const rss = runs.map((r) => (typeof r === 'number' ? undefined : r.peakRssMiB)).filter((x): x is number => x !== undefined);
      const medianMs = median(runsMs);
      const m: Measurement = {
        tool,
        what,
        runsMs: runsMs.map((x) => Math.round(x * 10) / 10),
        medianMs: Math.round(medianMs * 10) / 10,
        ...(rss.length > 0 ? { peakRssMiB: Math.round(Math.max(...rss) * 10) / 10 } : {}),
        ...(opts.bytes !== undefined ? { bytes: opts.bytes, throughputMBps: Math.round(mbps(opts.bytes, medianMs) * 10) / 10 } : {}),
      };
      rec.measurements.push(m);
      return m;
    },
    target(check) {
      rec.targets.push(check);
    },
    note(text) {
      rec.notes.push(text);
    },
  };
  return rec;
}
