import type { Job } from '../../shared/model.ts';
import { jobNotice } from '../../shared/job-notice.ts';
import type { Slice } from './types.ts';

export interface JobsSlice {
  jobs: Record<string, Job>;
  /** Applies a `job:update` event and reacts to jobs that just ended. */
  applyJob(job: Job): void;
  loadJobs(): Promise<void>;
  cancelJob(id: string): Promise<void>;
  retryJob(id: string): Promise<void>;
  /** Push or pull every tracked output to or from the default remote. */
  pushData(): Promise<void>;
  pullData(): Promise<void>;
}

export const createJobsSlice: Slice<JobsSlice> = (api) => (set, get) => ({
  jobs: {},
  applyJob(job) {
    const before = get().jobs[job.id];
    set((s) => ({ jobs: { ...s.jobs, [job.id]: job } }));
    if (job.state === 'running' || before?.state === job.state) return;
    // The job just ended: tell the user (a system notification when they look elsewhere and allowed it,
    // else the in-app toast; failures are banners too), and re-read whatever it changed.
    const notice = jobNotice(job);
    const shown = notice !== null && (api.notifier?.show(notice) ?? false);
    if (job.state === 'done' && !shown) get().notify(`${job.title}: done`);
    else if (job.state === 'cancelled' && !shown) get().notify(`${job.title}: cancelled`);
    if (job.state === 'failed' && job.error) get().reportError(job.title, job.error);
    get().onJobEnded(job);
  },
  async loadJobs() {
    try {
      const list = await api.call('jobs:list', {});
      set({ jobs: Object.fromEntries(list.map((j) => [j.id, j])) });
    } catch (err) {
      get().reportError('Reading transfers', err);
    }
  },
  async cancelJob(id) {
    try {
      await api.call('jobs:cancel', { jobId: id });
    } catch (err) {
      get().reportError('Cancelling', err);
    }
  },
  async pushData() {
    const repo = get().repo;
    if (!repo) return;
    api.notifier?.requestPermission();
    try {
      await api.call('data:push', { repoId: repo.id });
      get().setView('transfers');
    } catch (err) {
      get().reportError('Pushing', err);
    }
  },
  async pullData() {
    const repo = get().repo;
    if (!repo) return;
    api.notifier?.requestPermission();
    try {
      await api.call('data:pull', { repoId: repo.id });
      get().setView('transfers');
    } catch (err) {
      get().reportError('Pulling', err);
    }
  },
  async retryJob(id) {
    try {
      await api.call('jobs:retry', { jobId: id });
    } catch (err) {
      get().reportError('Retrying', err);
    }
  },
});
