import { loadDvcIgnore } from '../dvc/dvcignore.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import { collectOutputs } from '../repo/outputs.ts';
import { stat } from 'node:fs/promises';
import { isKnownComplete, missingDirObjects } from './cache-complete.ts';
import { missingObjects } from './cache-presence.ts';
import { recordedHashes } from './output-record.ts';
import { selectOutputs } from './targets.ts';
import type { DirListing } from './workspace-state.ts';
import { hashWorkspaceOutput, listDir, snapshotOid } from './workspace-state.ts';

/** The `.dir` object of an empty folder (manifest `[]`). */
const EMPTY_DIR_OID = 'd751713988987e9331980363e24189ce.dir';

/** Options for {@link status}. */
export interface StatusOptions extends RunOptions {
  /** Outputs, folders or pointer files to check (default: all). */
  readonly targets?: readonly string[];
  readonly cwd?: string;
}

/**
 * One output's state. `modified`: the workspace differs from the pointer; `missing`: the data is not in
 * the workspace; `not-in-cache`: the workspace matches but the recorded version is not (fully) saved
 * in the local cache; `uncommitted`: the pointer has no hash yet.
 */
export type OutputState = 'ok' | 'modified' | 'missing' | 'not-in-cache' | 'uncommitted';

/** Status of one tracked output. */
export interface OutputStatus {
  readonly path: string;
  readonly source: { readonly kind: 'dvcfile' | 'lock'; readonly file: string; readonly stage?: string };
  readonly state: OutputState;
  /** File-level detail inside a modified folder (paths relative to the folder). */
  readonly changes?: { readonly added: string[]; readonly deleted: string[]; readonly modified: string[] };
  /** How many of the recorded version's objects are not in the cache. */
  readonly missingObjects?: number;
}

/** Result of {@link status}. */
export interface StatusResult {
  readonly outputs: OutputStatus[];
  /** True when every output is `ok`. */
  readonly clean: boolean;
}

/**
 * `lockstep status`: compares every tracked output's workspace data with its pointer, and the
 * recorded version with the cache. Unchanged files are recognised by the state index without being
 * read again. Read-only: takes no repository lock.
 */
export async function status(repo: Repo, options: StatusOptions = {}): Promise<StatusResult> {
  const { targets, cwd = repo.root, signal, onProgress } = options;
  const all = await collectOutputs(repo, { signal });
  const selected = selectOutputs(repo.root, all, targets, cwd);
  const ignore = await loadDvcIgnore(repo.root);
  const results: OutputStatus[] = [];
  for (const t of selected) {
    throwIfAborted(signal);
    results.push(await outputStatus(repo, t, ignore, { signal, onProgress }));
  }
  return { outputs: results, clean: results.every((r) => r.state === 'ok') };
}

async function outputStatus(repo: Repo, t: TrackedOutput, ignore: Awaited<ReturnType<typeof loadDvcIgnore>>, run: RunOptions): Promise<OutputStatus> {
  const base = { path: t.relPath, source: { kind: t.source.kind, file: t.source.file, ...(t.source.stage ? { stage: t.source.stage } : {}) } };
  const out = t.output;
  const md5 = out.md5;
  let listing: DirListing | undefined;
  if (md5 !== null && md5.endsWith('.dir') && (await isDir(t.absPath))) {
    listing = await listDir(t.absPath, { repoRoot: repo.root, ignore, signal: run.signal });
    // Fast path for an unchanged folder: its stat listing proves the recorded oid and the cache still holds
    // everything it held when this version was last found complete. Neither manifest nor cache is read.
    if (snapshotOid(repo.index, listing, out.hashName) === md5) {
      if (!out.cache) return { ...base, state: 'ok' };
      if (isKnownComplete(repo.odb, repo.index, md5, out.hashName)) return { ...base, state: 'ok' };
    }
  }
  const recorded = await recordedHashes(repo.odb, out);
  const ws = await hashWorkspaceOutput(t.absPath, { index: repo.index, repoRoot: repo.root, ignore, hashName: out.hashName, recorded, listing, signal: run.signal, onProgress: run.onProgress });
  if (md5 === null) return { ...base, state: ws.kind === 'missing' ? 'missing' : 'uncommitted' };
  if (ws.kind === 'missing') return { ...base, state: 'missing' };
  if (ws.oid !== md5) {
    // File-level detail needs the recorded manifest; without it (not in the cache) only the folder is reported.
    const manifestKnown = recorded.size > 0 || md5 === EMPTY_DIR_OID;
    const changes = ws.kind === 'dir' && md5.endsWith('.dir') && manifestKnown ? diffFiles(recorded, ws.files) : undefined;
    return { ...base, state: 'modified', ...(changes ? { changes } : {}) };
  }
  if (!out.cache) return { ...base, state: 'ok' };
  const missing =
    ws.kind === 'dir'
      ? await missingDirObjects(repo.odb, repo.index, md5, out.hashName, () => Promise.resolve(ws.files.map((f) => f.md5)))
      : (await missingObjects(repo.odb, [md5], out.hashName)).length;
  if (missing > 0) return { ...base, state: 'not-in-cache', missingObjects: missing };
  return { ...base, state: 'ok' };
}

async function isDir(absPath: string): Promise<boolean> {
  return stat(absPath).then((st) => st.isDirectory(), () => false);
}

/** File-level differences between the recorded manifest and the workspace folder. */
function diffFiles(recorded: ReadonlyMap<string, string>, files: readonly { relpath: string; md5: string }[]): { added: string[]; deleted: string[]; modified: string[] } {
  const added: string[] = [];
  const modified: string[] = [];
  const present = new Set<string>();
  for (const f of files) {
    present.add(f.relpath);
    const was = recorded.get(f.relpath);
    if (was === undefined) added.push(f.relpath);
    else if (was !== f.md5) modified.push(f.relpath);
  }
  const deleted = [...recorded.keys()].filter((k) => !present.has(k)).sort();
  return { added, deleted, modified };
}
