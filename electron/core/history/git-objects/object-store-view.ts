import { LockstepError } from '../../errors/index.ts';
import { GitObjectReader, type RawObject } from './object-reader.ts';
import { parseCommit, parseTree, type ParsedCommit, type ParsedTreeEntry } from './parse-objects.ts';
import { scanTree, type RawTreeEntry } from './raw-tree.ts';
import { TwoGenCache } from './two-gen-cache.ts';

/** A tree's bytes with its entry spans, for diffing without decoding unchanged entries. */
export interface RawTree {
  readonly data: Buffer;
  readonly entries: RawTreeEntry[];
}

/**
 * Thrown by the synchronous accessors when an object is only reachable through isomorphic-git
 * (alternates, say). Callers load it with `preload` and retry; ordinary repositories never see it.
 */
export class NeedsAsyncRead extends Error {
  readonly oid: string;
  constructor(oid: string) {
    super(`object ${oid} needs an asynchronous read`);
    this.oid = oid;
  }
}

/**
 * Typed, memoised access to commits, trees and blobs for the history walk. Reads are synchronous
 * (positioned reads from packs): a walk over thousands of commits does tens of thousands of reads and a
 * promise per read costs more than the read. Trees are memoised by oid because diffing commit N against
 * N-1 reads N-1's trees, which the previous step just read.
 */
export class GitObjects {
  readonly reader: GitObjectReader;
  private readonly trees: TwoGenCache<string, RawTree>;
  /** Objects fetched through the async fallback, kept so the sync retry finds them. */
  private readonly preloaded = new Map<string, RawObject>();

  constructor(root: string, gitDir: string, opts: { maxTrees?: number } = {}) {
    this.reader = new GitObjectReader(root, gitDir);
    this.trees = new TwoGenCache(opts.maxTrees ?? 8192);
  }

  /** Makes `oid` available to the synchronous accessors (after a NeedsAsyncRead). */
  async preload(oid: string): Promise<void> {
    this.preloaded.set(oid, await this.reader.read(oid));
  }

  /** Runs `fn`, preloading objects it reports missing, until it completes. */
  async withSync<T>(fn: () => T): Promise<T> {
    for (;;) {
      try {
        return fn();
      } catch (err) {
        if (!(err instanceof NeedsAsyncRead)) throw err;
        await this.preload(err.oid);
      }
    }
  }

  /** The object `oid` (sync); NeedsAsyncRead when only the async path has it. */
  rawSync(oid: string): RawObject {
    const obj = this.reader.readSync(oid) ?? this.preloaded.get(oid);
    if (!obj) throw new NeedsAsyncRead(oid);
    return obj;
  }

  /** The parsed commit `oid`. */
  commitSync(oid: string): ParsedCommit {
    const obj = this.rawSync(oid);
    if (obj.type !== 'commit') throw notA('commit', oid, obj.type);
    return parseCommit(obj.data);
  }

  /** The raw tree `oid` with its entry spans, memoised. */
  rawTreeSync(oid: string): RawTree {
    const hit = this.trees.get(oid);
    if (hit) return hit;
    const obj = this.rawSync(oid);
    if (obj.type !== 'tree') throw notA('tree', oid, obj.type);
    const tree = { data: obj.data, entries: scanTree(obj.data) };
    this.trees.set(oid, tree);
    return tree;
  }

  /** The bytes of blob `oid`. */
  blobSync(oid: string): Buffer {
    const obj = this.rawSync(oid);
    if (obj.type !== 'blob') throw notA('blob', oid, obj.type);
    return obj.data;
  }

  /** The blob oid (or tree oid) at `relPath` inside tree `treeOid`, or null. */
  pathOidSync(treeOid: string, relPath: string): { oid: string; kind: ParsedTreeEntry['kind'] } | null {
    let current = treeOid;
    const parts = relPath.split('/').filter((p) => p !== '');
    for (let i = 0; i < parts.length; i++) {
      const entry = parseTree(this.rawTreeSync(current).data).find((e) => e.name === parts[i]);
      if (!entry) return null;
      if (i === parts.length - 1) return { oid: entry.oid, kind: entry.kind };
      if (entry.kind !== 'tree') return null;
      current = entry.oid;
    }
    return { oid: current, kind: 'tree' };
  }

  /** The parsed commit `oid`. */
  async commit(oid: string): Promise<ParsedCommit> {
    return this.withSync(() => this.commitSync(oid));
  }

  /** The decoded entries of tree `oid`. */
  async tree(oid: string): Promise<ParsedTreeEntry[]> {
    return this.withSync(() => parseTree(this.rawTreeSync(oid).data));
  }

  /** The bytes of blob `oid`. */
  async blob(oid: string): Promise<Buffer> {
    return this.withSync(() => this.blobSync(oid));
  }

  /** The object type and bytes, for peeling tags. */
  async raw(oid: string): Promise<{ type: string; data: Buffer }> {
    return this.withSync(() => this.rawSync(oid));
  }

  /** The blob oid (or tree oid) at `relPath` inside tree `treeOid`, or null. */
  async pathOid(treeOid: string, relPath: string): Promise<{ oid: string; kind: ParsedTreeEntry['kind'] } | null> {
    return this.withSync(() => this.pathOidSync(treeOid, relPath));
  }

  /** Releases file descriptors. */
  close(): void {
    this.reader.close();
    this.trees.clear();
    this.preloaded.clear();
  }
}

function notA(expected: string, oid: string, got: string): LockstepError {
  return new LockstepError('GIT_ERROR', `Git object ${oid} is a ${got}, not a ${expected}.`, { oid });
}
