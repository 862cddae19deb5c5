import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AppState } from '../../store/index.ts';
import { useApp } from '../../store/react.ts';
import { PAGE_SIZE } from '../../store/timeline-slice.ts';
import { ROW_HEIGHT, rowStyle, TimelineRow } from './TimelineRow.tsx';

/**
 * Rows rendered beyond each edge of the viewport. A few are enough: rows render in the same frame as the
 * scroll event, and every extra row is style, layout and paint work on every frame of a fast fling.
 */
const OVERSCAN = 4;
const rowSize = () => ROW_HEIGHT;
/** Rows loaded ahead of the viewport in the direction of travel (and behind it), see the effect below. */
const PREFETCH = PAGE_SIZE;

/**
 * The list's store selectors, defined once. The list renders on every scrolled frame, and an inline
 * selector is a new function each time: React's external-store hook then queues a passive effect to
 * record it, so every frame would pay for an extra scheduler task after it.
 */
const pick = {
  total: (s: AppState) => s.total,
  rows: (s: AppState) => s.rows,
  loaded: (s: AppState) => s.timelineLoaded,
  selectedOid: (s: AppState) => s.selectedOid,
  ensureRows: (s: AppState) => s.ensureRows,
  selectCommit: (s: AppState) => s.selectCommit,
  moveSelection: (s: AppState) => s.moveSelection,
};

/**
 * How many row slots the list cycles through: at least the longest window the virtualizer can return
 * for a viewport this tall (the rows it cuts, one partly shown row, the overscan on both sides), so any
 * window maps to distinct slots. Sized for the whole window rather than the list alone, so it is the
 * same from the first render (before the list is measured) on and changes only on a window resize.
 */
function ringSize(listHeight: number, windowLength: number): number {
  const height = Math.max(listHeight, typeof window === 'undefined' ? 0 : window.innerHeight);
  return Math.max(windowLength, Math.ceil(height / ROW_HEIGHT) + 1 + 2 * OVERSCAN);
}

/**
 * The window's rows ordered by slot (index modulo `ring`) rather than by index. Rows are keyed by slot,
 * so the row leaving the window is reused for the row entering it and a scrolled frame only updates
 * text in place. Keeping the children in slot order means React never moves a DOM node either: moving
 * one detaches and re-attaches it, and the browser then styles, lays out and paints it from scratch.
 * Rows are positioned absolutely, so DOM order does not show; aria-posinset tells assistive technology
 * the real order.
 */
function inSlotOrder(items: VirtualItem[], ring: number): VirtualItem[] {
  const cut = items.findIndex((vi) => vi.index % ring === 0);
  return cut > 0 ? [...items.slice(cut), ...items.slice(0, cut)] : items;
}

/**
 * The commit timeline: a virtual list (only visible rows exist in the DOM), loading pages from the
 * service as they scroll into view. Arrow keys / j k move the selection, Home/End jump.
 *
 * Every row has the same height, so the list never measures the DOM: positions are index × height, and
 * scrolling through 10,000 commits costs the same per frame at the end as at the start.
 */
export function Timeline() {
  const total = useApp(pick.total);
  const rows = useApp(pick.rows);
  const loaded = useApp(pick.loaded);
  const selectedOid = useApp(pick.selectedOid);
  const ensureRows = useApp(pick.ensureRows);
  const selectCommit = useApp(pick.selectCommit);
  const moveSelection = useApp(pick.moveSelection);
  const parentRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => parentRef.current,
    estimateSize: rowSize,
    overscan: OVERSCAN,
    // jsdom has no layout; start with a plausible viewport so the first rows render everywhere.
    initialRect: { width: 800, height: 720 },
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const ring = ringSize(virtualizer.scrollRect?.height ?? 0, items.length);

  // Ask for rows a whole page before they scroll into view: a page that arrives while its rows are on
  // screen renders them twice (placeholder, then row), which in a fast fling costs a dropped frame at
  // every page boundary. A fling moves about ten rows a frame, so a page ahead gives the server some
  // twenty frames to answer (with half a page, placeholders still reached the screen now and then on a
  // loaded machine). A layout effect, not a passive one: it runs inside the scroll's own render, where
  // a passive effect would cost every scrolled frame an extra scheduler task.
  useLayoutEffect(() => {
    if (total > 0) void ensureRows(Math.max(0, first - PREFETCH), Math.min(total, last + 1 + PREFETCH));
  }, [first, last, total, ensureRows]);

  // Rows change only when a page arrives, not on every scrolled frame: search them once per change.
  const selectedIndex = useMemo(() => (selectedOid ? rows.findIndex((r) => r?.oid === selectedOid) : -1), [rows, selectedOid]);
  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  function onKey(e: KeyboardEvent) {
    // A page is the rows that fit the viewport, less one so the last row stays in sight.
    const page = Math.max(1, Math.floor((parentRef.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const d = moves[e.key];
    if (d === undefined) return;
    e.preventDefault();
    moveSelection(d === Infinity ? total : d === -Infinity ? -total : d);
  }

  if (loaded && total === 0) return <p className="empty muted">No commits match.</p>;
  return (
    <div ref={parentRef} className="timeline" tabIndex={0} role="listbox" aria-label="Timeline" onKeyDown={onKey}>
      <div className="timeline-body" style={{ height: virtualizer.getTotalSize() }}>
        {inSlotOrder(items, ring).map((vi) => {
          const c = rows[vi.index];
          const key = vi.index % ring;
          return c ? (
            <TimelineRow key={key} commit={c} index={vi.index} total={total} top={vi.start} selected={c.oid === selectedOid} onSelect={selectCommit} />
          ) : (
            <div key={key} className="trow placeholder muted" aria-busy="true" style={rowStyle(vi.start)}>
              Loading…
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Filter bar: only commits that changed data, and free-text search over message, author and paths. */
export function TimelineToolbar() {
  const filter = useApp((s) => s.filter);
  const setFilter = useApp((s) => s.setFilter);
  const total = useApp((s) => s.total);
  const [search, setSearch] = useState(filter.search);
  useEffect(() => {
    if (search === filter.search) return;
    const t = setTimeout(() => void setFilter({ search }), 250);
    return () => clearTimeout(t);
  }, [search, filter.search, setFilter]);
  return (
    <div className="toolbar">
      <input type="search" aria-label="Search commits" placeholder="Search message, author, path…" value={search} onChange={(e) => setSearch(e.target.value)} />
      <label className="check">
        <input type="checkbox" checked={filter.dataOnly} onChange={(e) => void setFilter({ dataOnly: e.target.checked })} /> Data changes only
      </label>
      <span className="muted small">{total} commits</span>
    </div>
  );
}
