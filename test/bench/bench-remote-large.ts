// Issue 3, benchmark 1: push then pull one 1 GiB file through s3rver on this machine, Lockstep against
// rclone (same server, same process set-up, alternating). Target: Lockstep's throughput >= rclone's.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Benchmark } from './lib/benchmark.ts';
import { writeRandomFile } from './lib/generate.ts';
import { expectPointer, git, initLockstepRepo, lockstep, requireCommand } from './lib/lockstep.ts';
import { runQuiet } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { startS3rver } from './lib/s3.ts';
import { fmtBytes, fmtRatio } from './lib/stats.ts';
import { dropPrefix, lockstepRoundTrip, rcloneRoundTrip } from './lib/transfer.ts';

const T_RCLONE = 'push+pull of 1 GiB: throughput >= rclone';

export const benchmark: Benchmark = {
  id: 'remote-large',
  title: 'push then pull one 1 GiB file via s3rver (vs rclone)',
  budgetS: 180,
  issue: 3,
  async run(ctx) {
    requireCommand('init', 'add', 'push', 'pull');
    const size = Math.round(2 ** 30 * ctx.scale);
    const trials = ctx.trials(2);
    ctx.rec.param('file size', fmtBytes(size));
    ctx.rec.param('trials per tool', trials);
    ctx.rec.param('server', 's3rver on 127.0.0.1 (separate Node process, --openssl-legacy-provider)');
    ctx.rec.param('lockstep commands', 'lockstep push --json; git clone; lockstep pull --json (empty cache), default -j');
    ctx.rec.param('peer commands', 'rclone copy DIR s3r:bench/P; rclone copy s3r:bench/P NEWDIR (rclone defaults)');

    const repo = path.join(ctx.dir, 'repo');
    await initLockstepRepo(repo);
    // rclone copies a folder holding only the file; the repo gets a copy of it.
    const src = path.join(ctx.dir, 'src');
    await writeRandomFile(path.join(src, 'weights.bin'), size, 'remote-large');
    await mkdir(path.join(repo, 'model'));
    await runQuiet('cp', ['--reflink=never', path.join(src, 'weights.bin'), path.join(repo, 'model', 'weights.bin')], { cwd: ctx.dir });
    await lockstep(['add', 'model/weights.bin', '-q'], repo);
    await expectPointer(path.join(repo, 'model', 'weights.bin.dvc'), undefined, size);
    await git(['add', '-A'], repo);
    await git(['commit', '-q', '-m', 'model'], repo);
    await runQuiet('sync', [], { cwd: ctx.dir });
    const server = await startS3rver(path.join(ctx.dir, 's3'));
    try {
      const haveRclone = ctx.requirePeer('rclone', [T_RCLONE]);
      const ours = { push: [] as TimedRun[], pull: [] as TimedRun[], both: [] as number[] };
      const peer = { push: [] as TimedRun[], pull: [] as TimedRun[], both: [] as number[] };
      for (let i = 0; ctx.more(i, trials); i++) {
        if (haveRclone) {
          const r = await rcloneRoundTrip({ srcDir: src, server, prefix: `rclone-${i}`, workDir: ctx.dir, expectFiles: 1, expectBytes: size });
          peer.push.push(r.push);
          peer.pull.push(r.pull);
          peer.both.push(r.push.wallMs + r.pull.wallMs);
          ctx.log(`rclone push ${r.push.wallMs.toFixed(0)} ms, pull ${r.pull.wallMs.toFixed(0)} ms`);
          await dropPrefix(server, `rclone-${i}`);
        }
        const r = await lockstepRoundTrip({ repo, server, prefix: `lockstep-${i}`, workDir: ctx.dir, outPath: 'model/weights.bin', expectFiles: 1, expectBytes: size });
        ours.push.push(r.push);
        ours.pull.push(r.pull);
        ours.both.push(r.push.wallMs + r.pull.wallMs);
        ctx.log(`lockstep push ${r.push.wallMs.toFixed(0)} ms (${r.push.peakRssMiB?.toFixed(0)} MiB), pull ${r.pull.wallMs.toFixed(0)} ms (${r.pull.peakRssMiB?.toFixed(0)} MiB)`);
        await dropPrefix(server, `lockstep-${i}`);
      }
      const mPush = ctx.rec.measure('lockstep', 'push', ours.push, { bytes: size });
      const mPull = ctx.rec.measure('lockstep', 'pull (download, verify, checkout)', ours.pull, { bytes: size });
      const mBoth = ctx.rec.measure('lockstep', 'push + pull', ours.both, { bytes: 2 * size });
      if (haveRclone) {
        const pPush = ctx.rec.measure('rclone', 'copy up', peer.push, { bytes: size });
        const pPull = ctx.rec.measure('rclone', 'copy down', peer.pull, { bytes: size });
        const pBoth = ctx.rec.measure('rclone', 'copy up + copy down', peer.both, { bytes: 2 * size });
        const r = mBoth.throughputMBps! / pBoth.throughputMBps!;
        ctx.rec.target({ target: T_RCLONE, measured: `${fmtRatio(r)} rclone's throughput`, pass: r >= 1 });
        ctx.rec.note(`Per direction: push ${fmtRatio(mPush.throughputMBps! / pPush.throughputMBps!)}, pull ${fmtRatio(mPull.throughputMBps! / pPull.throughputMBps!)} rclone's throughput.`);
      }
    } finally {
      await server.stop();
    }
  },
};
