// Issue 2, benchmark 3: `lockstep status` with nothing changed on 100,000 tracked files, against
// `git status` on the same files committed to a plain git repo. Both warm (one untimed run first, so
// git's index has fresh stat data and Lockstep's state index is filled). Target: within 2x of git.
import path from 'node:path';
import type { Benchmark } from './lib/benchmark.ts';
import { writeSmallFiles } from './lib/generate.ts';
import { benchEnv, expectPointer, git, initLockstepRepo, lockstep, lockstepJson, requireCommand } from './lib/lockstep.ts';
import { runQuiet, runTimed } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { fmtBytes, fmtMs, fmtRatio } from './lib/stats.ts';

const T_GIT = 'status (nothing changed) <= 2x `git status`';

export const benchmark: Benchmark = {
  id: 'status',
  title: 'status with nothing changed on 100,000 tracked files',
  budgetS: 240,
  issue: 2,
  async run(ctx) {
    requireCommand('init', 'add', 'status');
    const count = Math.round(100_000 * ctx.scale);
    const size = 1024;
    const trials = ctx.trials(5);
    ctx.rec.param('tracked files', count);
    ctx.rec.param('file size', `${fmtBytes(size)} (status cost is per file, not per byte)`);
    ctx.rec.param('layout', 'one tracked folder data/ with dNNN/ sub-folders of 1000 files');
    ctx.rec.param('trials', trials);
    ctx.rec.param('lockstep command', 'lockstep status --json');
    ctx.rec.param('peer command', 'git --git-dir peer.git --work-tree data status --porcelain (the same files committed to a plain git repo)');

    const repo = path.join(ctx.dir, 'lockstep');
    await initLockstepRepo(repo);
    ctx.log(`writing ${count} files`);
    writeSmallFiles(path.join(repo, 'data'), { count, size, seed: 'status-1k' });
    const addRun = await lockstep(['add', 'data', '-q'], repo);
    ctx.log(`setup: lockstep add of ${count} files took ${fmtMs(addRun.wallMs)}`);
    ctx.rec.note(`Setup, untimed target: \`lockstep add data\` of the ${count} files took ${fmtMs(addRun.wallMs)} (peak RSS ${addRun.peakRssMiB?.toFixed(0)} MiB).`);
    await expectPointer(path.join(repo, 'data.dvc'), count);
    await git(['add', '-A'], repo);
    await git(['commit', '-q', '-m', 'track data'], repo);

    const haveGit = ctx.requirePeer('git', [T_GIT]);
    // The peer repo is a plain git repository whose work tree is the very same data/ folder (its git dir
    // lives beside it): git stats exactly the files Lockstep stats, and 100,000 files exist only once.
    const gitDir = path.join(ctx.dir, 'peer.git');
    const peerGit = ['--git-dir', gitDir, '--work-tree', path.join(repo, 'data')];
    if (haveGit) {
      await git(['init', '-q', '-b', 'main', '--bare', gitDir], ctx.dir);
      await git([...peerGit, 'config', 'core.bare', 'false'], ctx.dir);
      await git([...peerGit, 'add', '-A'], ctx.dir);
      await git([...peerGit, 'commit', '-q', '-m', 'data'], ctx.dir);
    }
    await runQuiet('sync', [], { cwd: ctx.dir });

    // Warm-up runs, untimed; also checks that both tools see nothing changed.
    const first = await lockstepJson(['status'], repo);
    ctx.log(`lockstep status warm-up ${fmtMs(first.run.wallMs)}`);
    expectClean(first.data);
    if (haveGit) {
      const out = (await runTimed('git', [...peerGit, 'status', '--porcelain'], { cwd: ctx.dir, env: benchEnv() })).stdout;
      if (out.trim() !== '') throw new Error(`git status is not clean in the peer repo:\n${out.slice(0, 500)}`);
    }
    const ours: TimedRun[] = [];
    const peer: TimedRun[] = [];
    for (let i = 0; ctx.more(i, trials); i++) {
      if (haveGit) {
        peer.push(await runTimed('git', [...peerGit, 'status', '--porcelain'], { cwd: ctx.dir, env: benchEnv() }));
        ctx.log(`git status ${fmtMs(peer.at(-1)!.wallMs)}`);
      }
      ours.push((await lockstepJson(['status'], repo)).run);
      ctx.log(`lockstep status ${fmtMs(ours.at(-1)!.wallMs)}, ${ours.at(-1)!.peakRssMiB?.toFixed(0)} MiB`);
    }
    const m = ctx.rec.measure('lockstep', 'lockstep status --json (warm)', ours);
    if (haveGit) {
      const p = ctx.rec.measure('git', 'git status --porcelain (warm)', peer);
      const r = m.medianMs / p.medianMs;
      ctx.rec.target({ target: T_GIT, measured: `${fmtRatio(r)} the time`, pass: r <= 2 });
    }
  },
};

// Nothing changed, so the status op must say clean and report every output's state as ok.
function expectClean(data: unknown): void {
  const d = data as { clean?: unknown; outputs?: { path?: string; state?: string }[] };
  const dirty = (d.outputs ?? []).filter((o) => o.state !== 'ok');
  if (d.clean !== true || dirty.length > 0) {
    throw new Error(`lockstep status reports changes on an unchanged repo: ${JSON.stringify(data).slice(0, 800)}`);
  }
}
