import type { Handlers } from '../../../shared/contract.ts';
import type { CommitDetail, TimelinePage } from '../../../shared/model.ts';
import { getTimeline, getTimelineCommit } from '../../core/history/query-timeline.ts';
import { refreshTimeline } from '../timeline-refresh.ts';
import { LockstepError } from '../../core/errors/index.ts';
import type { ServiceContext } from '../context.ts';
import { commitOutputs } from '../commit-outputs.ts';
import { matchesSearch, toUiCommit } from '../timeline-map.ts';
import { datasetHandlers } from './datasets.ts';

type HistoryChannels = 'timeline:page' | 'commit:detail' | 'dataset:history' | 'dataset:diff' | 'dataset:preview';

/** The timeline (paged, filtered, searched) and commit detail, read from the engine's timeline cache. */
export function historyHandlers(ctx: ServiceContext): Pick<Handlers, HistoryChannels> {
  return {
    'timeline:page': async ({ repoId, offset, limit, dataOnly, search }): Promise<TimelinePage> => {
      const repo = ctx.repos.repo(repoId);
      // The first page refreshes the cache (incremental: only new commits are analysed); later pages
      // read the same snapshot so scrolling never waits on git.
      if (offset === 0) await refreshTimeline(repo);
      const needle = search?.trim();
      if (!needle) {
        const page = getTimeline(repo, { offset, limit, dataOnly: dataOnly ?? false });
        return { total: page.total, offset, commits: page.commits.map(toUiCommit) };
      }
      // Search scans the cached rows in chunks (SQLite, no git); 10,000 commits is a few queries.
      const matches = [];
      for (let at = 0; ; at += 1000) {
        const chunk = getTimeline(repo, { offset: at, limit: 1000, dataOnly: dataOnly ?? false });
        for (const c of chunk.commits) if (matchesSearch(c, needle)) matches.push(c);
        if (chunk.commits.length < 1000) break;
      }
      return { total: matches.length, offset, commits: matches.slice(offset, offset + limit).map(toUiCommit) };
    },
    'commit:detail': async ({ repoId, oid }): Promise<CommitDetail> => {
      const repo = ctx.repos.repo(repoId);
      let c = getTimelineCommit(repo, oid);
      if (!c) {
        await refreshTimeline(repo);
        c = getTimelineCommit(repo, oid);
      }
      if (!c) throw new LockstepError('GIT_ERROR', `Commit ${oid.slice(0, 8)} is not in the history of any branch or tag.`, { oid });
      return {
        commit: toUiCommit(c),
        outputs: await commitOutputs(repo, c.oid),
        codeFiles: c.changedFiles.filter((f) => !f.endsWith('.dvc') && !f.endsWith('dvc.lock')),
        environment: { fingerprint: c.environment.fingerprint, files: c.environment.files, changed: c.environment.changed },
      };
    },
    ...datasetHandlers(ctx),
  };
}
