/**
 * One output (or dependency) entry of a `.dvc` file or a `dvc.lock` stage: validation like DVC's voluptuous
 * schema (dvc-format.md §2.3, §7.2) and the exact key order of a fresh dump.
 */
import { LockstepError } from '../errors/index.ts';
import type { YamlValue } from './yaml-emit.ts';

/** `'md5'` <=> the entry has `hash: md5` (DVC 3); `'md5-dos2unix'` is a legacy (DVC 2) entry without `hash`. */
export type HashName = 'md5' | 'md5-dos2unix';

/** A tracked output as written in a `.dvc` file or lock entry. */
export interface Output {
  /** As written: POSIX, relative to the `.dvc` file's directory plus `wdir`. */
  path: string;
  /** `<hex>` or `<hex>.dir`, lower case; null when not computed yet. */
  md5: string | null;
  size?: number;
  nfiles?: number;
  isexec?: boolean;
  hashName: HashName;
  /** Default true. */
  cache: boolean;
  /** Default true. */
  push: boolean;
  persist?: boolean;
  remote?: string;
  desc?: string;
  type?: string;
  labels?: string[];
  meta?: unknown;
  /** Other schema-valid keys (etag, checksum, version_id, plot, fs_config, files, cloud), kept verbatim. */
  extra: Record<string, unknown>;
}

/** Where an entry sits, for messages: file, a label like `outs[0]`, and a line finder. */
export interface EntryContext {
  file: string;
  where: string;
  /** Line of the entry's key `key` (or of the entry itself). */
  lineOf?: (key?: string) => number | undefined;
}

const EXTRA_KEYS = ['etag', 'checksum', 'version_id', 'cloud', 'fs_config', 'plot', 'files'] as const;
const DVCFILE_KEYS = new Set([
  'md5', 'size', 'nfiles', 'isexec', 'hash', 'path', 'desc', 'type', 'labels', 'meta', 'cache', 'persist', 'remote', 'push',
  ...EXTRA_KEYS,
]);
const LOCK_KEYS = new Set(['path', 'hash', 'md5', 'size', 'nfiles', 'isexec', 'etag', 'checksum', 'version_id', 'cloud', 'fs_config', 'files']);

/** Builds a SCHEMA_ERROR naming the file, the entry/key and (when known) the line. */
export function schemaError(ctx: EntryContext, key: string | undefined, problem: string): LockstepError {
  const line = ctx.lineOf?.(key);
  const at = line !== undefined ? `${ctx.file}:${line}` : ctx.file;
  const where = key !== undefined ? `${ctx.where}.${key}` : ctx.where;
  return new LockstepError('SCHEMA_ERROR', `${at}: ${where}: ${problem}`, { file: ctx.file, line, key: where });
}

/**
 * Validates one `outs`/`deps` entry of a `.dvc` file (`mode: 'dvcfile'`) or a lock stage (`mode: 'lock'`).
 * Unknown keys and wrong types -> SCHEMA_ERROR. md5/checksum are coerced from int, lower-cased, '' -> null.
 */
