// Issue 2, benchmark 2: `lockstep add` of a folder of 20,000 files of 4 KiB with a cold index (a fresh
// repo every trial), against hashing the same files with `find | xargs -P2 md5sum` and against `git add`
// of them with git-lfs tracking them. Targets: within 2x of xargs md5sum; faster than git lfs.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Benchmark } from './lib/benchmark.ts';
import { writeSmallFiles } from './lib/generate.ts';
import { benchEnv, expectPointer, git, initLockstepRepo, lockstepJson, requireCommand } from './lib/lockstep.ts';
import { runQuiet, runShellTimed, runTimed } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { fmtBytes, fmtRatio } from './lib/stats.ts';
import { initLfsRepo } from './lib/lfs.ts';

const T_XARGS = 'add <= 2x `find | xargs -P2 md5sum`';
const T_LFS = 'add faster than `git lfs` (git add with lfs tracking)';
// -n 1000 makes xargs split the list into batches, so both md5sum processes get work.
const XARGS_CMD = 'find data -type f -print0 | xargs -0 -P2 -n 1000 md5sum > /dev/null';

export const benchmark: Benchmark = {
  id: 'add',
  title: 'add a folder of 20,000 x 4 KiB files, cold index',
  budgetS: 240,
  issue: 2,
  async run(ctx) {
    requireCommand('init', 'add');
    const count = Math.round(20_000 * ctx.scale);
    const size = 4096;
    const trials = ctx.trials(3);
    const lfsTrials = Math.min(trials, ctx.trials(2));
    ctx.rec.param('files', count);
    ctx.rec.param('file size', fmtBytes(size));
    ctx.rec.param('layout', 'data/dNNN/fNNNNNN.bin, 1000 files per folder');
    ctx.rec.param('trials', `${trials} (git lfs: ${lfsTrials})`);
    ctx.rec.param('lockstep command', 'lockstep add data --json (fresh repo, no index)');
    ctx.rec.param('peer: md5sum', XARGS_CMD);
    ctx.rec.param('peer: git lfs', "git lfs track 'data/**'; git add data (fresh repo)");
    ctx.rec.param('reference: cp', 'cp -r data COPY (after sync): creating the 20,000 copies alone, no hashing');

    const src = path.join(ctx.dir, 'src');
    writeSmallFiles(path.join(src, 'data'), { count, size, seed: 'add-4k' });
    await runQuiet('sync', [], { cwd: ctx.dir });
    await runShellTimed('find data -type f -print0 | xargs -0 cat > /dev/null', { cwd: src, rss: false });

    const haveXargs = ctx.requirePeer('md5sum', [T_XARGS]) && ctx.requirePeer('xargs', []);
    const haveLfs = ctx.requirePeer('git-lfs', [T_LFS]);
    const ours: TimedRun[] = [];
    const xargs: TimedRun[] = [];
    const lfs: TimedRun[] = [];
    const copies: TimedRun[] = [];
    for (let i = 0; ctx.more(i, trials); i++) {
      if (haveXargs) {
        xargs.push(await runShellTimed(XARGS_CMD, { cwd: src }));
        ctx.log(`find|xargs -P2 md5sum ${xargs.at(-1)!.wallMs.toFixed(0)} ms`);
      }
      // The floor for any tool that keeps its own copy of each file (DVC's cache with cache.type copy,
      // git-lfs's object store) on a filesystem without reflinks: making the copies, nothing else.
      const copyDir = path.join(ctx.dir, `copy-${i}`);
      await runQuiet('sync', [], { cwd: ctx.dir });
      copies.push(await runTimed('cp', ['-r', 'data', copyDir], { cwd: src }));
      ctx.log(`cp -r ${copies.at(-1)!.wallMs.toFixed(0)} ms`);
      await rm(copyDir, { recursive: true, force: true });
      const repo = path.join(ctx.dir, `lockstep-${i}`);
      await initLockstepRepo(repo);
      await runQuiet('cp', ['-a', path.join(src, 'data'), path.join(repo, 'data')], { cwd: ctx.dir });
      await runQuiet('sync', [], { cwd: ctx.dir });
      const { run } = await lockstepJson(['add', 'data'], repo);
      ours.push(run);
      ctx.log(`lockstep add ${run.wallMs.toFixed(0)} ms, ${run.peakRssMiB?.toFixed(0)} MiB`);
      if (i === 0) await expectPointer(path.join(repo, 'data.dvc'), count);
      await rm(repo, { recursive: true, force: true });

      if (haveLfs && i < lfsTrials) {
        const lrepo = path.join(ctx.dir, `lfs-${i}`);
        await initLfsRepo(lrepo, 'data/**');
        await runQuiet('cp', ['-a', path.join(src, 'data'), path.join(lrepo, 'data')], { cwd: ctx.dir });
        await runQuiet('sync', [], { cwd: ctx.dir });
        lfs.push(await runTimed('git', ['add', 'data'], { cwd: lrepo, env: benchEnv() }));
        ctx.log(`git lfs add ${lfs.at(-1)!.wallMs.toFixed(0)} ms`);
        if (i === 0) await checkLfsStaged(lrepo, count);
        await rm(lrepo, { recursive: true, force: true });
      }
    }
    const m = ctx.rec.measure('lockstep', 'lockstep add data', ours);
    const cp = ctx.rec.measure('cp', 'cp -r data (the copies alone, reference)', copies);
    if (haveXargs) {
      const p = ctx.rec.measure('md5sum', 'find | xargs -0 -P2 -n 1000 md5sum', xargs);
      const r = m.medianMs / p.medianMs;
      ctx.rec.target({ target: T_XARGS, measured: `${fmtRatio(r)} the time`, pass: r <= 2 });
      ctx.rec.note(`Reference: \`cp -r\` of the same files takes ${fmtRatio(cp.medianMs / p.medianMs)} the time of md5sum, and lockstep add ${fmtRatio(m.medianMs / cp.medianMs)} the time of cp -r. Writing a cache copy of every file costs more than hashing them.`);
    }
    if (haveLfs) {
      const p = ctx.rec.measure('git lfs', 'git add data (lfs clean filter)', lfs);
      const r = p.medianMs / m.medianMs;
      ctx.rec.target({ target: T_LFS, measured: `lockstep ${fmtRatio(r)} faster`, pass: r > 1 });
    }
  },
};

async function checkLfsStaged(repo: string, count: number): Promise<void> {
  const files = (await git(['lfs', 'ls-files', '-n'], repo).catch(() => '')).trim().split('\n').filter(Boolean);
  const staged = (await git(['diff', '--cached', '--name-only'], repo)).trim().split('\n').filter(Boolean);
  if (staged.length < count) throw new Error(`git lfs run staged ${staged.length} files, expected ${count} (lfs ls-files: ${files.length})`);
}
