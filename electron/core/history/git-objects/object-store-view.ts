import { LockstepError } from '../../errors/index.ts';
import { GitObjectReader } from './object-reader.ts';
import { parseCommit, parseTree, type ParsedCommit, type ParsedTreeEntry } from './parse-objects.ts';
import { scanTree, type RawTreeEntry } from './raw-tree.ts';
import { TwoGenCache } from './two-gen-cache.ts';

/** A tree's bytes with its entry spans, for diffing without decoding unchanged entries. */
export interface RawTree {
  readonly data: Buffer;
  readonly entries: RawTreeEntry[];
}

/**
 * Typed, memoised access to commits, trees and blobs for the history walk. Trees are memoised by oid
 * (bounded) because diffing commit N against N-1 reads N-1's trees, which the previous step just read.
 */
export class GitObjects {
  readonly reader: GitObjectReader;
  private readonly trees: TwoGenCache<string, RawTree>;

  constructor(root: string, gitDir: string, opts: { maxTrees?: number } = {}) {
    this.reader = new GitObjectReader(root, gitDir);
    this.trees = new TwoGenCache(opts.maxTrees ?? 8192);
  }

  /** The parsed commit `oid`; GIT_ERROR when it is not a commit. */
  async commit(oid: string): Promise<ParsedCommit> {
    const obj = await this.reader.read(oid);
    if (obj.type !== 'commit') throw notA('commit', oid, obj.type);
    return parseCommit(obj.data);
  }

  /** The raw tree `oid` with its entry spans, memoised. */
  async rawTree(oid: string): Promise<RawTree> {
    const hit = this.trees.get(oid);
    if (hit) return hit;
    const obj = await this.reader.read(oid);
    if (obj.type !== 'tree') throw notA('tree', oid, obj.type);
    const tree = { data: obj.data, entries: scanTree(obj.data) };
    this.trees.set(oid, tree);
    return tree;
  }

  /** The decoded entries of tree `oid`. */
  async tree(oid: string): Promise<ParsedTreeEntry[]> {
    return parseTree((await this.rawTree(oid)).data);
  }

  /** The bytes of blob `oid`. */
  async blob(oid: string): Promise<Buffer> {
    const obj = await this.reader.read(oid);
    if (obj.type !== 'blob') throw notA('blob', oid, obj.type);
    return obj.data;
  }

  /** The object type and bytes, for peeling tags. */
  async raw(oid: string): Promise<{ type: string; data: Buffer }> {
    return this.reader.read(oid);
  }

  /** The blob oid at `relPath` inside tree `treeOid`, or null. */
  async pathOid(treeOid: string, relPath: string): Promise<{ oid: string; kind: ParsedTreeEntry['kind'] } | null> {
    let current = treeOid;
    const parts = relPath.split('/').filter((p) => p !== '');
    for (let i = 0; i < parts.length; i++) {
      const entry = (await this.tree(current)).find((e) => e.name === parts[i]);
      if (!entry) return null;
      if (i === parts.length - 1) return { oid: entry.oid, kind: entry.kind };
      if (entry.kind !== 'tree') return null;
      current = entry.oid;
    }
    return { oid: current, kind: 'tree' };
  }

  /** Releases file descriptors. */
  close(): void {
    this.reader.close();
    this.trees.clear();
  }
}

function notA(expected: string, oid: string, got: string): LockstepError {
  return new LockstepError('GIT_ERROR', `Git object ${oid} is a ${got}, not a ${expected}.`, { oid });
}
