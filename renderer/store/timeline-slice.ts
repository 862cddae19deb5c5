import type { TimelineCommit } from '../../shared/model.ts';
import type { Slice } from './types.ts';

/** Rows are fetched in pages of this size as the virtual list scrolls to them. */
export const PAGE_SIZE = 200;

export interface TimelineFilter {
  readonly dataOnly: boolean;
  readonly search: string;
}

export interface TimelineSlice {
  /** Sparse by index: only the pages scrolled near are loaded. */
  rows: (TimelineCommit | undefined)[];
  total: number;
  filter: TimelineFilter;
  selectedOid: string | null;
  timelineLoaded: boolean;
  /** Bumped on every reload so late answers from an old query are dropped. */
  timelineGen: number;
  /**
   * The generation `rows` belong to. A reload keeps showing the old rows until the new first page
   * arrives, so the list does not blink empty after every job or commit.
   */
  rowsGen: number;
  reloadTimeline(): Promise<void>;
  /** Ensures rows [start, end) are loaded or loading. */
  ensureRows(start: number, end: number): Promise<void>;
  setFilter(f: Partial<TimelineFilter>): Promise<void>;
  selectCommit(oid: string | null): void;
  /** Keyboard navigation: move the selection by `delta` rows. */
  moveSelection(delta: number): void;
}

const inflight = new Set<string>();

export const createTimelineSlice: Slice<TimelineSlice> = (api) => (set, get) => ({
  rows: [],
  total: 0,
  filter: { dataOnly: false, search: '' },
  selectedOid: null,
  timelineLoaded: false,
  timelineGen: 0,
  rowsGen: 0,
  async reloadTimeline() {
    const gen = get().timelineGen + 1;
    set({ timelineGen: gen, timelineLoaded: false });
    inflight.clear();
    await get().ensureRows(0, PAGE_SIZE);
    if (get().timelineGen === gen) set({ timelineLoaded: true });
  },
  async ensureRows(start, end) {
    const repo = get().repo;
    if (!repo || repo.needsInit) return;
    const gen = get().timelineGen;
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor(Math.max(start, end - 1) / PAGE_SIZE);
    const loads: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      const offset = p * PAGE_SIZE;
      const key = `${gen}:${offset}`;
      const current = get().rowsGen === gen;
      if ((current && get().rows[offset] !== undefined) || inflight.has(key)) continue;
      if (current && get().timelineLoaded && offset >= get().total) continue;
      inflight.add(key);
      const { dataOnly, search } = get().filter;
      loads.push(
        api
          .call('timeline:page', { repoId: repo.id, offset, limit: PAGE_SIZE, dataOnly, ...(search ? { search } : {}) })
          .then((page) => {
            if (get().timelineGen !== gen) return;
            // The first answer of a new generation replaces the old rows wholesale.
            const rows = get().rowsGen === gen ? get().rows.slice() : [];
            page.commits.forEach((c, i) => {
              rows[page.offset + i] = c;
            });
            set({ rows, total: page.total, rowsGen: gen });
          })
          .catch((err: unknown) => get().reportError('Loading the timeline', err))
          .finally(() => inflight.delete(key)),
      );
    }
    await Promise.all(loads);
  },
  async setFilter(f) {
    set({ filter: { ...get().filter, ...f } });
    await get().reloadTimeline();
  },
  selectCommit(oid) {
    set({ selectedOid: oid });
    if (oid) void get().loadDetail(oid);
  },
  moveSelection(delta) {
    const { rows, selectedOid, total } = get();
    if (total === 0) return;
    const idx = selectedOid ? rows.findIndex((r) => r?.oid === selectedOid) : -1;
    const next = Math.min(total - 1, Math.max(0, idx + delta));
    const row = rows[next];
    if (row) get().selectCommit(row.oid);
    else void get().ensureRows(next, next + 1).then(() => {
      const r = get().rows[next];
      if (r) get().selectCommit(r.oid);
    });
  },
});
