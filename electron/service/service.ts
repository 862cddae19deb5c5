import path from 'node:path';
import type { EventChannel, EventPayload, Handlers } from '../../shared/contract.ts';
import type { AppInfo } from '../../shared/model.ts';
import { resolveInside } from '../core/dvc/safe-path.ts';
import type { ServiceContext } from './context.ts';
import { createDispatcher, type Dispatch } from './dispatch.ts';
import { JobManager } from './jobs.ts';
import { RecentStore } from './recent.ts';
import { RepoRegistry } from './repos.ts';
import { repoHandlers } from './handlers/repo.ts';
import { dataHandlers } from './handlers/data.ts';
import { historyHandlers } from './handlers/history.ts';
import { restoreHandlers } from './handlers/restore.ts';
import { remoteHandlers } from './handlers/remote.ts';
import { jobHandlers } from './handlers/jobs.ts';

export interface ServiceOptions {
  readonly mode: AppInfo['mode'];
  readonly version: string;
  /** Where the service keeps its own small files (recent repositories). */
  readonly stateDir: string;
  /** Repository to open at start-up (`lockstep ui --repo`). */
  readonly initialRepo?: string;
  readonly pickFolder?: () => Promise<string | null>;
  /** File watching for live status; tests that do not need it turn it off. */
  readonly watch?: boolean;
}

export interface Service {
  readonly handlers: Handlers;
  readonly dispatch: Dispatch;
  readonly jobs: JobManager;
  readonly repos: RepoRegistry;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  /** Browser-mode uploads: a repo-relative path resolved inside the open repository (PATH_ESCAPE otherwise). */
  resolveUploadTarget(repoId: string, relPath: string): Promise<string>;
  /** Cancels running jobs, stops watchers and closes every repository. */
  dispose(): Promise<void>;
}

/**
 * Builds the service both transports share: one handler per contract channel, grouped by feature,
 * over the engine. The service owns open repositories (by id) and jobs; transports only move bytes.
 */
export function createService(opts: ServiceOptions): Service {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const emit = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => {
    for (const l of listeners) l(event, payload);
  };
  const info: AppInfo = {
    mode: opts.mode,
    version: opts.version,
    ...(opts.initialRepo ? { initialRepo: path.resolve(opts.initialRepo) } : {}),
    canPickFolder: opts.pickFolder !== undefined,
    dropMode: opts.mode === 'electron' ? 'paths' : 'upload',
  };
  const ctx: ServiceContext = {
    info,
    repos: new RepoRegistry({ onChange: (repoId, reason) => emit('repo:changed', { repoId, reason }), watch: opts.watch ?? true }),
    jobs: new JobManager({ emit: (job) => emit('job:update', job) }),
    recent: new RecentStore(path.join(opts.stateDir, 'recent.json')),
    emit,
    pickFolder: opts.pickFolder ?? null,
  };
  const handlers: Handlers = {
    ...repoHandlers(ctx),
    ...dataHandlers(ctx),
    ...historyHandlers(ctx),
    ...restoreHandlers(ctx),
    ...remoteHandlers(ctx),
    ...jobHandlers(ctx),
  };
  return {
    handlers,
    dispatch: createDispatcher(handlers),
    jobs: ctx.jobs,
    repos: ctx.repos,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async resolveUploadTarget(repoId, relPath) {
      const repo = ctx.repos.repo(repoId);
      return resolveInside(repo.root, relPath, 'uploaded file');
    },
    async dispose() {
      await ctx.jobs.shutdown();
      ctx.repos.closeAll();
      listeners.clear();
    },
  };
}
