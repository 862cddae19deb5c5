import type { Handlers, JobStarted } from '../../../shared/contract.ts';
import { add } from '../../core/ops/add.ts';
import { commit } from '../../core/ops/commit.ts';
import type { ServiceContext } from '../context.ts';
import { gitCommitStaged } from '../git-commit.ts';
import { importPaths } from '../import-paths.ts';
import { pushJobSpec, pullJobSpec } from './transfer.ts';

type DataChannels = 'data:track' | 'data:commit' | 'data:push' | 'data:pull';

/** Tracking dropped files, committing, pushing and pulling: each a job with progress. */
export function dataHandlers(ctx: ServiceContext): Pick<Handlers, DataChannels> {
  return {
    'data:track': async ({ repoId, paths, destination }): Promise<JobStarted> => {
      const repo = ctx.repos.repo(repoId);
      const names = paths.map((p) => p.split(/[\\/]/).filter(Boolean).at(-1) ?? p).join(', ');
      const job = ctx.jobs.start({
        kind: 'track',
        repoId,
        title: `Track ${names}`,
        async run({ signal, onProgress }) {
          const targets = await importPaths(repo.root, paths, destination, signal);
          return add(repo, { targets, signal, onProgress });
        },
      });
      return { jobId: job.id };
    },
    'data:commit': async ({ repoId, message, push }): Promise<JobStarted> => {
      const e = ctx.repos.get(repoId);
      const repo = ctx.repos.repo(repoId);
      const job = ctx.jobs.start({
        kind: 'commit',
        repoId,
        title: push ? 'Commit and push' : 'Commit',
        async run(run) {
          // Save modified outputs first so the git commit records the data as it is now.
          const saved = await commit(repo, { signal: run.signal, onProgress: run.onProgress });
          const { oid } = await gitCommitStaged(e.gitRoot, message);
          if (!push) return { commit: oid, saved: saved.outputs };
          // Pushing runs as its own job so it shows in Transfers with its own progress, cancel and retry.
          const pushJob = ctx.jobs.start(pushJobSpec(ctx, repoId, {}));
          return { commit: oid, saved: saved.outputs, pushJobId: pushJob.id };
        },
      });
      return { jobId: job.id };
    },
    'data:push': async ({ repoId, remote, targets }): Promise<JobStarted> => {
      ctx.repos.repo(repoId);
      return { jobId: ctx.jobs.start(pushJobSpec(ctx, repoId, { remote, targets })).id };
    },
    'data:pull': async ({ repoId, remote, targets }): Promise<JobStarted> => {
      ctx.repos.repo(repoId);
      return { jobId: ctx.jobs.start(pullJobSpec(ctx, repoId, { remote, targets })).id };
    },
  };
}
