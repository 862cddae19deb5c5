import type { AppInfo, RecentRepo, RepoStatus, RepoSummary } from '../../shared/model.ts';
import type { Slice } from './types.ts';

export interface RepoSlice {
  info: AppInfo | null;
  recent: RecentRepo[];
  repo: RepoSummary | null;
  status: RepoStatus | null;
  opening: boolean;
  /** Loads app info and recents; opens the start-up repository if there is one. */
  boot(): Promise<void>;
  openRepo(path: string): Promise<void>;
  /** Electron: native picker, then open. Returns false when the transport has no picker. */
  pickAndOpen(): Promise<boolean>;
  initRepo(): Promise<void>;
  closeRepo(): Promise<void>;
  refreshStatus(): Promise<void>;
}

export const createRepoSlice: Slice<RepoSlice> = (api) => (set, get) => ({
  info: null,
  recent: [],
  repo: null,
  status: null,
  opening: false,
  async boot() {
    try {
      // The start-up repository must not wait for the recents list: it is only shown on the start screen.
      const recent = api.call('repo:recent', {}).then(
        // Once a repository is open, openRepo's own (newer) list wins over this one.
        (r) => {
          if (!get().repo) set({ recent: r });
        },
        (err: unknown) => get().reportError('Reading recent repositories', err),
      );
      const info = await api.call('app:info', {});
      set({ info });
      await Promise.all([info.initialRepo ? get().openRepo(info.initialRepo) : null, recent]);
    } catch (err) {
      get().reportError('Starting Lockstep', err);
    }
  },
  async openRepo(path) {
    set({ opening: true });
    try {
      const repo = await api.call('repo:open', { path });
      get().resetRepoViews();
      set({ repo, status: null });
      // One round trip for all three: the timeline first, since it is what the window shows first.
      await Promise.all([
        repo.needsInit ? null : get().reloadTimeline(),
        repo.needsInit ? null : get().refreshStatus(),
        api.call('repo:recent', {}).then((recent) => set({ recent })),
      ]);
    } catch (err) {
      get().reportError(`Opening ${path}`, err);
    } finally {
      set({ opening: false });
    }
  },
  async pickAndOpen() {
    const { path } = await api.call('dialog:openFolder', {});
    if (path === null) return get().info?.canPickFolder ?? false;
    await get().openRepo(path);
    return true;
  },
  async initRepo() {
    const repo = get().repo;
    if (!repo) return;
    try {
      const next = await api.call('repo:init', { path: repo.root });
      set({ repo: next });
      await Promise.all([get().refreshStatus(), get().reloadTimeline()]);
      get().notify('Data versioning initialised.');
    } catch (err) {
      get().reportError('Initialising the repository', err);
    }
  },
  async closeRepo() {
    const repo = get().repo;
    if (!repo) return;
    set({ repo: null, status: null });
    get().resetRepoViews();
    try {
      await api.call('repo:close', { repoId: repo.id });
    } catch (err) {
      get().reportError('Closing the repository', err);
    }
  },
  async refreshStatus() {
    const repo = get().repo;
    if (!repo || repo.needsInit) return;
    try {
      const status = await api.call('repo:status', { repoId: repo.id });
      if (get().repo?.id === repo.id) set({ status });
    } catch (err) {
      get().reportError('Reading the workspace status', err);
    }
  },
});
