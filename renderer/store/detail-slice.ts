import type { CommitDetail, RestorePlan } from '../../shared/model.ts';
import type { Slice } from './types.ts';

export interface RestoreState {
  readonly rev: string;
  readonly dataOnly: boolean;
  readonly plan: RestorePlan | null;
  /** 'plan': showing the plan; 'running': job in flight; 'done': finished, offering undo. */
  readonly step: 'loading' | 'plan' | 'running' | 'done';
  readonly jobId: string | null;
  readonly undoJobId: string | null;
}

export interface DetailSlice {
  detail: CommitDetail | null;
  detailLoading: boolean;
  restore: RestoreState | null;
  loadDetail(oid: string): Promise<void>;
  /** Opens the restore dialog with its plan. */
  planRestore(rev: string, dataOnly: boolean): Promise<void>;
  /** Runs the planned restore; `save` keeps unsaved work recoverable for undo. */
  runRestore(onUnsaved: 'refuse' | 'save'): Promise<void>;
  undoRestore(): Promise<void>;
  closeRestore(): void;
}

export const createDetailSlice: Slice<DetailSlice> = (api) => (set, get) => ({
  detail: null,
  detailLoading: false,
  restore: null,
  async loadDetail(oid) {
    const repo = get().repo;
    if (!repo) return;
    set({ detailLoading: true });
    try {
      const detail = await api.call('commit:detail', { repoId: repo.id, oid });
      if (get().selectedOid === oid) set({ detail });
    } catch (err) {
      get().reportError('Reading the commit', err);
    } finally {
      set({ detailLoading: false });
    }
  },
  async planRestore(rev, dataOnly) {
    const repo = get().repo;
    if (!repo) return;
    set({ restore: { rev, dataOnly, plan: null, step: 'loading', jobId: null, undoJobId: null } });
    try {
      const plan = await api.call('restore:plan', { repoId: repo.id, rev, dataOnly });
      set({ restore: { rev, dataOnly, plan, step: 'plan', jobId: null, undoJobId: null } });
    } catch (err) {
      set({ restore: null });
      get().reportError('Preparing the restore plan', err);
    }
  },
  async runRestore(onUnsaved) {
    const repo = get().repo;
    const r = get().restore;
    if (!repo || !r) return;
    api.notifier?.requestPermission();
    try {
      const { jobId } = await api.call('restore:run', { repoId: repo.id, rev: r.rev, dataOnly: r.dataOnly, onUnsaved });
      set({ restore: { ...r, step: 'running', jobId } });
    } catch (err) {
      get().reportError('Starting the restore', err);
    }
  },
  async undoRestore() {
    const repo = get().repo;
    const r = get().restore;
    if (!repo) return;
    try {
      const { jobId } = await api.call('restore:undo', { repoId: repo.id });
      if (r) set({ restore: { ...r, undoJobId: jobId } });
    } catch (err) {
      get().reportError('Undoing the restore', err);
    }
  },
  closeRestore: () => set({ restore: null }),
});
