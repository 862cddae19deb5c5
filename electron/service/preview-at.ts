import { lstat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { HashName } from '../core/hash/hash-pool.ts';
import { dataStateAt } from '../core/history/commit-state.ts';
import { ensureObjects, hasRemote } from '../core/history/ensure-objects.ts';
import { openHistoryGit } from '../core/history/history-git.ts';
import { resolveRev } from '../core/history/resolve-rev.ts';
import { objectKey } from '../core/remote/object-key.ts';
import { openRemote } from '../core/remote/open-remote.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { Preview } from '../../shared/model.ts';
import { isImageName, previewBytesFor, previewFromHead } from './preview-format.ts';
import { readHead } from './preview.ts';

/** One file's bytes as recorded at a commit. */
interface FileObject {
  readonly md5: string;
  readonly hashName: HashName;
  readonly size: number | null;
}

/**
 * The object holding `relPath` at a commit: the output itself when it is a single file, or the entry of a
 * folder output's `.dir` listing (the listing is fetched into the cache when missing: it is small and the
 * diff view needs it too). A folder output itself has no single object: 'folder'.
 */
async function objectAt(repo: Repo, rev: string, relPath: string): Promise<FileObject | 'folder' | null> {
  const git = openHistoryGit(repo);
  let outputs;
  try {
    outputs = (await dataStateAt(git, await resolveRev(git, rev))).outputs;
  } finally {
    git.close();
  }
  const hashOf = (legacy: boolean): HashName => (legacy ? 'md5-dos2unix' : 'md5');
  const own = outputs.get(relPath);
  if (own) return own.isDir ? 'folder' : own.md5 ? { md5: own.md5, hashName: hashOf(own.legacy), size: own.size } : null;
  for (const o of outputs.values()) {
    if (!o.isDir || !o.md5 || !relPath.startsWith(`${o.path}/`)) continue;
    const hashName = hashOf(o.legacy);
    const { missing } = await ensureObjects(repo, [{ oid: o.md5, hashName }]);
    if (missing.length > 0) return null;
    const rel = relPath.slice(o.path.length + 1);
    const entry = (await repo.odb.readManifest(o.md5, hashName)).find((e) => e.relpath === rel);
    return entry ? { md5: entry.md5, hashName, size: entry.size ?? null } : null;
  }
  return null;
}

/** Reads at most `max` bytes of a stream, then stops it: a remote preview never downloads a whole file. */
async function headOfStream(stream: Readable, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      parts.push(chunk);
      got += chunk.length;
      if (got >= max) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, max);
}

/**
 * A preview of `relPath` as it was at `rev`: the pointer at that commit names the object, which is read
 * from the cache, or else streamed from the default remote, at most the preview's byte budget (4 MB for an
 * image, 64 KB for a CSV head) and never stored: a preview must not fill the cache with whole files.
 */
export async function previewAt(repo: Repo, relPath: string, rev: string, signal?: AbortSignal): Promise<Preview> {
  const obj = await objectAt(repo, rev, relPath);
  if (obj === 'folder') return { kind: 'none', reason: 'A folder: pick a file inside it.' };
  if (!obj) return { kind: 'none', reason: `${relPath} is not tracked at ${rev.slice(0, 8)}.` };
  const max = previewBytesFor(relPath);
  const cached = repo.odb.pathFor(obj.md5, obj.hashName);
  if (await lstat(cached).then(() => true, () => false)) {
    const head = await readHead(cached, max);
    return previewFromHead(relPath, head.buf, head.size);
  }
  if (!hasRemote(repo)) return { kind: 'none', reason: `This version of ${relPath} is not in the local cache and no remote is configured.` };
  // An image too big to show is not worth a request.
  if (isImageName(relPath) && obj.size !== null && obj.size > max) return previewFromHead(relPath, Buffer.alloc(0), obj.size);
  const opened = await openRemote(repo.config, repo.dvcDir);
  try {
    const body = await opened.remote.read(objectKey(obj.md5, obj.hashName), { signal });
    const head = await headOfStream(body.stream, max);
    return previewFromHead(relPath, head, body.size);
  } catch (err) {
    return { kind: 'none', reason: `This version of ${relPath} is not in the local cache, and remote ${opened.remote.name} could not supply it: ${(err as Error).message}` };
  } finally {
    opened.remote.close();
  }
}
