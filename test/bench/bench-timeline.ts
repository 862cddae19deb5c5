// Issue 4, benchmark 1: the timeline of a generated repo with 5,000 commits and 50 outputs changing over
// time. Cold (no index) `lockstep log --json` against `git log --all --name-only` on the same repo:
// at most 10x. Warm: opening the repo and reading the first page of 50 (in process, as the app's
// service does) under 100 ms.
import type { Benchmark } from './lib/benchmark.ts';
import { dropIndex, historyRepo, queryInProcess } from './lib/history-fixtures.ts';
import { benchEnv, lockstep, requireCommand } from './lib/lockstep.ts';
import { runTimed } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { fmtMs, fmtRatio } from './lib/stats.ts';

const T_COLD = 'cold timeline <= 10x `git log --all --name-only`';
const T_WARM = 'warm first page (open + refresh check + 50 commits) < 100 ms';

export const benchmark: Benchmark = {
  id: 'timeline',
  title: 'timeline of a 5,000-commit repo: cold vs git log, warm first page',
  budgetS: 90,
  issue: 4,
  fixtures: [historyRepo.id],
  async run(ctx) {
    requireCommand('log');
    const { repo, commits } = await ctx.fixture(historyRepo);
    const trials = ctx.trials(3);
    const warmTrials = ctx.trials(5);
    ctx.rec.param('commits', commits);
    ctx.rec.param('repo', 'test/bench/history-bench-repo.ts: 50 outputs (.dvc, folder hashes), params.yaml, metrics.json, dvc.lock, requirements.txt; side branch merged every 500 commits; 2 tags');
    ctx.rec.param('cold trials', trials);
    ctx.rec.param('warm trials', warmTrials);
    ctx.rec.param('lockstep cold command', 'lockstep log --json, after deleting .dvc/tmp/lockstep/index.sqlite');
    ctx.rec.param('peer command', 'git log --all --name-only');
    ctx.rec.param('warm measure', 'scripts/history-query.ts: openRepo + updateTimeline (no-op when cached) + getTimeline({ limit: 50 }), timed inside a fresh process');
    const haveGit = ctx.requirePeer('git', [T_COLD]);
    const cold: TimedRun[] = [];
    const peer: TimedRun[] = [];
    let logOutput = '';
    for (let i = 0; ctx.more(i, trials); i++) {
      if (haveGit) {
        peer.push(await runTimed('git', ['log', '--all', '--name-only'], { cwd: repo, env: benchEnv() }));
        ctx.log(`git log --name-only ${fmtMs(peer.at(-1)!.wallMs)}`);
      }
      await dropIndex(repo);
      const r = await lockstep(['log', '--json'], repo);
      cold.push(r);
      logOutput = r.stdout;
      ctx.log(`lockstep log cold ${fmtMs(r.wallMs)}, ${r.peakRssMiB?.toFixed(0)} MiB`);
    }
    expectCommits(logOutput, commits);
    const warmCli: TimedRun[] = [];
    const warm: Awaited<ReturnType<typeof queryInProcess>>[] = [];
    for (let i = 0; ctx.more(i, warmTrials); i++) {
      const q = await queryInProcess(repo, ['timeline']);
      if (!q.times.upToDate || q.times.items === 0) throw new Error(`warm timeline query found a stale cache or no commits: ${JSON.stringify(q.times)}`);
      warm.push(q);
      warmCli.push(await lockstep(['log', '--json'], repo));
      ctx.log(`warm first page ${fmtMs(q.times.totalMs)} in process; lockstep log --json warm ${fmtMs(warmCli.at(-1)!.wallMs)}`);
    }
    const mCold = ctx.rec.measure('lockstep', 'log --json, cold (builds the timeline cache)', cold);
    ctx.rec.measure('lockstep', 'log --json, warm (CLI end to end, for reference)', warmCli);
    const mWarm = ctx.rec.measure('lockstep', 'warm first page: open + refresh check + 50 commits (in process)', warm.map((q) => q.times.totalMs));
    ctx.rec.measure('lockstep', '  of which openRepo', warm.map((q) => q.times.openMs));
    ctx.rec.measure('lockstep', '  of which updateTimeline (cache current)', warm.map((q) => q.times.updateMs));
    ctx.rec.measure('lockstep', '  of which getTimeline (first 50)', warm.map((q) => q.times.queryMs));
    if (haveGit) {
      const p = ctx.rec.measure('git', 'git log --all --name-only', peer);
      const r = mCold.medianMs / p.medianMs;
      ctx.rec.target({ target: T_COLD, measured: `${fmtRatio(r)} the time`, pass: r <= 10 });
    }
    ctx.rec.target({ target: T_WARM, measured: fmtMs(mWarm.medianMs), pass: mWarm.medianMs < 100 });
  },
};

// The cold run must have produced the timeline: at least the first page of commits, or all of them.
function expectCommits(stdout: string, commits: number): void {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`lockstep log --json printed no JSON: ${stdout.slice(0, 300)}`);
  }
  const d = data as { total?: number; commits?: unknown[] };
  const list = Array.isArray(data) ? data : d.commits;
  if (!Array.isArray(list) || list.length === 0) throw new Error(`lockstep log --json listed no commits: ${stdout.slice(0, 300)}`);
  if (d.total !== undefined && d.total < commits) throw new Error(`lockstep log reports ${d.total} commits, the repo has ${commits}`);
}
