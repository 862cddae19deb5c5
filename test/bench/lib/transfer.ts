// One push+pull round for each tool against the same s3rver, shared by the remote benchmarks.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { git, lockstep } from './lockstep.ts';
import { runTimed } from './proc.ts';
import type { TimedRun } from './proc.ts';
import { BUCKET, rcloneEnv, s3Env, storedUnder, writeRemoteConfig } from './s3.ts';
import type { S3Server } from './s3.ts';

/** Timed runs of one round trip. */
export interface RoundTrip {
  readonly push: TimedRun;
  readonly pull: TimedRun;
  /** Where the pull wrote (already removed unless `keepOutput` was set). */
  readonly output: string;
}

/**
 * `lockstep push` from `repo` to a fresh prefix, then `lockstep pull` into a fresh `git clone` of it
 * (empty cache, so every object is downloaded and checked out). Checks the remote got `expectObjects`
 * objects (plus the `.dir` manifest for a folder) and the clone got `expectFiles` files under `outPath`.
 */
export async function lockstepRoundTrip(opts: {
  readonly repo: string;
  readonly server: S3Server;
  readonly prefix: string;
  readonly workDir: string;
  readonly outPath: string;
  readonly expectFiles: number;
  readonly expectBytes: number;
  /** Leave the clone for the caller to remove later (so the deletion does not fall into another measurement). */
  readonly keepOutput?: boolean;
}): Promise<RoundTrip> {
  const { repo, server, prefix } = opts;
  const env = s3Env();
  await writeRemoteConfig(repo, server, prefix);
  const push = await lockstep(['push', '--json'], repo, env);
  const stored = await storedUnder(server, prefix);
  if (stored.bytes < opts.expectBytes || stored.objects < opts.expectFiles) {
    throw new Error(`after lockstep push the remote holds ${stored.objects} objects / ${stored.bytes} bytes, expected at least ${opts.expectFiles} / ${opts.expectBytes}`);
  }
  const clone = path.join(opts.workDir, `clone-${prefix}`);
  await git(['clone', '-q', repo, clone], opts.workDir);
  await writeRemoteConfig(clone, server, prefix);
  const pull = await lockstep(['pull', '--json'], clone, env);
  const got = await countFiles(path.join(clone, opts.outPath));
  if (got.files !== opts.expectFiles || got.bytes !== opts.expectBytes) {
    throw new Error(`after lockstep pull the clone has ${got.files} files / ${got.bytes} bytes at ${opts.outPath}, expected ${opts.expectFiles} / ${opts.expectBytes}`);
  }
  if (!opts.keepOutput) await rm(clone, { recursive: true, force: true });
  return { push, pull, output: clone };
}

/** `rclone copy SRC s3r:bench/<prefix>` then `rclone copy` back into a fresh dir, with the same checks. */
export async function rcloneRoundTrip(opts: {
  readonly srcDir: string;
  readonly server: S3Server;
  readonly prefix: string;
  readonly workDir: string;
  readonly expectFiles: number;
  readonly expectBytes: number;
  /** Leave the downloaded copy for the caller to remove later. */
  readonly keepOutput?: boolean;
}): Promise<RoundTrip> {
  const env = rcloneEnv(opts.server);
  const remote = `s3r:${BUCKET}/${opts.prefix}`;
  const push = await runTimed('rclone', ['copy', opts.srcDir, remote], { cwd: opts.workDir, env });
  const stored = await storedUnder(opts.server, opts.prefix);
  if (stored.objects !== opts.expectFiles || stored.bytes !== opts.expectBytes) {
    throw new Error(`after rclone copy up the remote holds ${stored.objects} objects / ${stored.bytes} bytes, expected ${opts.expectFiles} / ${opts.expectBytes}`);
  }
  const dest = path.join(opts.workDir, `rclone-down-${opts.prefix}`);
  const pull = await runTimed('rclone', ['copy', remote, dest], { cwd: opts.workDir, env });
  const got = await countFiles(dest);
  if (got.files !== opts.expectFiles || got.bytes !== opts.expectBytes) {
    throw new Error(`after rclone copy down ${dest} has ${got.files} files / ${got.bytes} bytes, expected ${opts.expectFiles} / ${opts.expectBytes}`);
  }
  if (!opts.keepOutput) await rm(dest, { recursive: true, force: true });
  return { push, pull, output: dest };
}

/** Frees the server's disk space used by one trial's prefix. */
export async function dropPrefix(server: S3Server, prefix: string): Promise<void> {
  await rm(path.join(server.dataDir, BUCKET, prefix), { recursive: true, force: true });
}

/** Files (following links, whatever link type the checkout used) and their total size under `p`. */
export async function countFiles(p: string): Promise<{ files: number; bytes: number }> {
  const st = await stat(p).catch(() => undefined);
  if (!st) return { files: 0, bytes: 0 };
  if (st.isFile()) return { files: 1, bytes: st.size };
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(p, { withFileTypes: true, recursive: true })) {
    if (e.isDirectory()) continue;
    const s = await stat(path.join(e.parentPath, e.name)).catch(() => undefined);
    if (s?.isFile()) {
      files++;
      bytes += s.size;
    }
  }
  return { files, bytes };
}
