import path from 'node:path';
import type { ObjectStore } from '../cache/odb.ts';
import { loadYaml } from '../dvc/yaml-load.ts';
import { LockstepError, isLockstepError } from '../errors/index.ts';
import type { TreeMemo } from '../git/read-at.ts';
import { listFilesAt, readBlobByOid } from '../git/read-at.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { TrackedOutput } from '../repo/outputs.ts';

/** Object ids in use, per cache layout (a 3.x oid does not protect a legacy object and vice versa). */
export interface UsedObjects {
  readonly md5: Set<string>;
  readonly 'md5-dos2unix': Set<string>;
  /** `.dir` objects referenced but absent locally: their files cannot be known, so they are reported. */
  readonly unknownDirs: Set<string>;
}

/** An empty used set. */
export function emptyUsed(): UsedObjects {
  return { md5: new Set(), 'md5-dos2unix': new Set(), unknownDirs: new Set() };
}

/** Marks an output hash as used; a `.dir` also marks every file its manifest lists. */
export async function markUsed(used: UsedObjects, odb: ObjectStore, oid: string, hashName: HashName, seenDirs: Set<string>): Promise<void> {
  used[hashName].add(oid);
  if (!oid.endsWith('.dir')) return;
  const key = `${hashName}:${oid}`;
  if (seenDirs.has(key)) return;
  seenDirs.add(key);
  try {
    for (const e of await odb.readManifest(oid, hashName)) used[hashName].add(e.md5);
  } catch (err) {
    if (isLockstepError(err, 'MISSING_OBJECT') || isLockstepError(err, 'CORRUPT_OBJECT')) used.unknownDirs.add(oid);
    else throw err;
  }
}

/** Marks the outputs currently in the workspace's pointer files. */
export async function markWorkspace(used: UsedObjects, odb: ObjectStore, outputs: readonly TrackedOutput[], seenDirs: Set<string>): Promise<void> {
  for (const t of outputs) {
    if (t.output.md5 && t.output.cache) await markUsed(used, odb, t.output.md5, t.output.hashName, seenDirs);
  }
}

/**
 * Marks every output recorded in `.dvc` files and `dvc.lock` files of the given commits. Pointer blobs
 * are parsed once each (many commits share them) and leniently: any `outs` entry with an md5 counts,
 * even in files the strict schema would reject (old 0.x files in history), because gc must err on
 * the side of keeping data. A blob that is not YAML at all stops gc, naming commit and file.
 */
export async function markCommits(
  used: UsedObjects,
  odb: ObjectStore,
  gitRoot: string,
  commits: readonly string[],
  opts: { signal?: AbortSignal; onCommit?: (done: number) => void; seenDirs: Set<string> },
): Promise<void> {
  const memo: TreeMemo = new Map();
  const parsedBlobs = new Set<string>();
  let done = 0;
  for (const commit of commits) {
    throwIfAborted(opts.signal);
    const files = await listFilesAt(gitRoot, commit, (n) => n.endsWith('.dvc') || n === 'dvc.lock', { memo, signal: opts.signal });
    for (const f of files) {
      if (parsedBlobs.has(f.oid)) continue;
      parsedBlobs.add(f.oid);
      const text = Buffer.from(await readBlobByOid(gitRoot, f.oid)).toString('utf8');
      for (const o of outsInText(text, `${f.path} at commit ${commit.slice(0, 8)}`, path.posix.basename(f.path) === 'dvc.lock')) {
        await markUsed(used, odb, o.oid, o.hashName, opts.seenDirs);
      }
    }
    opts.onCommit?.(++done);
  }
}

function outsInText(text: string, where: string, isLock: boolean): { oid: string; hashName: HashName }[] {
  let value: unknown;
  try {
    value = loadYaml(text, where).value;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new LockstepError('PARSE_ERROR', `gc cannot read ${where}, so it cannot tell which data that version uses: ${detail}. Nothing was deleted; use a narrower scope (without --all-commits) or fix the history.`, { file: where }, { cause: err });
  }
  const lists: unknown[] = [];
  if (isLock) {
    const stages = (value as { stages?: unknown } | null)?.stages;
    if (stages && typeof stages === 'object') for (const s of Object.values(stages)) lists.push((s as { outs?: unknown } | null)?.outs);
  } else {
    lists.push((value as { outs?: unknown } | null)?.outs);
  }
  const found: { oid: string; hashName: HashName }[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!entry || typeof entry !== 'object') continue;
      const e = entry as Record<string, unknown>;
      const raw = typeof e.md5 === 'number' ? String(e.md5) : e.md5;
      if (typeof raw !== 'string' || !/^[0-9a-fA-F]{32}(\.dir)?$/.test(raw)) continue;
      if (e.cache === false) continue;
      found.push({ oid: raw.toLowerCase(), hashName: e.hash === 'md5' ? 'md5' : 'md5-dos2unix' });
    }
  }
  return found;
}
