import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parseManifest, type ManifestEntry } from '../core/dvc/manifest.ts';
import { LockstepError } from '../core/errors/index.ts';
import type { OutputVersion } from '../core/history/types.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { CsvSummary, DatasetDiff, FileDiffEntry } from '../../shared/model.ts';
import { outputsAtCommit } from './outputs-at.ts';

const hashNameOf = (v: OutputVersion) => (v.legacy ? 'md5-dos2unix' : 'md5') as 'md5' | 'md5-dos2unix';

async function versionAt(repo: Repo, commit: string, path: string): Promise<OutputVersion | null> {
  return (await outputsAtCommit(repo, commit)).find((o) => o.path === path) ?? null;
}

/** A version's file list: the `.dir` manifest from the cache, or the single file itself. */
async function entriesOf(repo: Repo, v: OutputVersion | null): Promise<ManifestEntry[]> {
  if (!v?.md5) return [];
  if (!v.md5.endsWith('.dir')) return [{ relpath: '', md5: v.md5, ...(v.size !== null ? { size: v.size } : {}) }];
  const file = repo.odb.pathFor(v.md5, hashNameOf(v));
  try {
    return parseManifest(await readFile(file), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new LockstepError('MISSING_OBJECT', `The file list of ${v.path} (${v.md5}) is not in the local cache. Pull or fetch it from the remote, then compare again.`, { path: v.path, md5: v.md5 });
    }
    throw err;
  }
}

/** Rows (newline count) and the header of a cached CSV/TSV object, streamed. */
async function csvShape(file: string): Promise<{ rows: number; header: string[] } | null> {
  let rows = 0;
  let head = '';
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      if (head.length < 65536 && !head.includes('\n')) head += chunk.toString('utf8', 0, Math.min(chunk.length, 65536));
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
    }
  } catch {
    return null;
  }
  const first = head.split(/\r?\n/)[0] ?? '';
  const sep = file.endsWith('.tsv') || (first.includes('\t') && !first.includes(',')) ? '\t' : ',';
  return { rows: Math.max(0, rows - 1), header: first === '' ? [] : first.split(sep) };
}

/**
 * Files added, removed and modified between two versions of an output (from the `.dir` manifests, by
 * md5), with row counts and header changes for up to `csvLimit` changed CSV/TSV files in the cache.
 */
export async function diffDataset(repo: Repo, path: string, a: string, b: string, limit = 5000, csvLimit = 10): Promise<DatasetDiff> {
  const [va, vb] = await Promise.all([versionAt(repo, a, path), versionAt(repo, b, path)]);
  const [ea, eb] = await Promise.all([entriesOf(repo, va), entriesOf(repo, vb)]);
  const before = new Map(ea.map((e) => [e.relpath, e]));
  const after = new Map(eb.map((e) => [e.relpath, e]));
  const files: FileDiffEntry[] = [];
  for (const [rel, e] of after) {
    const old = before.get(rel);
    if (!old) files.push({ relpath: rel, change: 'added', oldSize: null, newSize: e.size ?? null });
    else if (old.md5 !== e.md5) files.push({ relpath: rel, change: 'modified', oldSize: old.size ?? null, newSize: e.size ?? null });
  }
  for (const [rel, e] of before) if (!after.has(rel)) files.push({ relpath: rel, change: 'removed', oldSize: e.size ?? null, newSize: null });
  files.sort((x, y) => (x.relpath < y.relpath ? -1 : 1));
  const csv: CsvSummary[] = [];
  for (const f of files) {
    if (csv.length >= csvLimit) break;
    const name = f.relpath || path;
    if (!/\.(csv|tsv)$/i.test(name)) continue;
    const shape = async (e: ManifestEntry | undefined, v: OutputVersion | null) => (e && v ? csvShape(repo.odb.pathFor(e.md5, hashNameOf(v))) : null);
    const [sa, sb] = await Promise.all([shape(before.get(f.relpath), va), shape(after.get(f.relpath), vb)]);
    csv.push({ relpath: name, oldRows: sa?.rows ?? null, newRows: sb?.rows ?? null, oldColumns: sa?.header ?? [], newColumns: sb?.header ?? [], addedSample: [], removedSample: [] });
  }
  return { path, a: va?.md5 ?? a, b: vb?.md5 ?? b, files: files.slice(0, limit), truncated: files.length > limit, totalChanged: files.length, csv };
}
