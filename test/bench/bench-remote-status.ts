// Issue 3, benchmark 3: `lockstep status --cloud` on 5,000 objects already pushed. The first run after
// the push is reported; the runs after it (the issue's "second run") must take under 0.5 s.
import type { Benchmark } from './lib/benchmark.ts';
import { lockstep, lockstepJson, requireCommand } from './lib/lockstep.ts';
import type { TimedRun } from './lib/proc.ts';
import { smallFilesRemote } from './lib/remote-fixtures.ts';
import { s3Env, storedUnder, writeRemoteConfig } from './lib/s3.ts';
import { fmtMs } from './lib/stats.ts';

const T_SECOND = 'status --cloud, second run, 5,000 objects pushed: < 0.5 s';

export const benchmark: Benchmark = {
  id: 'remote-status',
  title: 'status --cloud on 5,000 pushed objects, second run',
  issue: 3,
  fixtures: [smallFilesRemote.id],
  async run(ctx) {
    requireCommand('push', 'status');
    const f = await ctx.fixture(smallFilesRemote);
    const env = s3Env();
    const trials = ctx.trials(5);
    ctx.rec.param('objects', f.count);
    ctx.rec.param('warm trials', trials);
    ctx.rec.param('lockstep command', 'lockstep status --cloud --json');
    if (!f.pushedPrefix) {
      ctx.log('pushing the data set first (untimed)');
      await writeRemoteConfig(f.repo, f.server, 'status');
      await lockstep(['push', '-q'], f.repo, env);
      f.pushedPrefix = 'status';
    } else {
      await writeRemoteConfig(f.repo, f.server, f.pushedPrefix);
    }
    const stored = await storedUnder(f.server, f.pushedPrefix);
    if (stored.objects < f.count) throw new Error(`the remote holds ${stored.objects} objects, expected at least ${f.count}`);
    const first = await lockstepJson(['status', '--cloud'], f.repo, env);
    ctx.log(`first status --cloud ${fmtMs(first.run.wallMs)}`);
    expectAllPushed(first.data);
    const warm: TimedRun[] = [];
    for (let i = 0; i < trials; i++) {
      const r = await lockstepJson(['status', '--cloud'], f.repo, env);
      warm.push(r.run);
      ctx.log(`status --cloud ${fmtMs(r.run.wallMs)}`);
      if (i === 0) expectAllPushed(r.data);
    }
    ctx.rec.measure('lockstep', 'status --cloud, first run after push', [first.run]);
    const m = ctx.rec.measure('lockstep', 'status --cloud, second and later runs', warm);
    ctx.rec.target({ target: T_SECOND, measured: `${fmtMs(m.medianMs)} (median; second run ${fmtMs(warm[0]!.wallMs)})`, pass: m.medianMs < 500 && warm[0]!.wallMs < 500 });
  },
};

// Everything was pushed, so no output may be reported as missing on the remote or local-only.
function expectAllPushed(data: unknown): void {
  const bad: string[] = [];
  const visit = (v: unknown, key: string): void => {
    if (Array.isArray(v)) {
      if (/local.?only|not.?pushed|missing|new|onlyLocal|only_local/i.test(key) && v.length > 0) bad.push(key);
      v.forEach((x) => visit(x, key));
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) visit(x, k);
    } else if (typeof v === 'number' && /local.?only|not.?pushed|onlyLocal/i.test(key) && v > 0) bad.push(key);
  };
  visit(data, '');
  if (bad.length > 0) throw new Error(`status --cloud reports objects not on the remote after a full push (${bad.join(', ')}): ${JSON.stringify(data).slice(0, 800)}`);
}
