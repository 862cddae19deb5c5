import type { DataState, KeyedValue } from './data-state.ts';
import { sameValue } from './flatten.ts';
import type { OutputChange, OutputVersion, ValueChange } from './types.ts';

/** What differs between two data states (a commit and its first parent, or any two commits). */
export interface StateDiff {
  readonly outputs: OutputChange[];
  readonly params: ValueChange[];
  readonly metrics: ValueChange[];
  readonly envChanged: boolean;
}

/** Compares two states; categories that share the same map object are equal without a look. */
export function diffStates(before: DataState, after: DataState): StateDiff {
  return {
    outputs: before.outputs === after.outputs ? [] : diffOutputs(before.outputs, after.outputs),
    params: before.params === after.params ? [] : diffValues(before.params, after.params),
    metrics: before.metrics === after.metrics ? [] : diffValues(before.metrics, after.metrics),
    envChanged: before.env.fingerprint !== after.env.fingerprint,
  };
}

/** Outputs added, modified (hash, size, file count or layout changed) or removed, sorted by path. */
export function diffOutputs(before: ReadonlyMap<string, OutputVersion>, after: ReadonlyMap<string, OutputVersion>): OutputChange[] {
  const out: OutputChange[] = [];
  for (const [p, n] of after) {
    const o = before.get(p);
    if (!o) out.push(change(p, 'added', null, n));
    else if (o.md5 !== n.md5 || o.size !== n.size || o.nfiles !== n.nfiles || o.legacy !== n.legacy) out.push(change(p, 'modified', o, n));
  }
  for (const [p, o] of before) if (!after.has(p)) out.push(change(p, 'removed', o, null));
  return out.sort((a, b) => cmp(a.path, b.path));
}

/** Keys whose value differs, sorted by source, file and key. */
export function diffValues(before: ReadonlyMap<string, KeyedValue>, after: ReadonlyMap<string, KeyedValue>): ValueChange[] {
  const out: ValueChange[] = [];
  for (const [k, n] of after) {
    const o = before.get(k);
    if (!o) out.push({ source: n.source, file: n.file, key: n.key, new: n.value });
    else if (!sameValue(o.value, n.value)) out.push({ source: n.source, file: n.file, key: n.key, old: o.value, new: n.value });
  }
  for (const [k, o] of before) if (!after.has(k)) out.push({ source: o.source, file: o.file, key: o.key, old: o.value });
  return out.sort((a, b) => cmp(a.source, b.source) || cmp(a.file, b.file) || cmp(a.key, b.key));
}

function change(p: string, kind: OutputChange['change'], o: OutputVersion | null, n: OutputVersion | null): OutputChange {
  const size = (v: OutputVersion | null): number | null => (v === null ? 0 : v.size);
  const files = (v: OutputVersion | null): number | null => (v === null ? 0 : v.nfiles);
  const so = size(o);
  const sn = size(n);
  const fo = files(o);
  const fn = files(n);
  return { path: p, change: kind, old: o, new: n, sizeDelta: so === null || sn === null ? null : sn - so, nfilesDelta: fo === null || fn === null ? null : fn - fo };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
