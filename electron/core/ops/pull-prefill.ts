import { closeSync, linkSync, lstatSync, mkdirSync, openSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempPathFor } from '../cache/temp-file.ts';
import { putHashes, type StateRow } from '../index/state.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import type { ObjectRef } from '../remote/types.ts';
import { makesPlainCopies, writableMode } from '../workspace/link.ts';
import { statEntrySync } from '../workspace/stat.ts';

/** Receives each small object a fetch has verified, with its bytes, before the object is published. */
export type VerifiedSink = (ref: ObjectRef, bytes: Buffer) => void;

/** An output absent from the workspace when the pull started, and the files written for it. */
interface PrefillOutput {
  readonly absPath: string;
  /** Every object the output needs (its `.dir` too). */
  readonly oids: Set<string>;
  readonly written: StateRow[];
}

/** One workspace file waiting for an object. */
interface Target {
  readonly out: PrefillOutput;
  readonly abs: string;
  readonly isexec: boolean;
}

/** What {@link planPrefill} hands to pull. */
export interface Prefill {
  /** For the fetch: writes the files that wait for a verified object. */
  readonly sink: VerifiedSink;
  /**
   * After the fetch: records the written files in the state index, except for outputs that need an object
   * for which `failed` is true (failed, missing on the remote, or the fetch was cancelled), whose written
   * files are removed again.
   */
  finish(failed: (oid: string) => boolean): void;
}

/** State rows per transaction. */
const STATE_BATCH = 500;

/**
 * Lets `pull` write workspace files straight from verified downloads, while the fetch is still running, for
 * outputs that do not exist in the workspace at all (the usual pull into a fresh clone). Checkout afterwards
 * finds those files in place and recorded in the state index, so it has nothing left to copy: pulling 5,000
 * small files otherwise wrote every file twice, the second time after the last download.
 *
 * Nothing is ever overwritten: each file is written under a temp name and then hard-linked to its final name,
 * which fails if anything appeared there meanwhile (the file is then left to checkout, which applies its
 * no-data-loss rules). Only when `cache.type` would make independent copies anyway (copy, or reflink where
 * the filesystem cannot clone): for hard links, symlinks and real reflinks checkout must make the file.
 * Failures here are never errors: the file is simply left for checkout to create.
 *
 * Returns undefined when nothing qualifies. Call with the outputs a fetch selected, once their `.dir`
 * manifests are in the cache.
 */
export async function planPrefill(repo: Repo, selected: readonly TrackedOutput[]): Promise<Prefill | undefined> {
  if (!makesPlainCopies(repo.config.cache.type, repo.cacheDir, repo.root)) return undefined;
  const outputs: PrefillOutput[] = [];
  const byOid = new Map<string, Target[]>();
  const add = (out: PrefillOutput, oid: string, abs: string, isexec: boolean): void => {
    out.oids.add(oid);
    let list = byOid.get(oid);
    if (!list) byOid.set(oid, (list = []));
    list.push({ out, abs, isexec });
  };
  for (const t of selected) {
    const o = t.output;
    if (!o.cache || o.md5 === null || o.hashName !== 'md5' || exists(t.absPath)) continue;
    const out: PrefillOutput = { absPath: t.absPath, oids: new Set([o.md5]), written: [] };
    outputs.push(out);
    if (!o.md5.endsWith('.dir')) {
      add(out, o.md5, t.absPath, o.isexec === true);
      continue;
    }
    // A manifest that is missing or damaged: checkout reports it; nothing to do here.
    const entries = await repo.odb.readManifest(o.md5, 'md5').catch(() => undefined);
    for (const e of entries ?? []) add(out, e.md5, path.join(t.absPath, ...e.relpath.split('/')), false);
  }
  if (byOid.size === 0) return undefined;

  const madeDirs = new Set<string>();
  let stopped = false;
  const sink: VerifiedSink = (ref, bytes) => {
    const list = ref.hashName === 'md5' && !stopped ? byOid.get(ref.oid) : undefined;
    if (!list) return;
    byOid.delete(ref.oid);
    for (const { out, abs, isexec } of list) {
      try {
        writeNew(abs, bytes, isexec, madeDirs);
        const st = statEntrySync(abs);
        out.written.push({ path: abs, inode: st.inode, mtimeNs: st.mtimeNs, size: st.size, hashName: 'md5', md5: ref.oid });
      } catch (err) {
        // A full disk stops the prefill altogether; checkout then reports the problem properly.
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') stopped = true;
      }
    }
  };
  const finish = (failed: (oid: string) => boolean): void => {
    for (const out of outputs) {
      if (![...out.oids].some(failed)) {
        for (let i = 0; i < out.written.length; i += STATE_BATCH) putHashes(repo.index, out.written.slice(i, i + STATE_BATCH));
        continue;
      }
      // Part of this output did not arrive: checkout leaves such an output as it was (absent), so the files
      // written for it go again. They are ours (same inode as written) and copies of verified objects.
      for (const w of out.written) removeIfSame(w.path, w.inode);
      pruneMadeDirs(madeDirs, out.absPath);
    }
  };
  return { sink, finish };
}

function exists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** Writes `bytes` to a new file at `abs` (temp name, then a hard link that never replaces anything). */
function writeNew(abs: string, bytes: Buffer, isexec: boolean, madeDirs: Set<string>): void {
  const dir = path.dirname(abs);
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const tmp = tempPathFor(abs);
  try {
    const fd = openSync(tmp, 'wx', writableMode(isexec));
    try {
      writeFileSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, abs);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
  }
}

function removeIfSame(abs: string, inode: bigint): void {
  try {
    if (statEntrySync(abs).inode === inode) unlinkSync(abs);
  } catch {
    // gone already, or replaced by someone else: left alone
  }
}

/** Removes the folders this prefill created below `top` (and `top` itself) that are empty now, deepest first. */
function pruneMadeDirs(madeDirs: ReadonlySet<string>, top: string): void {
  const inside = [...madeDirs].filter((d) => d === top || d.startsWith(top + path.sep));
  const all = new Set<string>();
  for (const d of inside) for (let p = d; p === top || p.startsWith(top + path.sep); p = path.dirname(p)) all.add(p);
  for (const d of [...all].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (someone else's files), or gone
    }
  }
}
