import path from 'node:path';
import { stat } from 'node:fs/promises';
import type { ObjectStore } from '../cache/odb.ts';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import { isLockstepError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';
import type { IndexDb } from '../index/db.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import { runPool } from '../remote/pool.ts';
import { missingObjects } from './cache-presence.ts';
import type { WorkspaceState } from './workspace-state.ts';
import { hashWorkspaceOutput } from './workspace-state.ts';

/** One change to one workspace file. `rel` is relative to the output ('' for a file output). */
export type FileOp =
  | { readonly kind: 'create'; readonly rel: string; readonly abs: string; readonly md5: string; readonly isexec: boolean; readonly size?: number }
  | { readonly kind: 'replace'; readonly rel: string; readonly abs: string; readonly md5: string; readonly isexec: boolean; readonly oldMd5: string; readonly size?: number }
  | { readonly kind: 'relink'; readonly rel: string; readonly abs: string; readonly md5: string; readonly isexec: boolean; readonly size?: number }
  /** `oldMd5` null: a temp file of a killed Lockstep process, never user data. */
  | { readonly kind: 'delete'; readonly rel: string; readonly abs: string; readonly oldMd5: string | null }
  | { readonly kind: 'chmod'; readonly rel: string; readonly abs: string; readonly isexec: boolean };

/** What checkout will do to one output, decided before anything is touched. */
export interface OutputPlan {
  readonly tracked: TrackedOutput;
  readonly hashName: HashName;
  readonly isDir: boolean;
  /** The workspace currently has a file where a folder belongs, or the reverse: it is removed first. */
  readonly typeChange: boolean;
  readonly ops: FileOp[];
  /** Set when the recorded version cannot be checked out; the output is then left untouched. */
  readonly failure?: { readonly reason: 'missing' | 'corrupt'; readonly objects: string[]; readonly message: string };
}

/** A workspace file checkout would delete or overwrite whose bytes are not in the cache. */
export interface UnsavedFile {
  readonly path: string;
  readonly abs: string;
  readonly md5: string;
  readonly hashName: HashName;
}

/** The whole checkout plan. */
export interface CheckoutPlan {
  readonly outputs: OutputPlan[];
  readonly unsaved: UnsavedFile[];
}

/** Inputs to {@link planCheckout}. */
export interface PlanOptions extends RunOptions {
  readonly odb: ObjectStore;
  readonly index: IndexDb;
  readonly repoRoot: string;
  readonly ignore: IgnoreMatcher;
  /** Recreate unchanged files too, to apply the current `cache.type` (dvc checkout --relink). */
  readonly relink?: boolean;
  /** Re-hash every object to be linked, even read-only (trusted) ones. */
  readonly verify?: boolean;
}

interface Desired {
  readonly files: Map<string, { md5: string; isexec: boolean }>;
  readonly isDir: boolean;
}

/**
 * Decides, per output, which files to create, overwrite, delete, relink or chmod (dvc-format.md §9.1),
 * which needed objects are missing or corrupt (such an output is left alone), and which files would be
 * lost because their current bytes are not in the cache. Touches nothing in the workspace.
 */
export async function planCheckout(outputs: readonly TrackedOutput[], opts: PlanOptions): Promise<CheckoutPlan> {
  const plans: OutputPlan[] = [];
  const unsaved: UnsavedFile[] = [];
  for (const t of outputs) {
    const out = t.output;
    if (!out.cache || out.md5 === null) continue;
    const hashName = out.hashName;
    const desired = await loadDesired(opts.odb, t);
    if ('failure' in desired) {
      plans.push({ tracked: t, hashName, isDir: out.md5.endsWith('.dir'), typeChange: false, ops: [], failure: desired.failure });
      continue;
    }
    const recorded = new Map([...desired.files].map(([k, v]) => [k, v.md5]));
    const ws = await hashWorkspaceOutput(t.absPath, { index: opts.index, repoRoot: opts.repoRoot, ignore: opts.ignore, hashName, recorded, signal: opts.signal, onProgress: opts.onProgress });
    const { ops, typeChange } = diff(t, desired, ws, opts.relink === true);
    const needed = ops.filter((o) => o.kind === 'create' || o.kind === 'replace' || o.kind === 'relink').map((o) => (o as { md5: string }).md5);
    const failure = await checkObjects(opts.odb, needed, hashName, opts.verify === true);
    if (failure) {
      plans.push({ tracked: t, hashName, isDir: desired.isDir, typeChange, ops: [], failure });
      continue;
    }
    const losing = ops.filter((o): o is Extract<FileOp, { oldMd5: string }> => (o.kind === 'delete' || o.kind === 'replace') && o.oldMd5 !== null);
    const notCached = new Set(await missingObjects(opts.odb, losing.map((o) => o.oldMd5), hashName));
    for (const o of losing) {
      if (notCached.has(o.oldMd5)) unsaved.push({ path: o.rel ? `${t.relPath}/${o.rel}` : t.relPath, abs: o.abs, md5: o.oldMd5, hashName });
    }
    plans.push({ tracked: t, hashName, isDir: desired.isDir, typeChange, ops });
  }
  return { outputs: plans, unsaved };
}

async function loadDesired(odb: ObjectStore, t: TrackedOutput): Promise<Desired | { failure: NonNullable<OutputPlan['failure']> }> {
  const oid = t.output.md5 as string;
  if (!oid.endsWith('.dir')) return { isDir: false, files: new Map([['', { md5: oid, isexec: t.output.isexec === true }]]) };
  try {
    const entries = await odb.readManifest(oid, t.output.hashName);
    return { isDir: true, files: new Map(entries.map((e) => [e.relpath, { md5: e.md5, isexec: false }])) };
  } catch (err) {
    if (isLockstepError(err, 'MISSING_OBJECT')) return { failure: { reason: 'missing', objects: [oid], message: err.message } };
    if (isLockstepError(err, 'CORRUPT_OBJECT')) return { failure: { reason: 'corrupt', objects: [oid], message: err.message } };
    throw err;
  }
}

function diff(t: TrackedOutput, desired: Desired, ws: WorkspaceState, relink: boolean): { ops: FileOp[]; typeChange: boolean } {
  const ops: FileOp[] = [];
  const absOf = (rel: string): string => (rel ? path.join(t.absPath, ...rel.split('/')) : t.absPath);
  const current = new Map<string, { md5: string; isexec: boolean }>();
  let typeChange = false;
  if (ws.kind === 'file') current.set('', { md5: ws.oid, isexec: ws.isexec });
  if (ws.kind === 'dir') for (const f of ws.files) current.set(f.relpath, { md5: f.md5, isexec: f.isexec });
  if (ws.kind !== 'missing' && (ws.kind === 'dir') !== desired.isDir) {
    // A file where a folder belongs (or the reverse): everything there goes, then the recorded version is created.
    typeChange = true;
    for (const [rel, c] of current) ops.push({ kind: 'delete', rel, abs: absOf(rel), oldMd5: c.md5 });
    current.clear();
  }
  for (const [rel, c] of current) {
    if (!desired.files.has(rel)) ops.push({ kind: 'delete', rel, abs: absOf(rel), oldMd5: c.md5 });
  }
  if (ws.kind === 'dir') for (const abs of ws.debris) ops.push({ kind: 'delete', rel: path.relative(t.absPath, abs).split(path.sep).join('/'), abs, oldMd5: null });
  for (const [rel, d] of desired.files) {
    const c = current.get(rel);
    const abs = absOf(rel);
    if (!c) ops.push({ kind: 'create', rel, abs, md5: d.md5, isexec: d.isexec });
    else if (c.md5 !== d.md5) ops.push({ kind: 'replace', rel, abs, md5: d.md5, isexec: d.isexec, oldMd5: c.md5 });
    else if (relink) ops.push({ kind: 'relink', rel, abs, md5: d.md5, isexec: d.isexec });
    // Exec bits are recorded for single-file outputs only (dvc-format.md §10).
    else if (!desired.isDir && c.isexec !== d.isexec) ops.push({ kind: 'chmod', rel, abs, isexec: d.isexec });
  }
  return { ops, typeChange };
}

/** Objects checked at once (stat, or a re-hash with `verify`). */
const CHECK_CONCURRENCY = 16;

/** Missing objects fail the output; objects that are not read-only (or all, with `verify`) are re-hashed first. */
async function checkObjects(odb: ObjectStore, oids: readonly string[], hashName: HashName, verify: boolean): Promise<OutputPlan['failure']> {
  const unique = [...new Set(oids)];
  const missing = await missingObjects(odb, unique, hashName);
  if (missing.length > 0) {
    return { reason: 'missing', objects: missing, message: `${missing.length} object(s) are not in the cache (first: ${missing[0]}). Fetch them from a remote (lockstep pull) first.` };
  }
  const corrupt: string[] = [];
  // Checked several at a time: one stat after another made this a second-long wait for 5,000 objects.
  await runPool(unique, CHECK_CONCURRENCY, async (oid) => {
    if (verify) {
      try {
        await odb.verify(oid, hashName);
      } catch (err) {
        if (isLockstepError(err, 'CORRUPT_OBJECT') || isLockstepError(err, 'MISSING_OBJECT')) corrupt.push(oid);
        else throw err;
      }
      return;
    }
    const st = await stat(odb.pathFor(oid, hashName));
    // Read-only objects are trusted as DVC does; anything else may have been edited through a link.
    if ((st.mode & 0o777) !== 0o444 && !(await odb.has(oid, hashName))) corrupt.push(oid);
  });
  if (corrupt.length > 0) {
    return { reason: 'corrupt', objects: corrupt, message: `${corrupt.length} cache object(s) do not match their hash (first: ${corrupt[0]}); they were moved to the cache's quarantine folder. Fetch them again from a remote or re-add the data.` };
  }
  return undefined;
}
