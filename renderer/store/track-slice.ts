import type { DroppedFile } from '../api/client.ts';
import type { Slice } from './types.ts';

export interface TrackState {
  readonly step: 'uploading' | 'tracking' | 'commit' | 'committing';
  /** What was dropped, as the paths handed to `data:track`. */
  readonly paths: readonly string[];
  readonly jobId: string | null;
  readonly upload: { readonly loaded: number; readonly total: number } | null;
}

export interface TrackSlice {
  track: TrackState | null;
  /** Tracks dropped files: Electron passes their real paths, browser mode uploads them first. */
  dropFiles(files: readonly DroppedFile[], destination?: string): Promise<void>;
  commitTracked(message: string, push: boolean): Promise<void>;
  dismissTrack(): void;
}

/** Top-level names of a drop: `images/a.png` and `images/b.png` are one folder, `images`. */
export function topLevel(files: readonly DroppedFile[]): string[] {
  return [...new Set(files.map((f) => f.relPath.split('/')[0]!).filter((n) => n !== ''))];
}

export const createTrackSlice: Slice<TrackSlice> = (api) => (set, get) => ({
  track: null,
  async dropFiles(files, destination) {
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
        paths = names.map((n) => (destination ? `${destination}/${n}` : n));
        const total = files.reduce((n, f) => n + f.file.size, 0);
        set({ track: { step: 'uploading', paths, jobId: null, upload: { loaded: 0, total } } });
        await api.upload(repo.id, files, destination ?? '', (loaded, t) => {
          const cur = get().track;
          if (cur?.step === 'uploading') set({ track: { ...cur, upload: { loaded, total: t } } });
        });
      }
      const { jobId } = await api.call('data:track', { repoId: repo.id, paths, ...(destination ? { destination } : {}) });
      set({ track: { step: 'tracking', paths, jobId, upload: null } });
    } catch (err) {
      set({ track: null });
      get().reportError('Tracking dropped files', err);
    }
  },
  async commitTracked(message, push) {
    const repo = get().repo;
    const t = get().track;
    if (!repo || !t) return;
    try {
      const { jobId } = await api.call('data:commit', { repoId: repo.id, message, push });
      set({ track: { ...t, step: 'committing', jobId } });
    } catch (err) {
      get().reportError('Committing', err);
    }
  },
  dismissTrack: () => set({ track: null }),
});
