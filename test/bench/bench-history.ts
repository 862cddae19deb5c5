// Issue 4, benchmark 2: `history PATH` on the generated 5,000-commit repo with the timeline cached:
// opening the repo and reading the dataset's versions and size series, in process, under 50 ms.
import type { Benchmark } from './lib/benchmark.ts';
import { HISTORY_PATH, historyRepo, queryInProcess } from './lib/history-fixtures.ts';
import { lockstep, requireCommand } from './lib/lockstep.ts';
import type { TimedRun } from './lib/proc.ts';
import { fmtMs } from './lib/stats.ts';

const T_WARM = 'history PATH, warm (open + refresh check + query) < 50 ms';

export const benchmark: Benchmark = {
  id: 'history',
  title: 'history PATH on the 5,000-commit repo, warm',
  budgetS: 30,
  issue: 4,
  fixtures: [historyRepo.id],
  async run(ctx) {
    requireCommand('history');
    const { repo, commits } = await ctx.fixture(historyRepo);
    const trials = ctx.trials(5);
    ctx.rec.param('commits', commits);
    ctx.rec.param('path', HISTORY_PATH);
    ctx.rec.param('trials', trials);
    ctx.rec.param('measure', 'scripts/history-query.ts: openRepo + updateTimeline (no-op when cached) + getDatasetHistory(PATH), timed inside a fresh process');
    // Make sure the cache is warm (a no-op when the timeline benchmark ran before).
    const warmup = await queryInProcess(repo, ['timeline']);
    ctx.log(`warm-up (builds the cache if cold) ${fmtMs(warmup.times.totalMs)}`);
    const runs: Awaited<ReturnType<typeof queryInProcess>>[] = [];
    const cli: TimedRun[] = [];
    for (let i = 0; ctx.more(i, trials); i++) {
      const q = await queryInProcess(repo, ['history', HISTORY_PATH]);
      if (!q.times.upToDate || q.times.items < 2) throw new Error(`history of ${HISTORY_PATH} found a stale cache or fewer than 2 versions: ${JSON.stringify(q.times)}`);
      runs.push(q);
      cli.push(await lockstep(['history', HISTORY_PATH, '--json'], repo));
      ctx.log(`history in process ${fmtMs(q.times.totalMs)} (${q.times.items} versions); CLI ${fmtMs(cli.at(-1)!.wallMs)}`);
    }
    const m = ctx.rec.measure('lockstep', 'history PATH: open + refresh check + query (in process)', runs.map((q) => q.times.totalMs));
    ctx.rec.measure('lockstep', '  of which openRepo', runs.map((q) => q.times.openMs));
    ctx.rec.measure('lockstep', '  of which updateTimeline (cache current)', runs.map((q) => q.times.updateMs));
    ctx.rec.measure('lockstep', '  of which getDatasetHistory', runs.map((q) => q.times.queryMs));
    ctx.rec.measure('lockstep', 'history PATH --json (CLI end to end, for reference)', cli);
    ctx.rec.note(`${HISTORY_PATH} has ${runs[0]!.times.items} distinct versions and ${runs[0]!.times.total} change points in the generated history.`);
    ctx.rec.target({ target: T_WARM, measured: fmtMs(m.medianMs), pass: m.medianMs < 50 });
  },
};
