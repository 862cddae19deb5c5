// Issue 2, benchmark 4: `lockstep add` of one 2 GiB file against `git add` of it with git-lfs tracking
// it, each in a fresh repo with the file copied in beforehand (untimed). Target: Lockstep >= 2x faster.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Benchmark } from './lib/benchmark.ts';
import { bigFile } from './lib/data-fixtures.ts';
import { initLfsRepo } from './lib/lfs.ts';
import { benchEnv, expectPointer, git, initLockstepRepo, lockstepJson, requireCommand } from './lib/lockstep.ts';
import { runQuiet, runTimed } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { fmtBytes, fmtRatio } from './lib/stats.ts';

const T_LFS = 'add of one 2 GiB file >= 2x faster than `git lfs`';

export const benchmark: Benchmark = {
  id: 'add-large',
  title: 'add one 2 GiB file (vs git lfs)',
  budgetS: 150,
  issue: 2,
  fixtures: [bigFile.id],
  async run(ctx) {
    requireCommand('init', 'add');
    const { file, size } = await ctx.fixture(bigFile);
    const trials = ctx.trials(2);
    ctx.rec.param('file size', fmtBytes(size));
    ctx.rec.param('trials per tool', trials);
    ctx.rec.param('lockstep command', 'lockstep add big.bin --json (fresh repo, file copied in first, untimed)');
    ctx.rec.param('peer command', "git lfs track '*.bin'; git add big.bin (fresh repo, same copy step)");
    const haveLfs = ctx.requirePeer('git-lfs', [T_LFS]);
    const ours: TimedRun[] = [];
    const peer: TimedRun[] = [];
    for (let i = 0; ctx.more(i, trials); i++) {
      const repo = path.join(ctx.dir, `lockstep-${i}`);
      await initLockstepRepo(repo);
      await copyIn(file, path.join(repo, 'big.bin'), ctx.dir);
      const { run } = await lockstepJson(['add', 'big.bin'], repo);
      ours.push(run);
      ctx.log(`lockstep add ${run.wallMs.toFixed(0)} ms, ${run.peakRssMiB?.toFixed(0)} MiB`);
      if (i === 0) await expectPointer(path.join(repo, 'big.bin.dvc'), undefined, size);
      await rm(repo, { recursive: true, force: true });
      if (haveLfs) {
        const lrepo = path.join(ctx.dir, `lfs-${i}`);
        await initLfsRepo(lrepo, '*.bin');
        await copyIn(file, path.join(lrepo, 'big.bin'), ctx.dir);
        peer.push(await runTimed('git', ['add', 'big.bin'], { cwd: lrepo, env: benchEnv() }));
        ctx.log(`git lfs add ${peer.at(-1)!.wallMs.toFixed(0)} ms`);
        if (i === 0) {
          const listed = await git(['lfs', 'ls-files'], lrepo);
          if (!listed.includes('big.bin')) throw new Error(`git lfs did not take big.bin: ${listed}`);
        }
        await rm(lrepo, { recursive: true, force: true });
      }
    }
    const m = ctx.rec.measure('lockstep', 'lockstep add big.bin', ours, { bytes: size });
    if (haveLfs) {
      const p = ctx.rec.measure('git lfs', 'git add big.bin (lfs clean filter)', peer, { bytes: size });
      const r = p.medianMs / m.medianMs;
      ctx.rec.target({ target: T_LFS, measured: `lockstep ${fmtRatio(r)} faster`, pass: r >= 2 });
    }
  },
};

// A real copy (no reflink), flushed, so the timed step does not pay for this copy's write-back.
async function copyIn(src: string, dest: string, cwd: string): Promise<void> {
  await runQuiet('cp', ['--reflink=never', src, dest], { cwd });
  await runQuiet('sync', [], { cwd });
}
