/**
 * Loads DVC's YAML files the way ruamel's `safe` loader does (dvc-format.md §2.1, §7.3): YAML 1.2 core schema
 * (`yes`/`no`/`on` stay strings, `1e-5` is a float), duplicate keys are errors, merge keys (`<<`) work.
 *
 * Timestamps: ruamel resolves an unquoted `2023-01-01` to a date, so it is not a string to DVC. We load such
 * scalars as `YamlTimestamp` (source text kept, `.date` available) everywhere, consistently; the emitter writes
 * them back plain. Floats with an integral value (`1.0`) load as plain numbers unless `floats: 'tagged'` asks
 * for `YamlFloat`, which callers that re-emit values (params into `dvc.lock`) need to keep `1.0` a float.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar } from 'yaml';
import type { Document, Node, ScalarTag } from 'yaml';
import { LockstepError } from '../errors/index.ts';
import { TIMESTAMP_RE, YamlFloat, YamlTimestamp } from './yaml-scalars.ts';

/** Options for `loadYaml`. */
export interface LoadYamlOptions {
  /** 'number' (default): every float is a JS number. 'tagged': integral floats (`1.0`) become `YamlFloat`. */
  floats?: 'number' | 'tagged';
}

/** A key path into a loaded document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** The result of `loadYaml`: the plain value, the `yaml` document, and a position finder for messages. */
export interface LoadedYaml {
  value: unknown;
  doc: Document.Parsed;
  /** 1-based line/column of the node at `path` (of its key when `key` is true), if present. */
  locate(path: YamlPath, key?: boolean): { line: number; column: number } | undefined;
}

const timestampTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:timestamp',
  default: true,
  test: TIMESTAMP_RE,
  resolve: (str: string) => new YamlTimestamp(str),
  identify: (v: unknown) => v instanceof YamlTimestamp,
  stringify: (item) => String((item as Scalar).value),
};

/** Parses `text` (from `file`, used in messages) as YAML 1.2 like ruamel's safe loader. Throws PARSE_ERROR. */
export function loadYaml(text: string, file: string, opts: LoadYamlOptions = {}): LoadedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    customTags: [timestampTag],
    uniqueKeys: true,
    merge: true,
    lineCounter,
    prettyErrors: false,
    strict: true,
    keepSourceTokens: false,
  });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    const problem = err.message.split('\n')[0] ?? err.message;
    throw new LockstepError('PARSE_ERROR', `${file}:${pos.line}:${pos.col}: ${problem}`, { file, line: pos.line, column: pos.col });
  }
  const value = toPlain(doc.contents, doc, file, lineCounter, opts.floats ?? 'number', new Set());
  const locate = (path: YamlPath, key = false): { line: number; column: number } | undefined => {
    const node = findNode(doc, path, key);
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return { value, doc, locate };
}

/** The 1-based line of `path` in a loaded document, or undefined. Convenience for error messages. */
export function lineOf(loaded: LoadedYaml, path: YamlPath, key = true): number | undefined {
  return loaded.locate(path, key)?.line;
}

const FLOAT_SOURCE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?$/;

function toPlain(
  node: unknown,
  doc: Document.Parsed,
  file: string,
  lc: LineCounter,
  floats: 'number' | 'tagged',
  seen: Set<unknown>,
): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (seen.has(target)) throw parseError(file, lc, node.range?.[0] ?? 0, 'recursive alias');
    seen.add(target);
    const v = toPlain(target, doc, file, lc, floats, seen);
    seen.delete(target);
    return v;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number' && floats === 'tagged' && Number.isInteger(v) && node.type === Scalar.PLAIN && typeof node.source === 'string' && FLOAT_SOURCE.test(node.source)) {
      return new YamlFloat(v);
    }
    return v;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const k = toPlain(pair.key, doc, file, lc, floats, seen);
      const value = toPlain(pair.value, doc, file, lc, floats, seen);
      if (typeof k === 'symbol') {
        // The `yaml` package marks a merge key (`<<`) with a symbol.
        mergeInto(out, value);
        continue;
      }
      const key = k === null ? 'null' : k instanceof YamlFloat ? String(k.value) : typeof k === 'object' ? JSON.stringify(k) : String(k);
      // The "__proto__" key must become an own property, not the prototype.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item) => toPlain(item, doc, file, lc, floats, seen));
  return node;
}

/** `<<: *base` / `<<: [*a, *b]`: keys already present win, earlier merge sources win over later ones. */
function mergeInto(out: Record<string, unknown>, value: unknown): void {
  const sources = Array.isArray(value) ? value : [value];
  for (const src of sources) {
    if (src === null || typeof src !== 'object' || Array.isArray(src)) continue;
    for (const [k, v] of Object.entries(src)) if (!Object.hasOwn(out, k)) out[k] = v;
  }
}

function parseError(file: string, lc: LineCounter, offset: number, problem: string): LockstepError {
  const p = lc.linePos(offset);
  return new LockstepError('PARSE_ERROR', `${file}:${p.line}:${p.col}: ${problem}`, { file, line: p.line, column: p.col });
}

function findNode(doc: Document.Parsed, path: YamlPath, key: boolean): Node | undefined {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return undefined;
      node = last && key ? pair.key : pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}
