import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../api/client.ts';
import { createDatasetSlice } from './dataset-slice.ts';
import { createDetailSlice } from './detail-slice.ts';
import { createJobsSlice } from './jobs-slice.ts';
import { createRepoSlice } from './repo-slice.ts';
import { createSettingsSlice } from './settings-slice.ts';
import { createTimelineSlice } from './timeline-slice.ts';
import { createTrackSlice } from './track-slice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './ui-slice.ts';

export type { AppState } from './types.ts';

export type AppStore = StoreApi<AppState>;

/**
 * Builds the one bound store over an api client and subscribes it to the transport's events. Tests
 * build a fresh store per test with a fake bridge, so no state leaks between them.
 */
export function createAppStore(api: ApiClient): AppStore & { dispose(): void } {
  const store = createStore<AppState>()((set, get, storeApi) => ({
    ...createUiSlice(api)(set, get, storeApi),
    ...createRepoSlice(api)(set, get, storeApi),
    ...createTimelineSlice(api)(set, get, storeApi),
    ...createDetailSlice(api)(set, get, storeApi),
    ...createDatasetSlice(api)(set, get, storeApi),
    ...createJobsSlice(api)(set, get, storeApi),
    ...createTrackSlice(api)(set, get, storeApi),
    ...createSettingsSlice(api)(set, get, storeApi),
    resetRepoViews() {
      set({
        rows: [], total: 0, selectedOid: null, timelineLoaded: false, detail: null, restore: null,
        datasetPath: null, history: null, diff: null, preview: null, compare: { a: null, b: null },
        remotes: [], settings: null, remoteTests: {}, track: null, view: 'timeline',
      });
    },
    onJobEnded(job) {
      const s = get();
      if (s.repo?.id !== job.repoId) return;
      const restore = s.restore;
      if (restore && (restore.jobId === job.id || restore.undoJobId === job.id)) {
        if (job.state === 'done') set({ restore: { ...restore, step: 'done' } });
        else if (restore.jobId === job.id) set({ restore: { ...restore, step: 'plan' } });
      }
      const track = s.track;
      if (track && track.jobId === job.id) {
        if (job.state !== 'done') set({ track: null });
        else if (track.step === 'tracking') set({ track: { ...track, step: 'commit' } });
        else if (track.step === 'committing') set({ track: null });
      }
      // Anything a job did can change badges and history; re-read both (the index makes this cheap).
      void s.refreshStatus();
      if (job.kind !== 'push' && job.kind !== 'fetch') void s.reloadTimeline();
    },
  }));
  const offJob = api.on('job:update', (job) => store.getState().applyJob(job));
  let pending: ReturnType<typeof setTimeout> | undefined;
  const offChanged = api.on('repo:changed', (ev) => {
    const s = store.getState();
    if (s.repo?.id !== ev.repoId) return;
    void s.refreshStatus();
    if (ev.reason === 'git') {
      // Coalesce bursts (a commit touches HEAD, index and refs) into one timeline reload.
      clearTimeout(pending);
      pending = setTimeout(() => void store.getState().reloadTimeline(), 150);
    }
  });
  const offMenu = api.on('menu:open', ({ path }) => void store.getState().openRepo(path));
  return Object.assign(store, {
    dispose() {
      offMenu();
      offJob();
      offChanged();
      clearTimeout(pending);
    },
  });
}