export function parseOutputEntry(raw: unknown, ctx: EntryContext, mode: 'dvcfile' | 'lock' = 'dvcfile'): Output {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw schemaError(ctx, undefined, 'expected a mapping with a `path`');
  const r = raw as Record<string, unknown>;
  const allowed = mode === 'lock' ? LOCK_KEYS : DVCFILE_KEYS;
  for (const key of Object.keys(r)) {
    if (!allowed.has(key)) throw schemaError(ctx, key, `unknown key \`${key}\` (not in DVC 3's schema)`);
  }
  if (typeof r.path !== 'string' || r.path === '') throw schemaError(ctx, 'path', 'a non-empty string `path` is required');
  const str = (key: string): string | undefined => {
    const v = r[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw schemaError(ctx, key, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (key: string): boolean | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw schemaError(ctx, key, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const int = (key: string): number | undefined => {
    const v = r[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw schemaError(ctx, key, `expected a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const hash = str('hash');
  let hashName: HashName;
  if (hash === undefined) hashName = 'md5-dos2unix';
  else if (hash === 'md5') hashName = 'md5';
  else throw schemaError(ctx, 'hash', `unsupported hash \`${hash}\` (Lockstep supports md5 only)`);

  const out: Output = { path: r.path, md5: checksum(r.md5, ctx, 'md5'), hashName, cache: bool('cache') ?? true, push: bool('push') ?? true, extra: {} };
  const size = int('size');
  if (size !== undefined) out.size = size;
  const nfiles = int('nfiles');
  if (nfiles !== undefined) out.nfiles = nfiles;
  const isexec = bool('isexec');
  if (isexec !== undefined) out.isexec = isexec;
  const persist = bool('persist');
  if (persist !== undefined) out.persist = persist;
  const remote = str('remote');
  if (remote !== undefined) out.remote = remote;
  const desc = str('desc');
  if (desc !== undefined) out.desc = desc;
  const type = str('type');
  if (type !== undefined) out.type = type;
  if (r.labels !== undefined && r.labels !== null) {
    if (!Array.isArray(r.labels) || !r.labels.every((l) => typeof l === 'string')) throw schemaError(ctx, 'labels', 'expected a list of strings');
    out.labels = r.labels as string[];
  }
  if (r.meta !== undefined) out.meta = r.meta;
  for (const key of Object.keys(r)) {
    if (!(EXTRA_KEYS as readonly string[]).includes(key)) continue;
    out.extra[key] = key === 'checksum' ? checksum(r[key], ctx, key) : r[key];
  }
  return out;
}

function checksum(v: unknown, ctx: EntryContext, key: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  const s = typeof v === 'number' && Number.isInteger(v) ? String(v) : v;
  if (typeof s !== 'string') throw schemaError(ctx, key, `expected a hash string, got ${JSON.stringify(v)}`);
  if (s.length < 3) throw schemaError(ctx, key, `hash ${JSON.stringify(s)} is too short`);
  return s.toLowerCase();
}

/** The entry as a fresh DVC dump of a `.dvc` file writes it (key order of dvc-format.md §2.3). */
export function outputEntryToYaml(o: Output): Record<string, YamlValue> {
  const x = o.extra as Record<string, YamlValue | undefined>;
  const e: Record<string, YamlValue | undefined> = {};
  if (o.md5 !== null) e.md5 = o.md5;
  e.size = o.size;
  e.nfiles = o.nfiles;
  if (o.isexec) e.isexec = true;
  e.version_id = x.version_id;
  e.etag = x.etag;
  e.checksum = x.checksum;
  e.cloud = x.cloud;
  if (o.hashName === 'md5') e.hash = 'md5';
  e.path = o.path;
  e.fs_config = x.fs_config;
  if (o.desc) e.desc = o.desc;
  if (o.type) e.type = o.type;
  if (o.labels && o.labels.length > 0) e.labels = o.labels;
  if (pyTruthy(o.meta)) e.meta = o.meta as YamlValue;
  if (!o.cache) e.cache = false;
  e.plot = x.plot;
  if (o.persist) e.persist = true;
  if (o.remote) e.remote = o.remote;
  if (!o.push) e.push = false;
  e.files = x.files;
  return dropUndefined(e);
}

/** The entry as DVC writes it in `dvc.lock`: path, hash, md5, then meta (§7.2). Flags are not recorded. */
export function lockEntryToYaml(o: Output): Record<string, YamlValue> {
  const x = o.extra as Record<string, YamlValue | undefined>;
  const e: Record<string, YamlValue | undefined> = { path: o.path };
  if (o.hashName === 'md5') e.hash = 'md5';
  if (o.md5 !== null) e.md5 = o.md5;
  e.checksum = x.checksum;
  e.size = o.size;
  e.nfiles = o.nfiles;
  if (o.isexec) e.isexec = true;
  e.version_id = x.version_id;
  e.etag = x.etag;
  e.cloud = x.cloud;
  e.fs_config = x.fs_config;
  e.files = x.files;
  return dropUndefined(e);
}

/** Python truthiness, which decides whether DVC writes an optional value at all. */
export function pyTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.keys(v).length > 0;
  return true;
}

function dropUndefined(e: Record<string, YamlValue | undefined>): Record<string, YamlValue> {
  const out: Record<string, YamlValue> = {};
  for (const [k, v] of Object.entries(e)) if (v !== undefined) out[k] = v;
  return out;
}
