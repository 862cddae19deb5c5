import { YamlFloat, YamlTimestamp } from '../dvc/yaml-scalars.ts';
import type { KeyValue } from './types.ts';

/**
 * Flattens a params or metrics document into dotted keys (`train.lr`), the way DVC's params and
 * metrics diffs address values. Lists are leaves: a changed list is one changed value.
 */
export function flattenValues(doc: unknown, prefix = '', out: Map<string, KeyValue> = new Map()): Map<string, KeyValue> {
  if (isPlainObject(doc)) {
    const keys = Object.keys(doc);
    if (keys.length === 0 && prefix) out.set(prefix, {});
    for (const k of keys) flattenValues(doc[k], prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, toJsonValue(doc));
  }
  return out;
}

/** A loaded YAML/JSON value as plain JSON (timestamps as their text, tagged floats as numbers). */
export function toJsonValue(v: unknown): KeyValue {
  if (v instanceof YamlFloat) return v.value;
  if (v instanceof YamlTimestamp) return v.text;
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x));
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonValue(x)]));
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
  return String(v);
}

/** Deep equality for JSON values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof YamlFloat) && !(v instanceof YamlTimestamp);
}
