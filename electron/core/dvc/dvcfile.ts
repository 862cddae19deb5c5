/**
 * `.dvc` files (dvc-format.md §2): strict parsing against DVC 3's single-stage schema, fresh serialisation in
 * DVC's key order, and the round-trip update DVC performs when it re-saves an existing file.
 */
import { LockstepError } from '../errors/index.ts';
import { outputEntryToYaml, parseOutputEntry, pyTruthy, schemaError } from './output.ts';
import type { EntryContext, Output } from './output.ts';
import { emitYaml } from './yaml-emit.ts';
import type { YamlValue } from './yaml-emit.ts';
import { loadYaml } from './yaml-load.ts';
import type { LoadedYaml, YamlPath } from './yaml-load.ts';
import { roundTripYaml } from './yaml-roundtrip.ts';

/** A parsed `.dvc` file. `raw` is the loaded mapping as written. */
export interface DvcFile {
  /** Stage md5 (imports only). */
  md5?: string;
  frozen?: boolean;
  wdir?: string;
  desc?: string;
  /** Import dependencies, as written (validated, kept verbatim). */
  deps?: unknown[];
  outs: Output[];
  alwaysChanged?: boolean;
  meta?: unknown;
  raw: Record<string, unknown>;
}

const TOP_KEYS = new Set(['md5', 'frozen', 'locked', 'wdir', 'deps', 'outs', 'always_changed', 'meta', 'desc']);
const DEP_KEYS = new Set(['path', 'repo', 'hash', 'md5', 'etag', 'checksum', 'size', 'nfiles', 'isexec', 'version_id', 'files', 'fs_config', 'cloud', 'db']);
const REPO_KEYS = new Set(['url', 'rev', 'rev_lock', 'config', 'remote']);

/** Builds an EntryContext for the node at `path` of a loaded file. */
export function entryContext(loaded: LoadedYaml, file: string, path: YamlPath, where: string): EntryContext {
  return {
    file,
    where,
    lineOf: (key) => (key !== undefined ? loaded.locate([...path, key], true)?.line : undefined) ?? loaded.locate(path)?.line,
  };
}

/** Parses and validates a `.dvc` file. Unknown keys -> SCHEMA_ERROR (file, key, line); DVC 0.x files are refused. */
export function parseDvcFile(text: string, file: string): DvcFile {
  const loaded = loadYaml(text, file);
  const v = loaded.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new LockstepError('SCHEMA_ERROR', `${file}: expected a mapping with \`outs\`; the file is ${v === null ? 'empty' : 'not a mapping'}. Restore it from git or re-create it with \`lockstep add\`.`, { file });
  }
  const raw = v as Record<string, unknown>;
  refuseDvc0(raw, loaded, file);
  const top = entryContext(loaded, file, [], 'top level');
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.has(key)) throw schemaError({ ...top, where: file }, key, `unknown key \`${key}\` (DVC 3 .dvc files allow ${[...TOP_KEYS].join(', ')})`);
  }
  const d: DvcFile = { outs: [], raw };
  if (raw.md5 !== undefined && raw.md5 !== null) {
    if (typeof raw.md5 !== 'string' || raw.md5.length < 3) throw schemaError(top, 'md5', 'expected a hash string');
    d.md5 = raw.md5.toLowerCase();
  }
  for (const key of ['frozen', 'locked', 'always_changed'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') throw schemaError(top, key, 'expected true or false');
  }
  if (raw.frozen === true || raw.locked === true) d.frozen = true;
  else if (raw.frozen === false) d.frozen = false;
  if (raw.always_changed === true) d.alwaysChanged = true;
  if (raw.wdir !== undefined && raw.wdir !== null) {
    if (typeof raw.wdir !== 'string') throw schemaError(top, 'wdir', 'expected a string');
    d.wdir = raw.wdir;
  }
  if (raw.desc !== undefined && raw.desc !== null) {
    if (typeof raw.desc !== 'string') throw schemaError(top, 'desc', 'expected a string');
    d.desc = raw.desc;
  }
  if (raw.meta !== undefined) d.meta = raw.meta;
  if (raw.deps !== undefined && raw.deps !== null) {
    if (!Array.isArray(raw.deps)) throw schemaError(top, 'deps', 'expected a list');
    raw.deps.forEach((dep, i) => validateDep(dep, entryContext(loaded, file, ['deps', i], `deps[${i}]`)));
    d.deps = raw.deps;
  }
  if (raw.outs !== undefined && raw.outs !== null) {
    if (!Array.isArray(raw.outs)) throw schemaError(top, 'outs', 'expected a list');
    d.outs = raw.outs.map((o, i) => parseOutputEntry(o, entryContext(loaded, file, ['outs', i], `outs[${i}]`)));
  }
  return d;
}

