/**
 * The nouns of the history module: what a commit's data state is, and what changed against its first
 * parent. Everything here is plain JSON so it crosses IPC and prints with `--json` unchanged.
 */

/** Where an output is declared at a commit. */
export interface OutputSourceRef {
  readonly kind: 'dvcfile' | 'lock';
  /** Repo-relative POSIX path of the `.dvc` file or `dvc.lock`. */
  readonly file: string;
  readonly stage?: string;
}

/** One output as recorded at a commit. */
export interface OutputVersion {
  /** Repo-relative POSIX path of the data. */
  readonly path: string;
  /** `<hex>` or `<hex>.dir`; null when the pointer has no hash yet. */
  readonly md5: string | null;
  readonly size: number | null;
  readonly nfiles: number | null;
  /** True for DVC 2.x pointers (no `hash: md5`): md5-dos2unix hashes, legacy cache layout. */
  readonly legacy: boolean;
  readonly isDir: boolean;
  /** False for `cache: false` outputs, which live in git rather than the cache. */
  readonly cache: boolean;
  readonly source: OutputSourceRef;
}

/** An output that differs from the first parent. */
export interface OutputChange {
  readonly path: string;
  readonly change: 'added' | 'modified' | 'removed';
  readonly old: OutputVersion | null;
  readonly new: OutputVersion | null;
  /** new size - old size (a missing side counts as 0); null when a size is unknown. */
  readonly sizeDelta: number | null;
  /** Same for file counts (a file output counts as 1 file). */
  readonly nfilesDelta: number | null;
}

/** A scalar or structured value from a params or metrics file. */
export type KeyValue = string | number | boolean | null | readonly unknown[] | Readonly<Record<string, unknown>>;

/** One params or metrics key whose value differs between two commits. */
export interface ValueChange {
  /** The file the value comes from (repo-relative POSIX). */
  readonly file: string;
  /** Dotted key path inside the file (`train.lr`). */
  readonly key: string;
  /** 'params' for a params file in the tree, 'dvc.lock' for the values a lock recorded for its stages. */
  readonly source: 'params' | 'dvc.lock' | 'metrics';
  /** Absent (undefined in JS, missing in JSON) when the key did not exist on that side. */
  readonly old?: KeyValue;
  readonly new?: KeyValue;
}

/** The environment fingerprint of a commit: a hash over the environment files present. */
export interface EnvironmentState {
  /** md5 over the sorted `path blob-oid` lines; null when no environment file exists. */
  readonly fingerprint: string | null;
  readonly files: readonly { readonly path: string; readonly oid: string }[];
}

/** A GTO model-registry event read from a tag name. */
export interface GtoTag {
  readonly tag: string;
  readonly artifact: string;
  readonly action: 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate';
  readonly version?: string;
  readonly stage?: string;
  readonly counter?: number;
}

/** Names pointing at a commit. */
export interface CommitRefs {
  readonly branches: readonly string[];
  readonly tags: readonly string[];
  readonly gto: readonly GtoTag[];
  readonly head: boolean;
}

/** One commit of the timeline with its changes against the first parent. */
export interface TimelineCommit {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly author: { readonly name: string; readonly email: string };
  /** Author time, seconds since the epoch, and the offset as written (`+0100`). */
  readonly time: number;
  readonly tz: string;
  /** Committer time, seconds since the epoch. */
  readonly committedAt: number;
  /** First line of the message. */
  readonly subject: string;
  readonly message: string;
  readonly refs: CommitRefs;
  /** Number of files that differ from the first parent (the empty tree for a root commit). */
  readonly filesChanged: number;
  /** The first `CHANGED_FILES_LIMIT` changed paths, sorted. */
  readonly changedFiles: readonly string[];
  /** True when outputs, params, metrics or the environment changed. */
  readonly dataChanged: boolean;
  readonly outputs: readonly OutputChange[];
  readonly params: readonly ValueChange[];
  readonly metrics: readonly ValueChange[];
  readonly environment: { readonly fingerprint: string | null; readonly changed: boolean; readonly files: readonly string[] };
  /** Number of outputs and their total size at this commit (unknown sizes count 0). */
  readonly outputCount: number;
  readonly totalSize: number;
  /** Files at this commit that could not be read (malformed YAML in an old commit, say). */
  readonly warnings: readonly string[];
}

/** How many changed paths a timeline row keeps (the count is always exact). */
export const CHANGED_FILES_LIMIT = 200;
