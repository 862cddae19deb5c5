// Issue 2, benchmark 1: hash one 2 GiB file. Lockstep's md5File (in a child process, as `add` runs it)
// against GNU md5sum on the same file, page cache warm for both. Targets: throughput >= 0.95x md5sum,
// peak RSS < 150 MB.
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib/benchmark.ts';
import { bigFile } from './lib/data-fixtures.ts';
import { runTimed, warmPageCache } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { fmtBytes, fmtRatio } from './lib/stats.ts';

const HASH_SCRIPT = fileURLToPath(new URL('./scripts/hash-file.ts', import.meta.url));
const T_RATIO = 'throughput >= 0.95x md5sum';
const T_RSS = 'peak RSS < 150 MB';

export const benchmark: Benchmark = {
  id: 'hash',
  title: 'Hash one 2 GiB file (md5File vs md5sum)',
  budgetS: 120,
  issue: 2,
  fixtures: [bigFile.id],
  async run(ctx) {
    const { file, size } = await ctx.fixture(bigFile);
    const trials = ctx.trials(3);
    ctx.rec.param('file size', fmtBytes(size));
    ctx.rec.param('trials per tool', trials);
    ctx.rec.param('lockstep command', 'node test/bench/scripts/hash-file.ts FILE (engine md5File, 4 MiB reads)');
    ctx.rec.param('peer command', 'md5sum FILE');
    // One untimed read so both tools start from the same warm page cache.
    await warmPageCache(file, ctx.dir);
    const havePeer = ctx.requirePeer('md5sum', [T_RATIO]);
    const ours: TimedRun[] = [];
    const peer: TimedRun[] = [];
    let ourMd5 = '';
    for (let i = 0; ctx.more(i, trials); i++) {
      if (havePeer) {
        const r = await runTimed('md5sum', [file], { cwd: ctx.dir });
        peer.push(r);
        ctx.log(`md5sum ${r.wallMs.toFixed(0)} ms`);
        if (ourMd5 && !r.stdout.startsWith(ourMd5)) throw new Error(`md5 mismatch: md5File ${ourMd5}, md5sum ${r.stdout}`);
      }
      const r = await runTimed(process.execPath, [HASH_SCRIPT, file], { cwd: ctx.dir });
      ours.push(r);
      ourMd5 = (JSON.parse(r.stdout) as { md5: string }).md5;
      ctx.log(`lockstep md5File ${r.wallMs.toFixed(0)} ms, ${r.peakRssMiB?.toFixed(0)} MiB`);
      const peerOut = peer.at(-1)?.stdout;
      if (peerOut && !peerOut.startsWith(ourMd5)) throw new Error(`md5 mismatch: md5File ${ourMd5}, md5sum ${peerOut}`);
    }
    const mOurs = ctx.rec.measure('lockstep', 'md5File over the file (child process)', ours, { bytes: size });
    // The same runs timed inside the process, without Node start-up: shows how much of a gap is start-up.
    const inner = ours.map((r) => (JSON.parse(r.stdout) as { hashMs: number }).hashMs);
    ctx.rec.measure('lockstep', 'md5File alone (timed inside the process, for reference)', inner, { bytes: size });
    if (havePeer) {
      const mPeer = ctx.rec.measure('md5sum', 'md5sum over the file', peer, { bytes: size });
      const ratio = mOurs.throughputMBps! / mPeer.throughputMBps!;
      ctx.rec.target({ target: T_RATIO, measured: fmtRatio(ratio), pass: ratio >= 0.95 });
    }
    const rssMB = (mOurs.peakRssMiB ?? NaN) * 1.048576;
    ctx.rec.target({
      target: T_RSS,
      measured: Number.isFinite(rssMB) ? `${rssMB.toFixed(0)} MB` : 'n/a',
      pass: Number.isFinite(rssMB) ? rssMB < 150 : null,
      ...(Number.isFinite(rssMB) ? {} : { note: 'peak RSS not measurable (install apt time)' }),
    });
  },
};
