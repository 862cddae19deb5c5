import { createHash } from 'node:crypto';
import type { FileRole } from './file-roles.ts';
import { roleOf } from './file-roles.ts';
import { contentOfLock, declarationsOfDvcYaml, outputsOfDvcFile, valuesOfFile, type DvcYamlDecl, type LockContent } from './parse-blobs.ts';
import type { EnvironmentState, KeyValue, OutputVersion } from './types.ts';

/** A committed file the timeline watches. */
export interface WatchedFile {
  readonly oid: string;
  readonly role: FileRole;
}

/** A value keyed by `source\0file\0key`. */
export interface KeyedValue {
  readonly source: 'params' | 'dvc.lock' | 'metrics';
  readonly file: string;
  readonly key: string;
  readonly value: KeyValue;
}

/** The data side of one commit, derived from its watched files. Shared (never mutated) between commits. */
export interface DataState {
  readonly files: ReadonlyMap<string, WatchedFile>;
  readonly declared: { readonly params: ReadonlySet<string>; readonly metrics: ReadonlySet<string> };
  readonly outputs: ReadonlyMap<string, OutputVersion>;
  readonly params: ReadonlyMap<string, KeyedValue>;
  readonly metrics: ReadonlyMap<string, KeyedValue>;
  readonly env: EnvironmentState;
  /** The parsed content of each watched file read so far, for the oid in `files` (reused by children). */
  readonly parsed: ReadonlyMap<string, ParseResult>;
  /** Watched files that could not be read at this commit (malformed YAML in an old commit, say). */
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
}

/** The state of a commit with no watched files (and of the parent of a root commit). */
export const EMPTY_STATE: DataState = {
  files: new Map(),
  declared: { params: new Set(), metrics: new Set() },
  outputs: new Map(),
  params: new Map(),
  metrics: new Map(),
  env: { fingerprint: null, files: [] },
  parsed: new Map(),
  warnings: [],
};

type Parsed = OutputVersion[] | LockContent | DvcYamlDecl | Map<string, KeyValue>;
/** A parsed watched file, or why it could not be read. */
export type ParseResult = Parsed | { error: string };

/**
 * Parses watched blobs once per (role, path, blob oid) and remembers the result or the error message.
 * `read` supplies a blob's bytes (from the git object reader).
 */
export class BlobParser {
  private readonly cache = new Map<string, Parsed | { error: string }>();
  private readonly read: (oid: string) => Buffer;

  /** `read` returns a blob's bytes synchronously (it may throw NeedsAsyncRead, which passes through). */
  constructor(read: (oid: string) => Buffer) {
    this.read = read;
  }

