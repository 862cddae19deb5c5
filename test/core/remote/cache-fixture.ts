import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { manifestOid, serializeManifest } from '../../../electron/core/dvc/manifest.ts';
import { md5Bytes } from '../../../electron/core/hash/md5-file.ts';
import type { ObjectGroup } from '../../../electron/core/remote/upload-objects.ts';
import type { ObjectRef } from '../../../electron/core/remote/types.ts';

/** A cache holding one directory of `n` small files (with its `.dir`) plus one loose file. */
export interface CacheFixture {
  readonly odb: ObjectStore;
  readonly groups: ObjectGroup[];
  readonly dir: ObjectRef;
  readonly entries: ObjectRef[];
  readonly loose: ObjectRef;
  readonly contents: Map<string, Buffer>;
}

/** Builds the fixture cache under `root` from deterministic small contents (tag makes them unique per test). */
export async function buildCache(root: string, n: number, tag: string): Promise<CacheFixture> {
  const odb = new ObjectStore(path.join(root, 'cache'));
  const contents = new Map<string, Buffer>();
  const entries: ObjectRef[] = [];
  const manifest = [];
  for (let i = 0; i < n; i++) {
    const body = Buffer.from(`${tag} file ${i}\n`.repeat(50 + i));
    const md5 = md5Bytes(body);
    const src = path.join(root, `src-${i}`);
    await writeFile(src, body);
    await odb.addFile(src, md5, 'md5', { move: true });
    contents.set(md5, body);
    entries.push({ oid: md5, hashName: 'md5', size: body.length });
    manifest.push({ relpath: `f${String(i).padStart(4, '0')}.txt`, md5, size: body.length });
  }
  const bytes = serializeManifest(manifest);
  const dirOid = manifestOid(bytes);
  await odb.addBytes(dirOid, 'md5', bytes);
  contents.set(dirOid, bytes);
  const looseBody = Buffer.from(`${tag} loose file\n`);
  const looseMd5 = md5Bytes(looseBody);
  await odb.addBytes(looseMd5, 'md5', looseBody);
  contents.set(looseMd5, looseBody);
  const dir: ObjectRef = { oid: dirOid, hashName: 'md5', size: bytes.length };
  const loose: ObjectRef = { oid: looseMd5, hashName: 'md5', size: looseBody.length };
  return { odb, dir, entries, loose, contents, groups: [{ dir, files: entries }, { files: [loose] }] };
}
