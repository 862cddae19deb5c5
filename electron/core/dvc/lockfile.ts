/**
 * `dvc.lock` (dvc-format.md §7.2): strict parsing (`schema: '2.0'` required, as DVC 3 demands) and DVC's
 * serialisation order. `parseDvcYaml` (the pipeline definition) lives in `dvc-yaml.ts` and is re-exported here.
 */
import { LockstepError } from '../errors/index.ts';
import { entryContext } from './dvcfile.ts';
import { lockEntryToYaml, parseOutputEntry, schemaError } from './output.ts';
import type { Output } from './output.ts';
import { compareCodePoints } from './py-json.ts';
import { emitYaml } from './yaml-emit.ts';
import type { YamlValue } from './yaml-emit.ts';
import { loadYaml } from './yaml-load.ts';

export { parseDvcYaml } from './dvc-yaml.ts';
export type { DvcYaml, OutDecl, ParamDecl, StageDecl } from './dvc-yaml.ts';

/** One stage as recorded in `dvc.lock`. Dep/out flags (cache, persist...) live in dvc.yaml, not here. */
export interface LockStage {
  cmd: string | string[];
  deps: Output[];
  /** `{ file: { key: value } }`; integral floats are `YamlFloat` so they re-emit as `1.0`. */
  params: Record<string, Record<string, unknown>>;
  outs: Output[];
}

/** A parsed `dvc.lock`. Stage names are as written, including templated `name@key` ones. */
export interface Lockfile {
  schema: '2.0';
  stages: Record<string, LockStage>;
  datasets?: unknown;
  raw: Record<string, unknown>;
}

const TOP_KEYS = new Set(['schema', 'stages', 'datasets']);
const STAGE_KEYS = new Set(['cmd', 'deps', 'params', 'outs']);

/** Parses and validates `dvc.lock` text. A DVC 1.x lock (no `schema`) or unknown keys -> SCHEMA_ERROR. */
export function parseLockfile(text: string, file: string): Lockfile {
  const loaded = loadYaml(text, file, { floats: 'tagged' });
  const v = loaded.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new LockstepError('SCHEMA_ERROR', `${file}: expected a mapping with \`schema: '2.0'\` and \`stages\`.`, { file });
  }
  const raw = v as Record<string, unknown>;
  const top = entryContext(loaded, file, [], file);
  if (raw.schema === undefined) {
    throw new LockstepError('SCHEMA_ERROR', `${file}: this lock file was written by DVC 1.x (no \`schema: '2.0'\` line), which DVC 3 and Lockstep do not read. Regenerate it with \`dvc repro\` or \`dvc commit\` using DVC 2 or later.`, { file, reason: 'dvc1' });
  }
  if (raw.schema !== '2.0') throw schemaError(top, 'schema', `unsupported lock file schema ${JSON.stringify(raw.schema)} (expected '2.0')`);
  for (const key of Object.keys(raw)) if (!TOP_KEYS.has(key)) throw schemaError(top, key, `unknown key \`${key}\``);
  const stagesRaw = raw.stages ?? {};
  if (stagesRaw === null || typeof stagesRaw !== 'object' || Array.isArray(stagesRaw)) throw schemaError(top, 'stages', 'expected a mapping of stage names');
  const stages: Record<string, LockStage> = {};
  for (const [name, s] of Object.entries(stagesRaw as Record<string, unknown>)) {
    const ctx = entryContext(loaded, file, ['stages', name], `stages.${name}`);
    if (s === null || typeof s !== 'object' || Array.isArray(s)) throw schemaError(ctx, undefined, 'expected a mapping');
    const st = s as Record<string, unknown>;
    for (const key of Object.keys(st)) if (!STAGE_KEYS.has(key)) throw schemaError(ctx, key, `unknown key \`${key}\``);
    const cmd = st.cmd;
    if (!(typeof cmd === 'string' || (Array.isArray(cmd) && cmd.every((c) => typeof c === 'string')))) {
      throw schemaError(ctx, 'cmd', 'a `cmd` string or list of strings is required');
    }
    const list = (key: 'deps' | 'outs'): Output[] => {
      const l = st[key];
      if (l === undefined || l === null) return [];
      if (!Array.isArray(l)) throw schemaError(ctx, key, 'expected a list');
      return l.map((e, i) => parseOutputEntry(e, entryContext(loaded, file, ['stages', name, key, i], `stages.${name}.${key}[${i}]`), 'lock'));
    };
    const params: Record<string, Record<string, unknown>> = {};
    if (st.params !== undefined && st.params !== null) {
      if (typeof st.params !== 'object' || Array.isArray(st.params)) throw schemaError(ctx, 'params', 'expected a mapping of params files');
      for (const [pf, kv] of Object.entries(st.params as Record<string, unknown>)) {
        if (kv === null || typeof kv !== 'object' || Array.isArray(kv)) throw schemaError(ctx, 'params', `\`${pf}\` must map parameter names to values`);
        params[pf] = kv as Record<string, unknown>;
      }
    }
    stages[name] = { cmd: cmd as string | string[], deps: list('deps'), params, outs: list('outs') };
  }
  const lock: Lockfile = { schema: '2.0', stages, raw };
  if (raw.datasets !== undefined) lock.datasets = raw.datasets;
  return lock;
}

/** The mapping DVC writes for one lock stage: cmd, deps/outs sorted by path, params ordered (§7.2). */
export function lockStageToYaml(s: LockStage): Record<string, YamlValue> {
  const byPath = (a: Output, b: Output): number => compareCodePoints(a.path, b.path);
  const out: Record<string, YamlValue> = { cmd: s.cmd as YamlValue };
  if (s.deps.length > 0) out.deps = [...s.deps].sort(byPath).map(lockEntryToYaml);
  const files = Object.keys(s.params).sort((a, b) => (a === 'params.yaml' ? -1 : b === 'params.yaml' ? 1 : compareCodePoints(a, b)));
  if (files.length > 0) {
    const params: Record<string, YamlValue> = {};
    for (const f of files) {
      const kv = s.params[f] as Record<string, unknown>;
      const sorted: Record<string, YamlValue> = {};
      for (const k of Object.keys(kv).sort(compareCodePoints)) sorted[k] = kv[k] as YamlValue;
      params[f] = sorted;
    }
    out.params = params;
  }
  if (s.outs.length > 0) out.outs = [...s.outs].sort(byPath).map(lockEntryToYaml);
  return out;
}

/** A fresh `dvc.lock` text (stages in the given order). Existing locks should go through `roundTripYaml`. */
export function serializeLockfile(lock: Pick<Lockfile, 'stages' | 'datasets'>): string {
  const stages: Record<string, YamlValue> = {};
  for (const [name, s] of Object.entries(lock.stages)) stages[name] = lockStageToYaml(s);
  const doc: Record<string, YamlValue> = { schema: '2.0', stages };
  if (lock.datasets !== undefined) doc.datasets = lock.datasets as YamlValue;
  return emitYaml(doc);
}