  /** The parsed content, or `{ error }` when the file is malformed at that commit. */
  parse(relPath: string, f: WatchedFile): Parsed | { error: string } {
    const key = `${f.role}\0${relPath}\0${f.oid}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const bytes = this.read(f.oid);
    let result: Parsed | { error: string };
    try {
      const text = bytes.toString('utf8');
      if (f.role === 'dvcfile') result = outputsOfDvcFile(text, relPath);
      else if (f.role === 'lock') result = contentOfLock(text, relPath);
      else if (f.role === 'dvcyaml') result = declarationsOfDvcYaml(text, relPath);
      else result = valuesOfFile(text, relPath);
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(key, result);
    return result;
  }
}

/**
 * The state of a commit given its parent's state and the files that changed. `lookup` finds a path's
 * blob oid in this commit's tree; it is needed only when a `dvc.yaml` starts declaring a file that
 * did not change in this very commit. Categories whose files did not change are shared with the parent.
 */
export function advanceState(parent: DataState, changed: readonly { path: string; newOid: string | null; kind: string }[], parser: BlobParser, lookup: (relPath: string) => string | null): DataState {
  let files: Map<string, WatchedFile> | null = null;
  const touched = new Set<FileRole>();
  for (const c of changed) {
    const role = roleOf(c.path, parent.declared);
    const before = parent.files.get(c.path);
    if (!role && !before) continue;
    files ??= new Map(parent.files);
    if (c.newOid && c.kind === 'blob' && role) files.set(c.path, { oid: c.newOid, role });
    else files.delete(c.path);
    if (role) touched.add(role);
    if (before) touched.add(before.role);
  }
  if (!files) return parent;
  let declared = parent.declared;
  if (touched.has('dvcyaml')) {
    declared = declarationsOf(files, parser);
    for (const [p, f] of [...files]) {
      if ((f.role === 'params' || f.role === 'metrics') && roleOf(p, declared) !== f.role) {
        files.delete(p);
        touched.add(f.role);
      }
    }
    for (const [set, role] of [[declared.params, 'params'], [declared.metrics, 'metrics']] as const) {
      for (const p of set) {
        if (files.has(p) || roleOf(p, declared) !== role) continue;
        const oid = lookup(p);
        if (oid) files.set(p, { oid, role });
        touched.add(role);
      }
    }
  }
  return derive(files, declared, parser, parent, touched);
}

/** The full state of a set of watched files (used to resume from a cached commit). */
export async function stateFromFiles(files: ReadonlyMap<string, WatchedFile>, parser: BlobParser): Promise<DataState> {
  const declared = declarationsOf(files, parser);
  return derive(files, declared, parser, EMPTY_STATE, new Set(['dvcfile', 'lock', 'params', 'metrics', 'env']));
}

function declarationsOf(files: ReadonlyMap<string, WatchedFile>, parser: BlobParser): DataState['declared'] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const [p, f] of files) {
    if (f.role !== 'dvcyaml') continue;
    const d = parser.parse(p, f);
    if ('error' in d) continue;
    for (const x of (d as DvcYamlDecl).params) params.add(x);
    for (const x of (d as DvcYamlDecl).metrics) metrics.add(x);
  }
  return { params, metrics };
}

function derive(files: ReadonlyMap<string, WatchedFile>, declared: DataState['declared'], parser: BlobParser, parent: DataState, touched: ReadonlySet<FileRole>): DataState {
  const needOutputs = touched.has('dvcfile') || touched.has('lock');
  const needParams = touched.has('params') || touched.has('lock');
  const needMetrics = touched.has('metrics');
  const wanted = (role: FileRole): boolean =>
    role === 'dvcfile' ? needOutputs : role === 'lock' ? needOutputs || needParams : role === 'params' ? needParams : role === 'metrics' ? needMetrics : false;
  const outputs = needOutputs ? new Map<string, OutputVersion>() : null;
  const params = needParams ? new Map<string, KeyedValue>() : null;
  const metrics = needMetrics ? new Map<string, KeyedValue>() : null;
  // Warnings of files not re-read in this commit carry over unchanged.
  const warnings = parent.warnings.filter((w) => {
    const f = files.get(w.file);
    return f !== undefined && !wanted(f.role);
  });
  const envFiles: { path: string; oid: string }[] = [];
  const parsedNow = new Map<string, ParseResult>();
  for (const [p, f] of files) {
    if (f.role === 'env') envFiles.push({ path: p, oid: f.oid });
    const known = parent.files.get(p)?.oid === f.oid ? parent.parsed.get(p) : undefined;
    if (known) parsedNow.set(p, known);
    if (!wanted(f.role)) continue;
    // Unchanged files reuse the parent's parse: a data commit usually touches one pointer of many.
    const parsed = known ?? parser.parse(p, f);
    parsedNow.set(p, parsed);
    if ('error' in parsed) {
      warnings.push({ file: p, message: parsed.error });
      continue;
    }
    if (f.role === 'dvcfile' && outputs) {
      for (const o of parsed as OutputVersion[]) outputs.set(o.path, o);
    } else if (f.role === 'lock') {
      const lock = parsed as LockContent;
      if (outputs) for (const o of lock.outputs) outputs.set(o.path, o);
      if (params) for (const v of lock.params.values()) params.set(`dvc.lock\0${v.file}\0${v.key}`, { source: 'dvc.lock', ...v });
    } else if (f.role === 'params' && params) {
      for (const [key, value] of parsed as Map<string, KeyValue>) params.set(`params\0${p}\0${key}`, { source: 'params', file: p, key, value });
    } else if (f.role === 'metrics' && metrics) {
      for (const [key, value] of parsed as Map<string, KeyValue>) metrics.set(`metrics\0${p}\0${key}`, { source: 'metrics', file: p, key, value });
    }
  }
  return {
    files,
    declared,
    outputs: outputs ?? parent.outputs,
    params: params ?? parent.params,
    metrics: metrics ?? parent.metrics,
    env: touched.has('env') ? environmentOf(envFiles) : parent.env,
    parsed: parsedNow,
    warnings,
  };
}

/** md5 over the sorted `path oid` lines of the environment files; null when there are none. */
export function environmentOf(envFiles: { path: string; oid: string }[]): EnvironmentState {
  if (envFiles.length === 0) return { fingerprint: null, files: [] };
  const sorted = [...envFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const h = createHash('md5');
  for (const f of sorted) h.update(`${f.path} ${f.oid}\n`);
  return { fingerprint: h.digest('hex'), files: sorted };
}
