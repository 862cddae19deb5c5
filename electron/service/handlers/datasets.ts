import type { Handlers } from '../../../shared/contract.ts';
import type { ServiceContext } from '../context.ts';
import { datasetVersions } from '../dataset-history.ts';
import { diffDataset } from '../dataset-diff.ts';
import { previewFile } from '../preview.ts';
import { refreshTimeline } from '../timeline-refresh.ts';

/** Dataset history, version diffs and file previews. */
export function datasetHandlers(ctx: ServiceContext): Pick<Handlers, 'dataset:history' | 'dataset:diff' | 'dataset:preview'> {
  return {
    'dataset:history': async ({ repoId, path }) => {
      const repo = ctx.repos.repo(repoId);
      await refreshTimeline(repo);
      return { path, versions: await datasetVersions(repo, path) };
    },
    'dataset:diff': async ({ repoId, path, a, b, limit }) => diffDataset(ctx.repos.repo(repoId), path, a, b, limit),
    'dataset:preview': async ({ repoId, path }) => previewFile(ctx.repos.repo(repoId).root, path),
  };
}
