import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GitObjects } from './git-objects/object-store-view.ts';
import type { GitDirs } from './git-dirs.ts';

/** The refs the timeline starts from, as they are on disk right now. */
export interface RefSnapshot {
  /** `refs/heads/main` -> oid as stored (a tag object's oid for annotated tags). */
  readonly refs: ReadonlyMap<string, string>;
  /** HEAD's commit oid, or null in a repository without commits. */
  readonly head: string | null;
  /** The branch HEAD points at, or null when detached. */
  readonly headBranch: string | null;
  /** A string equal for equal snapshots, stored to detect "nothing moved" cheaply. */
  readonly key: string;
}

/**
 * Reads branches, tags and HEAD straight from the ref files and `packed-refs`: this runs on every
 * timeline refresh, so it must cost a few file reads, not one object lookup per tag.
 */
export function readRefSnapshot(dirs: GitDirs): RefSnapshot {
  const refs = new Map<string, string>();
  const packed = path.join(dirs.commonDir, 'packed-refs');
  let packedText = '';
  try {
    packedText = readFileSync(packed, 'utf8');
  } catch {
    // no packed refs
  }
  for (const line of packedText.split('\n')) {
    const m = /^([0-9a-f]{40}) (refs\/(?:heads|tags)\/.+)$/.exec(line.trim());
    if (m?.[1] && m[2]) refs.set(m[2], m[1]);
  }
  for (const sub of ['refs/heads', 'refs/tags']) readLoose(path.join(dirs.commonDir, sub), sub, refs);
  let headText = '';
  try {
    headText = readFileSync(path.join(dirs.gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    // a repository without HEAD has no commits to show
  }
  let head: string | null = null;
  let headBranch: string | null = null;
  const sym = /^ref:\s*(\S+)$/.exec(headText);
  if (sym?.[1]) {
    head = refs.get(sym[1]) ?? null;
    headBranch = sym[1].startsWith('refs/heads/') ? sym[1].slice('refs/heads/'.length) : null;
  } else if (/^[0-9a-f]{40}$/.test(headText)) {
    head = headText;
  }
  const sorted = [...refs].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return { refs: new Map(sorted), head, headBranch, key: JSON.stringify([head, headBranch, sorted]) };
}

function readLoose(dir: string, prefix: string, out: Map<string, string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const name = `${prefix}/${e.name}`;
    if (e.isDirectory()) readLoose(path.join(dir, e.name), name, out);
    else if (e.isFile()) {
      try {
        const v = readFileSync(path.join(dir, e.name), 'utf8').trim();
        if (/^[0-9a-f]{40}$/.test(v)) out.set(name, v); // a loose ref overrides its packed copy
      } catch {
        // a ref being rewritten right now; the next refresh sees it
      }
    }
  }
}

/** Follows annotated tags to the commit they name; null when a tag names a tree or blob. */
export async function peelToCommit(objects: GitObjects, oid: string): Promise<string | null> {
  let current = oid;
  for (let depth = 0; depth < 16; depth++) {
    const obj = await objects.raw(current);
    if (obj.type === 'commit') return current;
    if (obj.type !== 'tag') return null;
    const m = /^object ([0-9a-f]{40})$/m.exec(obj.data.toString('latin1', 0, Math.min(obj.data.length, 512)));
    if (!m?.[1]) return null;
    current = m[1];
  }
  return null;
}
