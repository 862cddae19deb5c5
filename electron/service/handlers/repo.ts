import path from 'node:path';
import type { Handlers } from '../../../shared/contract.ts';
import type { OutputBadge, RepoStatus, RepoSummary, TrackedItem } from '../../../shared/model.ts';
import { currentBranchName, headOid } from '../../core/git/refs.ts';
import { init } from '../../core/ops/init.ts';
import { status } from '../../core/ops/status.ts';
import { collectOutputs } from '../../core/repo/outputs.ts';
import type { ServiceContext } from '../context.ts';
import type { OpenRepo } from '../repos.ts';
import { gitDirtyCount } from '../git-dirty.ts';
import { remoteHealth } from '../remote-health.ts';
import { notPushedOutputs } from '../cloud-badges.ts';

type RepoChannels = 'app:info' | 'dialog:openFolder' | 'repo:open' | 'repo:init' | 'repo:close' | 'repo:recent' | 'repo:status';

/** Summarises an open repository for the UI. */
export async function summarise(e: OpenRepo): Promise<RepoSummary> {
  const root = e.repo?.root ?? e.gitRoot;
  const [branch, head] = await Promise.all([currentBranchName(e.gitRoot).catch(() => null), headOid(e.gitRoot).catch(() => null)]);
  return {
    id: e.id,
    root,
    name: path.basename(root),
    needsInit: e.repo === null,
    branch,
    head,
    defaultRemote: e.repo?.config.core.remote ?? null,
  };
}

/** Opening, initialising and closing repositories, recents, and the live status behind the sidebar. */
export function repoHandlers(ctx: ServiceContext): Pick<Handlers, RepoChannels> {
  return {
    'app:info': async () => ctx.info,
    'dialog:openFolder': async () => ({ path: ctx.pickFolder ? await ctx.pickFolder() : null }),
    'repo:open': async ({ path: dir }) => {
      const e = await ctx.repos.openAt(dir);
      const [summary] = await Promise.all([summarise(e), ctx.recent.touch(e.repo?.root ?? e.gitRoot)]);
      return summary;
    },
    'repo:init': async ({ path: dir }) => {
      const e = await ctx.repos.openAt(dir);
      if (e.repo === null) {
        await init({ dir: e.gitRoot });
        await ctx.repos.reload(e.id);
      }
      return summarise(e);
    },
    'repo:close': async ({ repoId }) => {
      ctx.repos.close(repoId);
      return null;
    },
    'repo:recent': async () => ctx.recent.list(),
    'repo:status': async ({ repoId }): Promise<RepoStatus> => {
      const e = ctx.repos.get(repoId);
      const repo = ctx.repos.repo(repoId);
      const [st, outputs, dirtyFiles] = await Promise.all([status(repo), collectOutputs(repo), gitDirtyCount(e.gitRoot)]);
      const byPath = new Map(outputs.map((o) => [o.relPath, o]));
      // Only versions recorded in a pointer can be on the remote; a modified or new output is about to change.
      const clean = new Set(st.outputs.filter((s) => s.state === 'ok').map((s) => s.path));
      const notPushed = await notPushedOutputs(repo, repoId, outputs.filter((o) => clean.has(o.relPath)));
      const items: TrackedItem[] = st.outputs.map((s) => {
        const out = byPath.get(s.path)?.output;
        const badges: OutputBadge[] = [];
        if (s.state === 'uncommitted') badges.push('new');
        // "Up to date" and "not pushed" would contradict each other at a glance: the remote is the news.
        else if (s.state === 'ok' && notPushed.has(s.path)) badges.push('not-pushed');
        else badges.push(s.state);
        return {
          path: s.path,
          source: s.source.file,
          md5: out?.md5 ?? null,
          isDir: out?.md5?.endsWith('.dir') ?? false,
          size: out?.size ?? null,
          nfiles: out?.nfiles ?? null,
          badges,
          ...(s.changes ? { changed: { added: s.changes.added.length, modified: s.changes.modified.length, deleted: s.changes.deleted.length } } : {}),
        };
      });
      return { items, dirtyFiles, remote: remoteHealth(repo, repoId), checkedAt: Date.now() };
    },
  };
}
