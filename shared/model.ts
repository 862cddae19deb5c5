/**
 * The nouns the app's two sides share. Pure data: every value here crosses IPC or a WebSocket as JSON,
 * so no classes, no Dates (ISO strings or epoch ms instead), no Maps.
 */
import type { Progress } from './progress.ts';

/** How a checkout places a file from the cache into the workspace (DVC's `cache.type`). */
export type LinkType = 'reflink' | 'hardlink' | 'symlink' | 'copy';

/** What the transport knows about the process it talks to. */
export interface AppInfo {
  readonly mode: 'electron' | 'browser';
  readonly version: string;
  /** Repository the app was started with (`lockstep ui --repo`), opened at start-up when set. */
  readonly initialRepo?: string;
  /** Electron can show a native folder picker; browser mode asks for a path instead. */
  readonly canPickFolder: boolean;
  /** Browser mode uploads dropped files; Electron tracks the dropped paths where they are. */
  readonly dropMode: 'paths' | 'upload';
}

/** An open repository as the UI sees it. `id` is the handle every repo-scoped request carries. */
export interface RepoSummary {
  readonly id: string;
  readonly root: string;
  readonly name: string;
  /** A git repository without `.dvc/`: the UI offers `init`. */
  readonly needsInit: boolean;
  readonly branch: string | null;
  readonly head: string | null;
  readonly defaultRemote: string | null;
}

export interface RecentRepo {
  readonly path: string;
  readonly name: string;
  readonly openedAt: number;
}

/** Per-output state shown as badges in the sidebar. */
export type OutputBadge = 'ok' | 'modified' | 'missing' | 'not-in-cache' | 'not-pushed' | 'new';

export interface TrackedItem {
  /** Repo-relative POSIX path of the output. */
  readonly path: string;
  /** The file that records it: `data.dvc` or `dvc.lock`. */
  readonly source: string;
  readonly md5: string | null;
  readonly isDir: boolean;
  readonly size: number | null;
  readonly nfiles: number | null;
  readonly badges: readonly OutputBadge[];
  /** File-level detail for folders: counts of changed entries. */
  readonly changed?: { readonly added: number; readonly modified: number; readonly deleted: number };
}

export interface RemoteHealth {
  readonly name: string;
  readonly state: 'unknown' | 'ok' | 'error';
  readonly message?: string;
}

export interface RepoStatus {
  readonly items: readonly TrackedItem[];
  /** Git-level: uncommitted changes to pointer files or code. */
  readonly dirtyFiles: number;
  readonly remote: RemoteHealth | null;
  readonly checkedAt: number;
}

/** A data change of one output in one commit against its first parent. */
export interface DataChange {
  readonly path: string;
  readonly change: 'added' | 'modified' | 'removed';
  readonly sizeDelta: number | null;
  /** Change in file count (a single-file output counts as one file). */
  readonly nfilesDelta: number | null;
}

export interface ValueChange {
  readonly key: string;
  readonly file: string;
  readonly old: string | number | boolean | null;
  readonly new: string | number | boolean | null;
}

export interface RefChip {
  readonly name: string;
  readonly kind: 'branch' | 'tag' | 'model' | 'head';
}

/** One timeline row. */
export interface TimelineCommit {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly message: string;
  readonly author: string;
  /** Epoch milliseconds. */
  readonly date: number;
  readonly refs: readonly RefChip[];
  readonly data: readonly DataChange[];
  readonly params: readonly ValueChange[];
  readonly metrics: readonly ValueChange[];
  readonly envChanged: boolean;
}

export interface TimelinePage {
  readonly commits: readonly TimelineCommit[];
  /** Commits matching the filter, for the virtual list's height. */
  readonly total: number;
  readonly offset: number;
}

export type Availability = 'local' | 'remote' | 'missing';

export interface CommitOutput {
  readonly path: string;
  readonly md5: string | null;
  readonly size: number | null;
  readonly nfiles: number | null;
  readonly availability: Availability;
}

export interface CommitDetail {
  readonly commit: TimelineCommit;
  readonly outputs: readonly CommitOutput[];
  readonly codeFiles: readonly string[];
  /** Hash of the environment files (requirements.txt, uv.lock, ...) or null when there are none. */
  readonly environment: { readonly fingerprint: string | null; readonly files: readonly string[]; readonly changed: boolean };
}

export interface DatasetVersion {
  readonly md5: string;
  readonly firstCommit: string;
  readonly lastCommit: string;
  readonly date: number;
  readonly size: number | null;
  readonly nfiles: number | null;
  readonly availability: Availability;
}

export interface DatasetHistory {
  readonly path: string;
  readonly versions: readonly DatasetVersion[];
}

export interface FileDiffEntry {
  readonly relpath: string;
  readonly change: 'added' | 'removed' | 'modified';
  readonly oldSize: number | null;
  readonly newSize: number | null;
}

export interface CsvSummary {
  readonly relpath: string;
  readonly oldRows: number | null;
  readonly newRows: number | null;
  readonly oldColumns: readonly string[];
  readonly newColumns: readonly string[];
  /** Data rows only in the new / only in the old version (a changed row counts once on each side). */
  readonly addedRows: number;
  readonly removedRows: number;
  readonly addedSample: readonly string[];
  readonly removedSample: readonly string[];
}

export interface DatasetDiff {
  readonly path: string;
  readonly a: string;
  readonly b: string;
  readonly files: readonly FileDiffEntry[];
  /** True when `files` was cut short; `totalChanged` has the full count. */
  readonly truncated: boolean;
  readonly totalChanged: number;
  readonly csv: readonly CsvSummary[];
}

export type Preview =
  | { readonly kind: 'csv'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'image'; readonly mime: string; readonly dataUrl: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'none'; readonly reason: string };

export interface RestorePlanEntry {
  readonly path: string;
  readonly action: 'create' | 'replace' | 'remove';
  readonly bytes: number | null;
}

export interface RestorePlan {
  readonly rev: string;
  readonly dataOnly: boolean;
  readonly entries: readonly RestorePlanEntry[];
  readonly bytesToDownload: number;
  /** Files whose bytes exist nowhere else and uncommitted code: the UI must ask before touching them. */
  readonly unsaved: readonly string[];
  readonly uncommittedCode: readonly string[];
}

export interface RemoteConfig {
  readonly name: string;
  readonly kind: 's3' | 'local';
  readonly url: string;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly isDefault: boolean;
}

export interface RepoSettings {
  readonly linkTypes: readonly LinkType[];
  readonly defaultRemote: string | null;
}

export type JobKind = 'track' | 'commit' | 'push' | 'pull' | 'fetch' | 'restore' | 'undo' | 'status' | 'upload';
export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

/** The latest progress of a job: the engine's Progress plus rate and ETA computed by the service. */
export interface JobProgress extends Progress {
  /** Units per second over the last few seconds, when measurable. */
  readonly rate?: number;
  readonly etaMs?: number;
}

/** A job snapshot; every progress event carries one. */
export interface Job {
  readonly id: string;
  readonly kind: JobKind;
  readonly repoId: string;
  readonly title: string;
  readonly state: JobState;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly progress?: JobProgress;
  readonly result?: unknown;
  readonly error?: SerializedErrorBody;
  /** Jobs that can be started again with the same input (failed or cancelled transfers). */
  readonly retryable: boolean;
}

/** The error body that crosses the wire; `code` is one of ERROR_CODES or a transport code. */
export interface SerializedErrorBody {
  readonly code: string;
  readonly message: string;
  readonly data: Record<string, unknown>;
}
