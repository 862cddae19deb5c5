/**
 * The round-trip edit DVC applies when it re-saves an existing YAML file (dvc-format.md §2.1): load the old
 * text, apply only the differences (`apply_diff`, so existing key order is kept, new keys are appended and
 * removed keys dropped), dump again in the normalised 2-space style, keeping comments next to their keys.
 * When nothing changed the old text is returned byte for byte.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { emitYamlMapped } from './yaml-emit.ts';
import type { YamlValue } from './yaml-emit.ts';
import { loadYaml } from './yaml-load.ts';
import { YamlFloat, YamlTimestamp } from './yaml-scalars.ts';

/** Options for {@link roundTripYaml}. */
export interface RoundTripOptions {
  /**
   * Mapping paths whose value is replaced whole instead of diffed: it keeps its place, but its keys come in
   * `next`'s order and comments inside it are dropped, as when DVC assigns a fresh dict (`dvc.lock` stages,
   * `data["stages"].update(...)` in dvc's Lockfile.dump).
   */
  readonly replace?: readonly (readonly string[])[];
}

/** Rewrites `oldText` (of `file`) so it holds `next`, the way ruamel's round trip does in DVC. */
export function roundTripYaml(oldText: string, file: string, next: Record<string, YamlValue>, opts: RoundTripOptions = {}): string {
  const loaded = loadYaml(oldText, file, { floats: 'tagged' });
  const merged = applyDiff(next, loaded.value);
  for (const at of opts.replace ?? []) setAt(merged, at, getAt(next, at));
  if (pyEqual(merged, loaded.value) && (opts.replace ?? []).every((at) => sameKeyOrder(getAt(merged, at), getAt(loaded.value, at)))) return oldText;
  const comments = collectComments(oldText, loaded.doc.contents as Node | null);
  for (const at of opts.replace ?? []) dropInside(comments, at);
  const { text, starts, ends } = emitYamlMapped(merged as YamlValue);
  const lines = text.split('\n');
  const trailingNewline = lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  const before = new Map<number, string[]>();
  for (const [pathKey, block] of comments.before) {
    const at = starts.get(pathKey);
    if (at !== undefined) before.set(at, [...(before.get(at) ?? []), ...block]);
  }
  for (const [pathKey, inline] of comments.inline) {
    const at = ends.get(pathKey) ?? starts.get(pathKey);
    if (at !== undefined && lines[at] !== undefined) lines[at] += inline;
  }
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(...(before.get(i) ?? []), line);
  });
  out.push(...comments.tail);
  let result = out.join('\n') + (trailingNewline ? '\n' : '');
  // Keep the file's line-ending style: DVC writes CRLF on Windows, and git may have checked it out that way.
  if (oldText.includes('\r\n')) result = result.replace(/\r?\n/g, '\r\n');
  return result;
}

/**
 * DVC's `apply_diff(src, dest)` on plain values, returning the new dest: mappings keep dest's key order,
 * changed values are replaced in place, new keys appended, missing keys removed; lists of equal length are
 * diffed item by item, otherwise replaced.
 */
export function applyDiff(src: unknown, dest: unknown): unknown {
  if (isPlainObject(src) && isPlainObject(dest)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(dest)) if (Object.hasOwn(src, k)) out[k] = v;
    for (const [k, v] of Object.entries(src)) {
      if (v === undefined) continue;
      const old = Object.hasOwn(dest, k) ? dest[k] : undefined;
      if (isContainer(v) && isContainer(old) && Array.isArray(v) === Array.isArray(old)) out[k] = applyDiff(v, old);
      else if (old === undefined || !pyEqual(v, old)) out[k] = v;
    }
    for (const k of Object.keys(out)) if (src[k] === undefined) delete out[k];
    return out;
  }
  if (Array.isArray(src) && Array.isArray(dest)) {
    if (src.length !== dest.length) return src;
    return src.map((v, i) => {
      const old: unknown = dest[i];
      if (isContainer(v) && isContainer(old) && Array.isArray(v) === Array.isArray(old)) return applyDiff(v, old);
      return pyEqual(v, old) ? old : v;
    });
  }
  return src;
}

function getAt(v: unknown, at: readonly string[]): unknown {
  let cur = v;
  for (const k of at) cur = isPlainObject(cur) && Object.hasOwn(cur, k) ? cur[k] : undefined;
  return cur;
}

