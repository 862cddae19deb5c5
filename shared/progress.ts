/**
 * Progress is data: one plain object per update, tagged by phase, so the CLI can draw a bar, the app can
 * stream it over IPC, and tests can assert on it. `loaded`/`total` count bytes unless `unit` says files.
 */
export interface Progress {
  /** What the operation is doing now: 'walk', 'hash', 'cache', 'link', 'upload', 'download', 'verify', ... */
  readonly phase: string;
  readonly loaded: number;
  readonly total?: number;
  readonly unit?: 'bytes' | 'files' | 'objects';
  /** Files (or objects) done / total, alongside byte counts. */
  readonly files?: number;
  readonly filesTotal?: number;
  /** The item being worked on, repo-relative, for display only. */
  readonly current?: string;
  readonly message?: string;
}
