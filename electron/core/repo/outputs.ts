import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDvcFile } from '../dvc/dvcfile.ts';
import { resolveInside, resolveOutputPath } from '../dvc/safe-path.ts';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import { loadDvcIgnore } from '../dvc/dvcignore.ts';
import { parseLockfile } from '../dvc/lockfile.ts';
import type { Output } from '../dvc/output.ts';
import { fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';

/** Where a tracked output is declared. */
export interface OutputSource {
  readonly kind: 'dvcfile' | 'lock';
  /** Repo-relative POSIX path of the `.dvc` file or `dvc.lock`. */
  readonly file: string;
  /** The stage name, for `dvc.lock` outputs. */
  readonly stage?: string;
  /** Position in the file's `outs` list (so an op can update exactly this entry). */
  readonly outIndex: number;
}

/** One output the repository tracks, with its workspace location resolved and validated. */
export interface TrackedOutput {
  readonly source: OutputSource;
  readonly output: Output;
  /** Absolute workspace path. */
  readonly absPath: string;
  /** Repo-relative POSIX path. */
  readonly relPath: string;
}

/**
 * Every output the repository tracks: each `.dvc` file found by walking the workspace (honouring
 * `.dvcignore`) and each stage output in every `dvc.lock`. Paths escaping the repository are refused
 * (PATH_ESCAPE); malformed files fail with the parser's error naming file and line.
 */
export async function collectOutputs(repo: { root: string }, opts: { signal?: AbortSignal } = {}): Promise<TrackedOutput[]> {
  const ignore = await loadDvcIgnore(repo.root);
  const found: TrackedOutput[] = [];
  const outputDirs = new Set<string>();
  await scanDir(repo.root, '', ignore, found, outputDirs, opts.signal);
  return found.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** Parses one `.dvc` file (repo-relative path) into tracked outputs. */
export async function readDvcFileOutputs(root: string, relFile: string): Promise<TrackedOutput[]> {
  const abs = path.join(root, ...relFile.split('/'));
  const text = await readText(abs);
  const parsed = parseDvcFile(text, relFile);
  return parsed.outs.map((output, outIndex) => {
    const { relPath, absPath } = locate(root, relFile, parsed.wdir ?? undefined, output.path, relFile);
    return { source: { kind: 'dvcfile' as const, file: relFile, outIndex }, output, absPath, relPath };
  });
}

/** Parses one `dvc.lock` (repo-relative path) into tracked outputs of all its stages. */
export async function readLockfileOutputs(root: string, relFile: string): Promise<TrackedOutput[]> {
  const abs = path.join(root, ...relFile.split('/'));
  const text = await readText(abs);
  return lockTextOutputs(root, relFile, text);
}

/** The outputs recorded in `dvc.lock` text (also used for lock files read from git history). */
export function lockTextOutputs(root: string, relFile: string, text: string): TrackedOutput[] {
  const lock = parseLockfile(text, relFile);
  const result: TrackedOutput[] = [];
  for (const [stage, entry] of Object.entries(lock.stages)) {
    // A stage's wdir lives in dvc.yaml, not in the lock; stages with one are rare, and their lock paths
    // are resolved against the lock's directory, DVC's default wdir.
    (entry.outs ?? []).forEach((output, outIndex) => {
      const { relPath, absPath } = locate(root, relFile, undefined, output.path, `${relFile} (stage ${stage})`);
      result.push({ source: { kind: 'lock', file: relFile, stage, outIndex }, output, absPath, relPath });
    });
  }
  return result;
}

async function scanDir(root: string, rel: string, ignore: IgnoreMatcher, found: TrackedOutput[], outputDirs: Set<string>, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  const abs = rel ? path.join(root, ...rel.split('/')) : root;
  let entries: Dirent[];
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') return;
    throw fromFsError(err, abs, 'list');
  }
  // Files first: a directory's `.dvc` siblings tell us which subdirectories are outputs, and an
  // output directory (possibly 100k files) holds no pointers, so it is not descended into.
  for (const e of entries) {
    if (!e.isFile()) continue;
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (ignore.ignores(childRel, false)) continue;
    if (e.name.endsWith('.dvc')) {
      for (const t of await readDvcFileOutputs(root, childRel)) {
        found.push(t);
        outputDirs.add(t.relPath);
      }
    } else if (e.name === 'dvc.lock') {
      for (const t of await readLockfileOutputs(root, childRel)) {
        found.push(t);
        outputDirs.add(t.relPath);
      }
    }
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    if (outputDirs.has(childRel) || ignore.ignores(childRel, true)) continue;
    await scanDir(root, childRel, ignore, found, outputDirs, signal);
  }
}

async function readText(abs: string): Promise<string> {
  try {
    return await readFile(abs, 'utf8');
  } catch (err) {
    throw fromFsError(err, abs, 'read');
  }
}

/** Resolves an output path from a pointer file, refusing `../`, absolute paths and symlinks out of the repo. */
function locate(root: string, relFile: string, wdir: string | undefined, written: string, what: string): { relPath: string; absPath: string } {
  const relPath = resolveOutputPath(relFile, wdir, written);
  return { relPath, absPath: resolveInside(root, relPath, what) };
}
