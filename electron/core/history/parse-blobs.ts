import path from 'node:path';
import { parseDvcFile } from '../dvc/dvcfile.ts';
import { parseLockfile } from '../dvc/lockfile.ts';
import type { Output } from '../dvc/output.ts';
import { resolveOutputPath } from '../dvc/safe-path.ts';
import { loadYaml } from '../dvc/yaml-load.ts';
import { fastDvcFileOutputs } from './fast-dvcfile.ts';
import { flattenValues, toJsonValue } from './flatten.ts';
import type { KeyValue, OutputSourceRef, OutputVersion } from './types.ts';

/** What one committed `dvc.lock` contributes: its stage outputs and the params each stage recorded. */
export interface LockContent {
  readonly outputs: OutputVersion[];
  /** `file\0key` -> value, for every param any stage recorded (paths made repo-relative). */
  readonly params: Map<string, { file: string; key: string; value: KeyValue }>;
}

/** The params and metrics files a `dvc.yaml` names, repo-relative. */
export interface DvcYamlDecl {
  readonly params: string[];
  readonly metrics: string[];
}

/** The outputs declared in a `.dvc` file's text. Throws the parser's error for malformed files. */
export function outputsOfDvcFile(text: string, file: string): OutputVersion[] {
  const fast = fastDvcFileOutputs(text, file);
  if (fast) return fast;
  const parsed = parseDvcFile(text, file);
  return parsed.outs.map((o) => toVersion(o, resolveOutputPath(file, parsed.wdir ?? undefined, o.path), { kind: 'dvcfile', file }));
}

/** The outputs and recorded params of a `dvc.lock` text. */
export function contentOfLock(text: string, file: string): LockContent {
  const lock = parseLockfile(text, file);
  const outputs: OutputVersion[] = [];
  const params = new Map<string, { file: string; key: string; value: KeyValue }>();
  const dir = path.posix.dirname(file);
  for (const [stage, entry] of Object.entries(lock.stages)) {
    for (const o of entry.outs ?? []) outputs.push(toVersion(o, resolveOutputPath(file, undefined, o.path), { kind: 'lock', file, stage }));
    for (const [pfile, values] of Object.entries(entry.params ?? {})) {
      const rel = path.posix.normalize(path.posix.join(dir, pfile));
      for (const [key, value] of flattenValues(values)) params.set(`${rel}\0${key}`, { file: rel, key, value });
    }
  }
  return { outputs, params };
}

/**
 * The params and metrics files a `dvc.yaml` declares: top-level `params:`/`metrics:` lists, stage
 * `params:` entries naming other files (`{file: [keys]}`), and stage `metrics:` outputs, each resolved
 * against the dvc.yaml directory plus the stage's `wdir`. Read leniently: this only decides which
 * files the timeline watches, and an odd stage must not hide the rest.
 */
export function declarationsOfDvcYaml(text: string, file: string): DvcYamlDecl {
  const doc = loadYaml(text, file).value;
  const dir = path.posix.dirname(file);
  const params = new Set<string>();
  const metrics = new Set<string>();
  const at = (base: string, p: string): string | null => {
    const joined = path.posix.normalize(path.posix.join(base, p));
    return joined.startsWith('../') || joined === '..' || path.posix.isAbsolute(joined) ? null : joined;
  };
  const add = (set: Set<string>, base: string, p: unknown) => {
    const rel = typeof p === 'string' ? at(base, p) : null;
    if (rel) set.add(rel);
  };
  if (!isObject(doc)) return { params: [], metrics: [] };
  for (const p of asList(doc.params)) add(params, dir, typeof p === 'string' ? p : isObject(p) ? Object.keys(p)[0] : null);
  for (const m of asList(doc.metrics)) add(metrics, dir, typeof m === 'string' ? m : isObject(m) ? Object.keys(m)[0] : null);
  for (const stage of Object.values(isObject(doc.stages) ? doc.stages : {})) {
    if (!isObject(stage)) continue;
    const base = typeof stage.wdir === 'string' ? (at(dir, stage.wdir) ?? dir) : dir;
    const stageParams = asList(stage.params);
    if (stageParams.some((p) => typeof p === 'string')) add(params, base, 'params.yaml');
    for (const p of stageParams) if (isObject(p)) for (const f of Object.keys(p)) add(params, base, f);
    for (const m of asList(stage.metrics)) add(metrics, base, typeof m === 'string' ? m : isObject(m) ? Object.keys(m)[0] : null);
  }
  return { params: [...params].sort(), metrics: [...metrics].sort() };
}

/**
 * Flattened values of a params or metrics file, by extension like DVC: `.json` as JSON, `.yaml`/`.yml`
 * (and anything unrecognised) as YAML. TOML and Python params files are reported as unsupported.
 */
export function valuesOfFile(text: string, file: string): Map<string, KeyValue> {
  const ext = path.posix.extname(file).toLowerCase();
  if (ext === '.toml' || ext === '.py') throw new Error(`${file}: ${ext} params/metrics files are not read by the timeline`);
  const doc = ext === '.json' ? (JSON.parse(text) as unknown) : loadYaml(text, file).value;
  const flat = flattenValues(doc);
  if (flat.size === 0 && doc !== null && typeof doc !== 'object') flat.set('', toJsonValue(doc));
  return flat;
}

function toVersion(o: Output, relPath: string, source: OutputSourceRef): OutputVersion {
  const md5 = o.md5 ?? null;
  const isDir = md5 !== null && md5.endsWith('.dir');
  return {
    path: relPath,
    md5,
    size: o.size ?? null,
    nfiles: o.nfiles ?? (isDir ? null : md5 === null ? null : 1),
    legacy: o.hashName !== 'md5',
    isDir,
    cache: o.cache,
    source,
  };
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
