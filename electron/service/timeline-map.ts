import type { TimelineCommit as CoreCommit, KeyValue, ValueChange as CoreValueChange } from '../core/history/types.ts';
import type { RefChip, TimelineCommit, ValueChange } from '../../shared/model.ts';

function scalar(v: KeyValue | undefined): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

function values(list: readonly CoreValueChange[]): ValueChange[] {
  return list.map((c) => ({ key: c.key, file: c.file, old: scalar(c.old), new: scalar(c.new) }));
}

/** Branch, tag, HEAD and model-registry chips for a row; GTO tags show as `model@v1` / `model#prod`. */
function chips(c: CoreCommit): RefChip[] {
  const out: RefChip[] = [];
  if (c.refs.head) out.push({ name: 'HEAD', kind: 'head' });
  for (const b of c.refs.branches) out.push({ name: b, kind: 'branch' });
  const gtoTags = new Set(c.refs.gto.map((g) => g.tag));
  for (const t of c.refs.tags) if (!gtoTags.has(t)) out.push({ name: t, kind: 'tag' });
  for (const g of c.refs.gto) out.push({ name: g.version ? `${g.artifact}@${g.version}` : g.stage ? `${g.artifact}#${g.stage}` : g.artifact, kind: 'model' });
  return out;
}

/** The engine's timeline commit in the shape the UI shows (dates in ms, values as scalars). */
export function toUiCommit(c: CoreCommit): TimelineCommit {
  return {
    oid: c.oid,
    parents: c.parents,
    message: c.message,
    author: c.author.name,
    date: c.time * 1000,
    refs: chips(c),
    data: c.outputs.map((o) => ({ path: o.path, change: o.change, sizeDelta: o.sizeDelta, nfilesDelta: o.nfilesDelta })),
    params: values(c.params),
    metrics: values(c.metrics),
    envChanged: c.environment.changed,
  };
}

/** Whether a commit matches a free-text search over message, author, oid, refs and changed paths. */
export function matchesSearch(c: CoreCommit, needle: string): boolean {
  const n = needle.toLowerCase();
  if (c.message.toLowerCase().includes(n) || c.author.name.toLowerCase().includes(n) || c.oid.startsWith(n)) return true;
  if ([...c.refs.branches, ...c.refs.tags].some((r) => r.toLowerCase().includes(n))) return true;
  return c.outputs.some((o) => o.path.toLowerCase().includes(n)) || c.changedFiles.some((f) => f.toLowerCase().includes(n));
}
