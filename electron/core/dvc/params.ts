/**
 * Params and metrics files (dvc-format.md §7.3): the loader is chosen by extension like DVC does — `.json`
 * (JSON), `.toml` (TOML 1.0 via smol-toml), anything else YAML 1.2 as ruamel's safe loader reads it. Python
 * (`.py`) params files are refused with a clear message: evaluating Python constants is out of scope.
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { LockstepError } from '../errors/index.ts';
import { jsonErrorOffset } from './json-error.ts';
import { loadYaml } from './yaml-load.ts';
import { YamlFloat, YamlTimestamp } from './yaml-scalars.ts';

/** Options for `loadParamsFile`. */
export interface LoadParamsOptions {
  /** Keep integral YAML floats as `YamlFloat` (needed when the values are written into `dvc.lock`). */
  floats?: 'number' | 'tagged';
}

/** Parses a params/metrics file's text; `file` picks the format and names the file in errors (PARSE_ERROR). */
export function loadParamsFile(text: string, file: string, opts: LoadParamsOptions = {}): unknown {
  const ext = /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
  if (ext === 'json') return parseJson(text, file);
  if (ext === 'toml') return parseTomlText(text, file);
  if (ext === 'py') {
    throw new LockstepError('PARSE_ERROR', `${file}: Python params files are not supported by Lockstep; move these parameters to params.yaml (or a .json/.toml file).`, { file });
  }
  return loadYaml(text, file, { floats: opts.floats ?? 'number' }).value;
}

function parseJson(text: string, file: string): unknown {
  try {
    // Strict JSON: Python's json would also accept bare NaN/Infinity; such files get the parser's message.
    return JSON.parse(text);
  } catch (err) {
    const problem = ((err as Error).message.split(', "')[0] ?? 'invalid JSON').replace(/ in JSON at position.*$/, '');
    const offset = Math.max(0, jsonErrorOffset(text.replace(/^\ufeff/, '')));
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw new LockstepError('PARSE_ERROR', `${file}:${line}:${column}: ${problem}`, { file, line, column });
  }
}

function parseTomlText(text: string, file: string): unknown {
  try {
    return parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const problem = err.message.split('\n')[0] ?? err.message;
      throw new LockstepError('PARSE_ERROR', `${file}:${err.line}:${err.column}: ${problem}`, { file, line: err.line, column: err.column });
    }
    throw err;
  }
}

/**
 * Flattens nested mappings to dotted keys (`{a: {b: 1}}` -> `{'a.b': 1}`), as `dvc params diff` shows them.
 * Lists and scalars are leaves; an empty mapping contributes nothing (DVC's flatten does the same).
 */
export function flattenParams(obj: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (v: unknown, prefix: string): void => {
    if (isMapping(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, prefix === '' ? k : `${prefix}.${k}`);
    } else if (prefix !== '') {
      out[prefix] = v;
    }
  };
  walk(obj, '');
  return out;
}

/** Looks up a dotted key (`prepare.split`) the way DVC's dpath lookup does; undefined when missing. */
export function getParam(obj: unknown, dotted: string): unknown {
  if (isMapping(obj) && Object.hasOwn(obj, dotted)) return obj[dotted];
  let cur: unknown = obj;
  for (const part of dotted.split('.')) {
    if (isMapping(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else return undefined;
  }
  return cur;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlFloat) && !(v instanceof YamlTimestamp) && !(v instanceof Date);
}
