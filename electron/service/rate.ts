/**
 * Transfer rate and ETA over a sliding window, so one slow second does not swing the estimate wildly
 * and a stalled transfer shows its rate falling to zero instead of a stale number.
 */
export class RateMeter {
  private readonly windowMs: number;
  private samples: { t: number; loaded: number }[] = [];

  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
  }

  /** Records `loaded` at time `t`; a value lower than the last one (a new phase) restarts the window. */
  sample(t: number, loaded: number): void {
    const last = this.samples.at(-1);
    if (last && loaded < last.loaded) this.samples = [];
    this.samples.push({ t, loaded });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
  }

  /** Units per second, or undefined until two samples at least 200 ms apart exist. */
  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.t - first.t < 200) return undefined;
    return ((last.loaded - first.loaded) * 1000) / (last.t - first.t);
  }

  /** Milliseconds left to reach `total` at the current rate, when both are known and the rate is positive. */
  eta(loaded: number, total: number | undefined): number | undefined {
    const r = this.rate();
    if (total === undefined || r === undefined || r <= 0) return undefined;
    return Math.max(0, ((total - loaded) / r) * 1000);
  }
}
