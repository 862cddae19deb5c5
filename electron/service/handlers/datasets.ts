import type { Handlers } from '../../../shared/contract.ts';
import type { ServiceContext } from '../context.ts';
import { datasetHistory } from '../dataset-history.ts';
import { diffDataset } from '../dataset-diff.ts';
import { previewFile } from '../preview.ts';
import { previewAt } from '../preview-at.ts';
import { refreshTimeline } from '../timeline-refresh.ts';

/** How long a preview may wait for the remote before it gives up. */
const PREVIEW_TIMEOUT_MS = 30_000;

/** Dataset history, version diffs and file previews (of the workspace, or of any commit). */
export function datasetHandlers(ctx: ServiceContext): Pick<Handlers, 'dataset:history' | 'dataset:diff' | 'dataset:preview'> {
  return {
    'dataset:history': async ({ repoId, path }) => {
      const repo = ctx.repos.repo(repoId);
      await refreshTimeline(repo);
      return datasetHistory(repo, path);
    },
    'dataset:diff': async ({ repoId, path, a, b, limit }) => diffDataset(ctx.repos.repo(repoId), path, a, b, limit),
    'dataset:preview': async ({ repoId, path, rev }) => {
      const repo = ctx.repos.repo(repoId);
      return rev ? previewAt(repo, path, rev, AbortSignal.timeout(PREVIEW_TIMEOUT_MS)) : previewFile(repo.root, path);
    },
  };
}
