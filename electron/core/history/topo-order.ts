/** A commit as the ordering needs it. */
export interface OrderNode {
  readonly oid: string;
  readonly parents: readonly string[];
  readonly time: number;
}

/**
 * Orders commits so every parent comes before its children (parents outside `nodes` are already
 * placed). Among commits whose parents are placed, older committer time first, then oid, so the
 * order is deterministic and reads like `git log --date-order` reversed. Iterative: histories are
 * deep enough to overflow a recursive walk.
 */
export function topoOrder(nodes: readonly OrderNode[]): OrderNode[] {
  const byOid = new Map(nodes.map((n) => [n.oid, n]));
  const pending = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const n of nodes) {
    let count = 0;
    for (const p of new Set(n.parents)) {
      if (!byOid.has(p)) continue;
      count++;
      let list = children.get(p);
      if (!list) children.set(p, (list = []));
      list.push(n.oid);
    }
    pending.set(n.oid, count);
  }
  const heap = new MinHeap<OrderNode>((a, b) => a.time - b.time || (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  for (const n of nodes) if (pending.get(n.oid) === 0) heap.push(n);
  const out: OrderNode[] = [];
  while (heap.size > 0) {
    const n = heap.pop() as OrderNode;
    out.push(n);
    for (const c of children.get(n.oid) ?? []) {
      const left = (pending.get(c) ?? 0) - 1;
      pending.set(c, left);
      if (left === 0) heap.push(byOid.get(c) as OrderNode);
    }
  }
  return out;
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly less: (a: T, b: T) => number;
  constructor(less: (a: T, b: T) => number) {
    this.less = less;
  }
  get size(): number {
    return this.items.length;
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(a[i] as T, a[p] as T) >= 0) break;
      [a[i], a[p]] = [a[p] as T, a[i] as T];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l] as T, a[m] as T) < 0) m = l;
        if (r < a.length && this.less(a[r] as T, a[m] as T) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as T, a[i] as T];
        i = m;
      }
    }
    return top;
  }
}
