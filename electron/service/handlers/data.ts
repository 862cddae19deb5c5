import type { Handlers, JobStarted } from '../../../shared/contract.ts';
import { LockstepError } from '../../core/errors/index.ts';
import { add } from '../../core/ops/add.ts';
import { recordVersion } from '../../core/ops/record-version.ts';
import type { ServiceContext } from '../context.ts';
import { importPaths } from '../import-paths.ts';
import { pushJobSpec, pullJobSpec } from './transfer.ts';

type DataChannels = 'data:track' | 'data:commit' | 'data:push' | 'data:pull';

/** Tracking dropped files, committing, pushing and pulling: each a job with progress. */
export function dataHandlers(ctx: ServiceContext): Pick<Handlers, DataChannels> {
  return {
    'data:track': async ({ repoId, paths, destination, into }): Promise<JobStarted> => {
      const repo = ctx.repos.repo(repoId);
      const names = paths.map((p) => p.split(/[\\/]/).filter(Boolean).at(-1) ?? p).join(', ');
      const job = ctx.jobs.start({
        kind: 'track',
        repoId,
        title: into ? `Add ${names} to ${into}` : `Track ${names}`,
        async run({ signal, onProgress }) {
          const targets = await importPaths(repo.root, paths, into ?? destination, signal);
          if (!into) return add(repo, { targets, signal, onProgress });
          // Files dropped onto a tracked folder become part of its next version, not outputs of their own
          // (DVC refuses outputs nested inside another output).
          const stray = targets.find((t) => !t.startsWith(`${into}/`));
          if (stray) throw new LockstepError('BAD_TARGET', `${stray} is not inside ${into}; drop it on the window instead to track it on its own.`, { file: stray, into });
          return add(repo, { targets: [into], signal, onProgress });
        },
      });
      return { jobId: job.id };
    },
    'data:commit': async ({ repoId, message, push }): Promise<JobStarted> => {
      const repo = ctx.repos.repo(repoId);
      const job = ctx.jobs.start({
        kind: 'commit',
        repoId,
        title: push ? 'Commit and push' : 'Commit',
        async run(run) {
          // The engine's `lockstep save`: modified outputs into the cache, then the git commit.
          const saved = await recordVersion(repo, { message, signal: run.signal, onProgress: run.onProgress });
          if (!push) return { commit: saved.commit, saved: saved.outputs };
          // Pushing runs as its own job so it shows in Transfers with its own progress, cancel and retry.
          const pushJob = ctx.jobs.start(pushJobSpec(ctx, repoId, {}));
          return { commit: saved.commit, saved: saved.outputs, pushJobId: pushJob.id };
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
