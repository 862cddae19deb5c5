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
  budgetS: 60,
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
    expectAllPushed(first.data, f.count);
    const warm: TimedRun[] = [];
    for (let i = 0; ctx.more(i, trials); i++) {
      const r = await lockstepJson(['status', '--cloud'], f.repo, env);
      warm.push(r.run);
      ctx.log(`status --cloud ${fmtMs(r.run.wallMs)}`);
      if (i === 0) expectAllPushed(r.data, f.count);
    }
    ctx.rec.measure('lockstep', 'status --cloud, first run after push', [first.run]);
    const m = ctx.rec.measure('lockstep', 'status --cloud, second and later runs', warm);
    ctx.rec.target({ target: T_SECOND, measured: `${fmtMs(m.medianMs)} (median; second run ${fmtMs(warm[0]!.wallMs)})`, pass: m.medianMs < 500 && warm[0]!.wallMs < 500 });
  },
};

// Everything was pushed: the comparison must say clean, with every object (files + manifest) on both sides.
function expectAllPushed(data: unknown, count: number): void {
  const d = data as { clean?: unknown; totals?: { both?: number; localOnly?: number; missing?: number } };
  if (d.clean !== true || (d.totals?.localOnly ?? 1) !== 0 || (d.totals?.both ?? 0) < count) {
    throw new Error(`status --cloud does not report the ${count} pushed objects as in sync: ${JSON.stringify(data).slice(0, 800)}`);
  }
}
