import type { DroppedFile } from '../api/client.ts';
import type { Slice } from './types.ts';

export interface TrackState {
  readonly step: 'uploading' | 'tracking' | 'commit' | 'committing';
  /** What was dropped, as the paths handed to `data:track`. */
  readonly paths: readonly string[];
  /** The tracked folder the drop landed on, when it was dropped onto a dataset. */
  readonly into: string | null;
  readonly jobId: string | null;
  readonly upload: { readonly loaded: number; readonly total: number } | null;
}

export interface TrackSlice {
  track: TrackState | null;
  /**
   * Tracks dropped files: Electron passes their real paths, browser mode uploads them first. With `into`
   * (a drop onto a tracked folder) the files join that folder and the folder gets a new version.
   */
  dropFiles(files: readonly DroppedFile[], into?: string): Promise<void>;
  commitTracked(message: string, push: boolean): Promise<void>;
  dismissTrack(): void;
}

/** Top-level names of a drop: `images/a.png` and `images/b.png` are one folder, `images`. */
export function topLevel(files: readonly DroppedFile[]): string[] {
  return [...new Set(files.map((f) => f.relPath.split('/')[0]!).filter((n) => n !== ''))];
}

export const createTrackSlice: Slice<TrackSlice> = (api) => (set, get) => ({
  track: null,
  async dropFiles(files, into) {
    const repo = get().repo;
    if (!repo || files.length === 0) return;
    if (repo.needsInit) {
      get().reportError('Tracking dropped files', { code: 'NOT_A_DVC_REPO', message: 'Initialise data versioning for this repository before tracking files.', data: {} });
      return;
    }
    try {
      let paths: string[];
      if (get().info?.dropMode === 'paths' && api.pathForFile) {
        // Electron: a dropped folder arrives as one File whose real path webUtils resolves.
        paths = [...new Set(files.map((f) => api.pathForFile!(f.file)).filter((p) => p !== ''))];
      } else {
        if (!api.upload) throw new Error('This window cannot upload files.');
        const names = topLevel(files);
        paths = names.map((n) => (into ? `${into}/${n}` : n));
        const total = files.reduce((n, f) => n + f.file.size, 0);
        set({ track: { step: 'uploading', paths, into: into ?? null, jobId: null, upload: { loaded: 0, total } } });
        await api.upload(repo.id, files, into ?? '', (loaded, t) => {
          const cur = get().track;
          if (cur?.step === 'uploading') set({ track: { ...cur, upload: { loaded, total: t } } });
        });
      }
      const { jobId } = await api.call('data:track', { repoId: repo.id, paths, ...(into ? { into } : {}) });
      set({ track: { step: 'tracking', paths, into: into ?? null, jobId, upload: null } });
    } catch (err) {
      set({ track: null });
      get().reportError('Tracking dropped files', err);
    }
  },
  async commitTracked(message, push) {
    const repo = get().repo;
    const t = get().track;
    if (!repo || !t) return;
    // A push can take a while: ask (from this click) whether the browser may tell the user when it is done.
    if (push) api.notifier?.requestPermission();
    try {
      const { jobId } = await api.call('data:commit', { repoId: repo.id, message, push });
      set({ track: { ...t, step: 'committing', jobId } });
    } catch (err) {
      get().reportError('Committing', err);
    }
  },
  dismissTrack: () => set({ track: null }),
});
