/**
 * `.dir` manifests (dvc-format.md §3.3): a JSON array of `{"md5": ..., "relpath": ...}` sorted by relpath in
 * code-point order and serialised exactly like Python's `json.dumps(list, sort_keys=True)`. The directory's
 * oid is the md5 of those bytes plus `.dir`, so a single differing byte changes every hash above it.
 */
import { createHash } from 'node:crypto';
import { LockstepError } from '../errors/index.ts';
import { compareCodePoints, pyJsonString } from './py-json.ts';
import { checkRelPosix } from './safe-path.ts';

/** One file of a directory output. `size` is kept in memory only; DVC's manifest bytes never hold it. */
export interface ManifestEntry {
  relpath: string;
  md5: string;
  size?: number;
}

/** The manifest bytes DVC writes for `entries` (sorted here; duplicates are a bug in the caller). */
export function serializeManifest(entries: readonly ManifestEntry[]): Buffer {
  // Without surrogates (astral characters) UTF-16 order equals code-point order and `<` is much faster.
  const astral = entries.some((e) => /[\ud800-\udfff]/.test(e.relpath));
  const sorted = [...entries].sort(astral ? (a, b) => compareCodePoints(a.relpath, b.relpath) : (a, b) => (a.relpath < b.relpath ? -1 : a.relpath > b.relpath ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i] as ManifestEntry).relpath === (sorted[i - 1] as ManifestEntry).relpath) {
      throw new LockstepError('INTERNAL', `Directory manifest has the path ${JSON.stringify((sorted[i] as ManifestEntry).relpath)} twice.`);
    }
  }
  const body = sorted.map((e) => `{"md5": ${pyJsonString(e.md5)}, "relpath": ${pyJsonString(e.relpath)}}`).join(', ');
  return Buffer.from(`[${body}]`, 'utf8');
}

/** `<md5 of the bytes>.dir`. */
export function manifestOid(bytes: Uint8Array): string {
  return `${createHash('md5').update(bytes).digest('hex')}.dir`;
}

/**
 * Parses manifest bytes from the cache or a remote. `name` (e.g. the oid) appears in messages. The top level
 * must be an array (DVC calls anything else corrupted); entries may carry extra keys; every relpath must stay
 * inside the directory (no `..`, not absolute, no empty or `.` segments) -> PATH_ESCAPE naming the manifest.
 */
export function parseManifest(bytes: Uint8Array | string, name: string): ManifestEntry[] {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new LockstepError('CORRUPT_OBJECT', `Directory manifest ${name} is not valid JSON (${(err as Error).message}). Fetch it again from a remote or re-add the directory.`, { object: name });
  }
  if (!Array.isArray(data)) {
    throw new LockstepError('CORRUPT_OBJECT', `Directory manifest ${name} is corrupted: expected a JSON array of file entries.`, { object: name });
  }
  return data.map((raw: unknown, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new LockstepError('CORRUPT_OBJECT', `Directory manifest ${name} is corrupted: entry ${i} is not an object.`, { object: name, index: i });
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.relpath !== 'string' || typeof r.md5 !== 'string') {
      throw new LockstepError('CORRUPT_OBJECT', `Directory manifest ${name} is corrupted: entry ${i} lacks a string "relpath" and "md5".`, { object: name, index: i });
    }
    checkRelPosix(r.relpath, `directory manifest ${name}`, { platform: 'linux' });
    if (process.platform === 'win32') checkRelPosix(r.relpath, `directory manifest ${name}`);
    const entry: ManifestEntry = { relpath: r.relpath, md5: r.md5.toLowerCase() };
    if (typeof r.size === 'number') entry.size = r.size;
    return entry;
  });
}
