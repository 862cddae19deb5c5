// Issue 3, benchmark 2: push then pull 5,000 files of 64 KiB through s3rver, Lockstep against rclone on
// the same server (many small objects is where DVC is slowest). Target: Lockstep >= 1.5x rclone.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib/benchmark.ts';
import { requireCommand } from './lib/lockstep.ts';
import { runTimed } from './lib/proc.ts';
import type { TimedRun } from './lib/proc.ts';
import { BUCKET, s3Env } from './lib/s3.ts';
import { smallFilesRemote } from './lib/remote-fixtures.ts';
import { fmtBytes, fmtRatio } from './lib/stats.ts';
import { dropPrefix, lockstepRoundTrip, rcloneRoundTrip } from './lib/transfer.ts';

const DVC_PATTERN = fileURLToPath(new URL('./scripts/dvc-pattern.ts', import.meta.url));
const T_RCLONE = 'push+pull of 5,000 x 64 KiB: >= 1.5x rclone';

export const benchmark: Benchmark = {
  id: 'remote-small',
  title: 'push then pull 5,000 files of 64 KiB via s3rver (vs rclone)',
  budgetS: 200,
  issue: 3,
  fixtures: [smallFilesRemote.id],
  async run(ctx) {
    requireCommand('push', 'pull');
    const f = await ctx.fixture(smallFilesRemote);
    const trials = ctx.trials(1);
    const bytes = f.count * f.size;
    ctx.rec.param('files', f.count);
    ctx.rec.param('file size', fmtBytes(f.size));
    ctx.rec.param('trials per tool', trials);
    ctx.rec.param('server', 's3rver on 127.0.0.1 (separate Node process)');
    ctx.rec.param('lockstep commands', 'lockstep push --json; git clone; lockstep pull --json (empty cache), default -j');
    ctx.rec.param('peer commands', 'rclone copy data s3r:bench/P; rclone copy s3r:bench/P NEWDIR (rclone defaults: 4 transfers, 8 checkers)');
    const haveRclone = ctx.requirePeer('rclone', [T_RCLONE]);
    const ours = { push: [] as TimedRun[], pull: [] as TimedRun[], both: [] as number[] };
    const peer = { push: [] as TimedRun[], pull: [] as TimedRun[], both: [] as number[] };
    for (let i = 0; ctx.more(i, trials); i++) {
      if (haveRclone) {
        const r = await rcloneRoundTrip({ srcDir: path.join(f.repo, 'data'), server: f.server, prefix: `rclone-${i}`, workDir: ctx.dir, expectFiles: f.count, expectBytes: bytes });
        peer.push.push(r.push);
        peer.pull.push(r.pull);
        peer.both.push(r.push.wallMs + r.pull.wallMs);
        ctx.log(`rclone push ${r.push.wallMs.toFixed(0)} ms, pull ${r.pull.wallMs.toFixed(0)} ms`);
        await dropPrefix(f.server, `rclone-${i}`);
      }
      const prefix = `lockstep-${i}`;
      const r = await lockstepRoundTrip({ repo: f.repo, server: f.server, prefix, workDir: ctx.dir, outPath: 'data', expectFiles: f.count, expectBytes: bytes });
      ours.push.push(r.push);
      ours.pull.push(r.pull);
      ours.both.push(r.push.wallMs + r.pull.wallMs);
      ctx.log(`lockstep push ${r.push.wallMs.toFixed(0)} ms, pull ${r.pull.wallMs.toFixed(0)} ms`);
      // Keep the last complete push for remote-status; free the others.
      if (f.pushedPrefix) await dropPrefix(f.server, f.pushedPrefix);
      f.pushedPrefix = prefix;
    }
    // For reference, no target: DVC's request pattern replayed with the JS SDK (a lower bound for dvc).
    // About 2 x rclone's time on this data set; skipped when the budget is spent.
    const patternEstimateS = (2 * (peer.both[0] ?? ours.both[0]!)) / 1000;
    if (ctx.remainingS() < patternEstimateS) ctx.rec.note('The DVC request-pattern replay was skipped: the time budget was spent.');
    else {
      const cache = path.join(f.repo, '.dvc', 'cache');
      const pattern = (mode: string, dir: string) => runTimed(process.execPath, [DVC_PATTERN, mode, dir, f.server.endpoint, BUCKET, 'dvc-pattern'], { cwd: ctx.dir, env: s3Env() });
      const up = await pattern('push', cache);
      const down = await pattern('pull', path.join(ctx.dir, 'dvc-pattern-cache'));
      const got = (JSON.parse(down.stdout) as { objects: number }).objects;
      if (got < f.count) throw new Error(`the DVC-pattern pull fetched ${got} objects, expected at least ${f.count}`);
      ctx.log(`DVC request pattern: push ${up.wallMs.toFixed(0)} ms, pull ${down.wallMs.toFixed(0)} ms`);
      ctx.rec.measure('dvc pattern', "DVC's push requests replayed (SDK for JS, 4 x cores jobs)", [up], { bytes });
      ctx.rec.measure('dvc pattern', "DVC's fetch requests replayed, md5-verified (no checkout)", [down], { bytes });
      ctx.rec.note('"dvc pattern" rows replay the requests dvc push / dvc fetch make for this data set (one estimate listing, one full listing, one PutObject/GetObject per object at 4 x cores in parallel, .dir last) with the AWS SDK for JavaScript: a lower bound for DVC itself, which adds Python overhead; dvc is not installable here.');
      await dropPrefix(f.server, 'dvc-pattern');
    }
    const mPush = ctx.rec.measure('lockstep', 'push', ours.push, { bytes });
    const mPull = ctx.rec.measure('lockstep', 'pull (download, verify, checkout)', ours.pull, { bytes });
    const mBoth = ctx.rec.measure('lockstep', 'push + pull', ours.both, { bytes: 2 * bytes });
    if (haveRclone) {
      const pPush = ctx.rec.measure('rclone', 'copy up', peer.push, { bytes });
      const pPull = ctx.rec.measure('rclone', 'copy down', peer.pull, { bytes });
      const pBoth = ctx.rec.measure('rclone', 'copy up + copy down', peer.both, { bytes: 2 * bytes });
      const r = pBoth.medianMs / mBoth.medianMs;
      ctx.rec.target({ target: T_RCLONE, measured: `lockstep ${fmtRatio(r)} rclone's speed`, pass: r >= 1.5 });
      ctx.rec.note(`Per direction: push ${fmtRatio(pPush.medianMs / mPush.medianMs)}, pull ${fmtRatio(pPull.medianMs / mPull.medianMs)} rclone's speed.`);
    }
  },
};