/** DVC 0.x pointers (`metric:` in outputs, `cmd:` at the top) are rejected by DVC 3; say so and how to fix it. */
function refuseDvc0(raw: Record<string, unknown>, loaded: LoadedYaml, file: string): void {
  const entries = [...(Array.isArray(raw.outs) ? raw.outs : []), ...(Array.isArray(raw.deps) ? raw.deps : [])];
  const hasMetric = entries.some((e) => e !== null && typeof e === 'object' && Object.hasOwn(e, 'metric'));
  if (!hasMetric && !Object.hasOwn(raw, 'cmd')) return;
  const key = hasMetric ? 'metric' : 'cmd';
  const idx = Array.isArray(raw.outs) ? raw.outs.findIndex((e) => e !== null && typeof e === 'object' && Object.hasOwn(e, 'metric')) : -1;
  const line = hasMetric && idx >= 0 ? loaded.locate(['outs', idx, 'metric'], true)?.line : loaded.locate([key], true)?.line;
  throw new LockstepError(
    'SCHEMA_ERROR',
    `${file}${line !== undefined ? `:${line}` : ''}: this file was written by DVC 0.x (it has a \`${key}:\` key), a format DVC 3 and Lockstep no longer read. ` +
      `Re-create it with \`lockstep add <path>\` (or \`dvc add\`), or delete the \`metric:\`/\`cmd:\` lines by hand; the data in the cache is not affected.`,
    { file, line, key, reason: 'dvc0' },
  );
}

function validateDep(dep: unknown, ctx: EntryContext): void {
  if (dep === null || typeof dep !== 'object' || Array.isArray(dep)) throw schemaError(ctx, undefined, 'expected a mapping with a `path`');
  const r = dep as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!DEP_KEYS.has(key)) throw schemaError(ctx, key, `unknown key \`${key}\``);
  if (typeof r.path !== 'string' || r.path === '') throw schemaError(ctx, 'path', 'a non-empty string `path` is required');
  if (r.repo !== undefined) {
    if (r.repo === null || typeof r.repo !== 'object' || Array.isArray(r.repo)) throw schemaError(ctx, 'repo', 'expected a mapping');
    const repo = r.repo as Record<string, unknown>;
    for (const key of Object.keys(repo)) if (!REPO_KEYS.has(key)) throw schemaError(ctx, 'repo', `unknown key \`${key}\``);
    if (typeof repo.url !== 'string') throw schemaError(ctx, 'repo', 'a string `url` is required');
  }
}

/** The mapping a fresh DVC dump writes, in DVC's top-level order (§2.2); falsy values omitted. */
export function dvcFileToDict(d: DvcFile): Record<string, YamlValue> {
  const out: Record<string, YamlValue> = {};
  if (d.desc) out.desc = d.desc;
  if (d.md5) out.md5 = d.md5;
  if (d.wdir && d.wdir !== '.') out.wdir = d.wdir;
  if (d.frozen) out.frozen = true;
  if (d.deps && d.deps.length > 0) out.deps = d.deps.map(depToYaml);
  if (d.outs.length > 0) out.outs = d.outs.map(outputEntryToYaml);
  if (d.alwaysChanged) out.always_changed = true;
  if (pyTruthy(d.meta)) out.meta = d.meta as YamlValue;
  return out;
}

/**
 * A dependency in fresh-dump order: repo imports as `path`, `repo: {url, rev, rev_lock, config, remote}`
 * (dvc `dependency/repo.py`); other deps (import-url) in output order: hash value, meta, `hash`, `path`, rest.
 */
function depToYaml(dep: unknown): YamlValue {
  const r = dep as Record<string, YamlValue | undefined>;
  const order = r.repo !== undefined
    ? ['path', 'repo']
    : ['md5', 'etag', 'checksum', 'size', 'nfiles', 'isexec', 'version_id', 'cloud', 'hash', 'path', 'fs_config', 'files'];
  const out: Record<string, YamlValue> = {};
  for (const k of order) if (r[k] !== undefined) out[k] = r[k] as YamlValue;
  for (const [k, v] of Object.entries(r)) if (!(k in out) && v !== undefined) out[k] = v;
  if (r.repo !== undefined && r.repo !== null && typeof r.repo === 'object') {
    const repo = r.repo as Record<string, YamlValue | undefined>;
    const ordered: Record<string, YamlValue> = {};
    for (const k of ['url', 'rev', 'rev_lock', 'config', 'remote']) if (repo[k] !== undefined && repo[k] !== null) ordered[k] = repo[k] as YamlValue;
    out.repo = ordered;
  }
  return out;
}

/** A fresh `.dvc` file text, byte-compatible with `dvc add` on Linux. */
export function serializeDvcFile(d: DvcFile): string {
  return emitYaml(dvcFileToDict(d));
}

/**
 * Re-saves an existing `.dvc` file the way DVC does: keeps key order and comments, appends new keys (a legacy
 * output gaining `hash: md5` becomes `md5, size, path, hash`), drops removed ones; unchanged data returns
 * `oldText` byte for byte.
 */
export function updateDvcFileText(oldText: string, next: DvcFile, file = '.dvc file'): string {
  return roundTripYaml(oldText, file, dvcFileToDict(next));
}
