// The 5,000 x 64 KiB data set on a running s3rver, shared by `remote-small` and `remote-status`.
import path from 'node:path';
import type { FixtureDef } from './benchmark.ts';
import { writeSmallFiles } from './generate.ts';
import { expectPointer, git, initLockstepRepo, lockstep, requireCommand } from './lockstep.ts';
import { runQuiet } from './proc.ts';
import { startS3rver } from './s3.ts';
import type { S3Server } from './s3.ts';

/** A repo with `data/` (many small files) added and committed, and a server to push it to. */
export interface SmallFilesRemote {
  readonly repo: string;
  readonly server: S3Server;
  readonly count: number;
  readonly size: number;
  /** The prefix a complete `lockstep push` of the repo last went to, if any (remote-status reuses it). */
  pushedPrefix?: string;
}

/** 5,000 files of 64 KiB (times --scale) in `data/`, plus s3rver. */
export const smallFilesRemote: FixtureDef<SmallFilesRemote> = {
  id: 'small-files-remote',
  async create(dir, ctx) {
    requireCommand('init', 'add');
    const count = Math.round(5000 * ctx.scale);
    const size = 64 * 1024;
    const repo = path.join(dir, 'repo');
    await initLockstepRepo(repo);
    writeSmallFiles(path.join(repo, 'data'), { count, size, seed: 'remote-64k' });
    await lockstep(['add', 'data', '-q'], repo);
    await expectPointer(path.join(repo, 'data.dvc'), count);
    await git(['add', '-A'], repo);
    await git(['commit', '-q', '-m', 'data'], repo);
    await runQuiet('sync', [], { cwd: dir });
    const server = await startS3rver(path.join(dir, 's3'));
    return { repo, server, count, size };
  },
  async dispose(f) {
    await f.server.stop();
  },
};
