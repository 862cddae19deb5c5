import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { LockstepError } from '../../errors/index.ts';
import { PackFile, type RawObject } from './pack-file.ts';

export type { RawObject } from './pack-file.ts';

/**
 * Reads git objects by oid for the history walk: loose objects and v2 packs directly, anything else
 * (alternates, unusual repositories) through isomorphic-git. New packs written by a fetch or `git gc`
 * are picked up by rescanning `objects/pack` once when an object is not found.
 */
export class GitObjectReader {
  private readonly objectsDir: string;
  private packs: PackFile[] = [];
  private packNames = new Set<string>();
  private readonly root: string;
  private readonly gitDir: string;

  constructor(root: string, gitDir: string) {
    this.root = root;
    this.gitDir = gitDir;
    this.objectsDir = path.join(gitDir, 'objects');
  }

  private scanned = false;

  /**
   * The object from loose files or packs without yielding, or null when it is elsewhere (alternates,
   * an unusual repository); then `read` must be used.
   */
  readSync(oid: string): RawObject | null {
    return this.readSyncOrNull(oid);
  }

  /** The object, or throws GIT_ERROR naming the oid when the repository does not hold it. */
  async read(oid: string): Promise<RawObject> {
    const found = this.readSyncOrNull(oid);
    if (found) return found;
    try {
      // Loaded on first use only: ordinary repositories never get here, and isomorphic-git is the
      // largest module on the history path (it would slow every CLI start and the diff worker's).
      const [{ default: git }, { gitCache, gitFs }] = await Promise.all([import('isomorphic-git'), import('../../git/git-fs.ts')]);
      const obj = await git.readObject({ fs: gitFs, dir: this.root, gitdir: this.gitDir, oid, format: 'content', cache: gitCache });
      if (obj.format !== 'content' || !(obj.object instanceof Uint8Array)) throw new Error('unexpected object format');
      return { type: obj.type, data: Buffer.from(obj.object) };
    } catch (err) {
      throw new LockstepError('GIT_ERROR', `Git object ${oid} is missing from ${this.gitDir}. The repository may be shallow or damaged; run \`git fsck\`.`, { oid }, { cause: err });
    }
  }

  /** Closes pack file descriptors. */
  close(): void {
    for (const p of this.packs) p.close();
    this.packs = [];
    this.packNames.clear();
  }

  /** Full oids starting with `prefix` (4+ hex chars), from loose objects and packs. */
  matchPrefix(prefix: string): string[] {
    if (!this.scanned) {
      this.scanned = true;
      this.scanPacks();
    }
    const found = new Set<string>();
    const dir = path.join(this.objectsDir, prefix.slice(0, 2));
    if (existsSync(dir)) for (const name of readdirSync(dir)) if ((prefix.slice(0, 2) + name).startsWith(prefix)) found.add(prefix.slice(0, 2) + name);
    for (const p of this.packs) for (const oid of p.index.matchPrefix(prefix)) found.add(oid);
    return [...found];
  }

  private readSyncOrNull(oid: string): RawObject | null {
    // Packs are opened on the first read: a "nothing changed" refresh never reads an object.
    if (!this.scanned) {
      this.scanned = true;
      this.scanPacks();
    }
    const hit = this.fromPacks(oid) ?? this.fromLoose(oid);
    if (hit) return hit;
    return this.scanPacks() ? this.fromPacks(oid) : null;
  }

  private fromPacks(oid: string): RawObject | null {
    for (const p of this.packs) {
      const obj = p.read(oid, (base) => this.readSyncOrNull(base));
      if (obj) return obj;
    }
    return null;
  }

  private fromLoose(oid: string): RawObject | null {
    let bytes: Buffer;
    try {
      bytes = inflateSync(readFileSync(path.join(this.objectsDir, oid.slice(0, 2), oid.slice(2))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new LockstepError('GIT_ERROR', `Git object ${oid} could not be read: ${(err as Error).message}`, { oid }, { cause: err });
    }
    const space = bytes.indexOf(0x20);
    const nul = bytes.indexOf(0, space);
    const type = bytes.toString('latin1', 0, space);
    if (type !== 'commit' && type !== 'tree' && type !== 'blob' && type !== 'tag') {
      throw new LockstepError('GIT_ERROR', `Git object ${oid} has an unknown type "${type}". Run \`git fsck\`.`, { oid });
    }
    return { type, data: bytes.subarray(nul + 1) };
  }

  /** Opens packs not seen before; true when there were any. */
  private scanPacks(): boolean {
    const dir = path.join(this.objectsDir, 'pack');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return false;
    }
    let added = false;
    for (const name of names) {
      if (!name.endsWith('.pack') || this.packNames.has(name)) continue;
      const idx = path.join(dir, name.slice(0, -5) + '.idx');
      if (!existsSync(idx) || statSync(idx).size === 0) continue; // a pack still being written
      this.packs.push(new PackFile(path.join(dir, name), idx));
      this.packNames.add(name);
      added = true;
    }
    return added;
  }
}
