import type { StateCreator } from 'zustand';
import type { ApiClient } from '../api/client.ts';
import type { Job } from '../../shared/model.ts';
import type { RepoSlice } from './repo-slice.ts';
import type { TimelineSlice } from './timeline-slice.ts';
import type { DetailSlice } from './detail-slice.ts';
import type { DatasetSlice } from './dataset-slice.ts';
import type { JobsSlice } from './jobs-slice.ts';
import type { TrackSlice } from './track-slice.ts';
import type { SettingsSlice } from './settings-slice.ts';
import type { UiSlice } from './ui-slice.ts';

/** Cross-slice actions, implemented in store/index.ts. */
export interface RootActions {
  resetRepoViews(): void;
  onJobEnded(job: Job): void;
}

/** The one bound store: every slice side by side. */
export type AppState = RepoSlice & TimelineSlice & DetailSlice & DatasetSlice & JobsSlice & TrackSlice & SettingsSlice & UiSlice & RootActions;

/** A slice creator that also receives the api client (only store actions talk to it). */
export type Slice<T> = (api: ApiClient) => StateCreator<AppState, [], [], T>;