function setAt(v: unknown, at: readonly string[], value: unknown): void {
  const parent = getAt(v, at.slice(0, -1));
  const key = at[at.length - 1];
  if (isPlainObject(parent) && key !== undefined && value !== undefined) parent[key] = value;
}

/** Same keys in the same order, all the way down (pyEqual ignores order). */
function sameKeyOrder(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameKeyOrder(x, b[i]));
  if (!isPlainObject(a) || !isPlainObject(b)) return true;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameKeyOrder(a[k], b[k]));
}

/** Forgets the comments strictly inside the value at `at` (those of its own key line stay). */
function dropInside(c: Comments, at: readonly string[]): void {
  const prefix = JSON.stringify([...at]).slice(0, -1) + ',';
  for (const m of [c.before, c.inline]) for (const k of [...m.keys()]) if (k.startsWith(prefix)) m.delete(k);
}

/** Python `==` on loaded YAML values: `1 == 1.0`, timestamps by text, containers deeply. */
export function pyEqual(a: unknown, b: unknown): boolean {
  const na = a instanceof YamlFloat ? a.value : a;
  const nb = b instanceof YamlFloat ? b.value : b;
  if (typeof na === 'number' && typeof nb === 'number') return na === nb || (Number.isNaN(na) && Number.isNaN(nb));
  if (a instanceof YamlTimestamp || b instanceof YamlTimestamp) {
    return a instanceof YamlTimestamp && b instanceof YamlTimestamp && a.text === b.text;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEqual(v, b[i]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && pyEqual(a[k], b[k]));
  }
  return na === nb;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof YamlFloat) && !(v instanceof YamlTimestamp);
}

function isContainer(v: unknown): boolean {
  return Array.isArray(v) || isPlainObject(v);
}

interface Comments {
  /** Comment and blank lines that stood right before the key/item at a path. */
  before: Map<string, string[]>;
  /** ` # ...` text that followed a value (or a key with a nested value) on its line. */
  inline: Map<string, string>;
  /** Comment lines after the last node. */
  tail: string[];
}

/** Maps the old file's comments to the paths of the keys they precede or follow. */
function collectComments(text: string, root: Node | null): Comments {
  const src = text.replace(/\r\n/g, '\n');
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lines = src.split('\n');
  const firstPathOnLine = new Map<number, string>();
  const inline = new Map<string, string>();
  const inlineAfter = (offset: number, pathKey: string): void => {
    const line = lineAt(offset);
    const rest = (lines[line] ?? '').slice(offset - (lineStarts[line] as number));
    const m = /^(\s*:)?(\s+#.*)$/.exec(rest);
    if (m?.[2]) inline.set(pathKey, m[2]);
  };
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const p = [...path, String(pair.key.value)];
        const key = JSON.stringify(p);
        const line = lineAt(pair.key.range[0]);
        if (!firstPathOnLine.has(line)) firstPathOnLine.set(line, key);
        if (isScalar(pair.value) && pair.value.range) inlineAfter(pair.value.range[1], key);
        else if (pair.value === null) inlineAfter(pair.key.range[1], key);
        else if (isMap(pair.value) || isSeq(pair.value)) inlineAfter(pair.key.range[1], key);
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const range = (item as Node | null)?.range;
        if (!range) return;
        const p = [...path, i];
        // The dash sits on the item's first line; a comment before it belongs to the item.
        firstPathOnLine.set(lineAt(range[0]), JSON.stringify(p));
        if (isScalar(item)) inlineAfter(range[1], JSON.stringify(p));
        walk(item, p);
      });
    }
  };
  walk(root, []);
  const before = new Map<string, string[]>();
  let pending: string[] = [];
  lines.forEach((line, i) => {
    const owner = firstPathOnLine.get(i);
    if (owner !== undefined) {
      if (pending.length > 0) before.set(owner, pending);
      pending = [];
    } else if (/^\s*(#.*)?$/.test(line)) {
      pending.push(line);
    }
  });
  // The final '' from the trailing newline is not a blank line of the file.
  if (pending.length > 0 && pending[pending.length - 1] === '' && src.endsWith('\n')) pending.pop();
  return { before, inline, tail: pending.filter((l) => l.trim() !== '') };
}
