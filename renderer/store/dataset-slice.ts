import type { DatasetDiff, DatasetHistory, Preview } from '../../shared/model.ts';
import type { Slice } from './types.ts';

export interface DatasetSlice {
  datasetPath: string | null;
  history: DatasetHistory | null;
  diff: DatasetDiff | null;
  /** The two versions compared, each named by the commit where it first appeared. */
  compare: { a: string | null; b: string | null };
  /** The previewed file, and the commit it was read at (null: the workspace). */
  preview: (Preview & { readonly path: string; readonly rev: string | null }) | null;
  openDataset(path: string): Promise<void>;
  setCompare(side: 'a' | 'b', commit: string): Promise<void>;
  loadPreview(path: string, rev?: string): Promise<void>;
}

export const createDatasetSlice: Slice<DatasetSlice> = (api) => (set, get) => ({
  datasetPath: null,
  history: null,
  diff: null,
  compare: { a: null, b: null },
  preview: null,
  async openDataset(path) {
    const repo = get().repo;
    if (!repo) return;
    set({ datasetPath: path, history: null, diff: null, preview: null, compare: { a: null, b: null } });
    get().setView('dataset');
    try {
      const history = await api.call('dataset:history', { repoId: repo.id, path });
      if (get().datasetPath !== path) return;
      set({ history });
      // Compare the two newest versions by default: the question is usually "what changed last".
      const v = history.versions;
      const last = v.at(-1);
      const prev = v.at(-2);
      if (last && prev) {
        set({ compare: { a: prev.firstCommit, b: last.firstCommit } });
        await get().setCompare('b', last.firstCommit);
      }
    } catch (err) {
      get().reportError(`Reading the history of ${path}`, err);
    }
  },
  async setCompare(side, commit) {
    const repo = get().repo;
    const path = get().datasetPath;
    if (!repo || !path) return;
    const compare = { ...get().compare, [side]: commit };
    set({ compare, diff: null });
    if (!compare.a || !compare.b || compare.a === compare.b) return;
    try {
      const diff = await api.call('dataset:diff', { repoId: repo.id, path, a: compare.a, b: compare.b });
      if (get().datasetPath === path) set({ diff });
    } catch (err) {
      get().reportError(`Comparing versions of ${path}`, err);
    }
  },
  async loadPreview(path, rev) {
    const repo = get().repo;
    if (!repo) return;
    try {
      const p = await api.call('dataset:preview', { repoId: repo.id, path, ...(rev ? { rev } : {}) });
      set({ preview: { ...p, path, rev: rev ?? null } });
    } catch (err) {
      get().reportError(`Previewing ${path}`, err);
    }
  },
});
