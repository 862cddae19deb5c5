import type { EventChannel, EventPayload } from '../../shared/contract.ts';
import type { AppInfo } from '../../shared/model.ts';
import type { JobManager } from './jobs.ts';
import type { RecentStore } from './recent.ts';
import type { RepoRegistry } from './repos.ts';

/** What every handler group receives: the service's shared state and its event emitter. */
export interface ServiceContext {
  readonly info: AppInfo;
  readonly repos: RepoRegistry;
  readonly jobs: JobManager;
  readonly recent: RecentStore;
  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void;
  /** Electron's native folder picker; null in browser mode. */
  readonly pickFolder: (() => Promise<string | null>) | null;
}
