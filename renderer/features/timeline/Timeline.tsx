import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../../store/react.ts';
import { PAGE_SIZE } from '../../store/timeline-slice.ts';
import { ROW_HEIGHT, TimelineRow } from './TimelineRow.tsx';

/**
 * Rows rendered beyond each edge of the viewport. A few are enough: rows render in the same frame as the
 * scroll event, and every extra row is style, layout and paint work on every frame of a fast fling.
 */
const OVERSCAN = 4;
const rowSize = () => ROW_HEIGHT;
/** Rows loaded ahead of the viewport in the direction of travel (and behind it), see the effect below. */
const PREFETCH = PAGE_SIZE / 2;

/**
 * The commit timeline: a virtual list (only visible rows exist in the DOM), loading pages from the
 * service as they scroll into view. Arrow keys / j k move the selection, Home/End jump.
 *
 * Every row has the same height, so the list never measures the DOM: positions are index × height, and
 * scrolling through 10,000 commits costs the same per frame at the end as at the start.
 */
export function Timeline() {
  const total = useApp((s) => s.total);
  const rows = useApp((s) => s.rows);
  const loaded = useApp((s) => s.timelineLoaded);
  const selectedOid = useApp((s) => s.selectedOid);
  const ensureRows = useApp((s) => s.ensureRows);
  const selectCommit = useApp((s) => s.selectCommit);
  const moveSelection = useApp((s) => s.moveSelection);
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

  // Ask for rows half a page before they scroll into view: a page that arrives while its rows are on
  // screen renders them twice (placeholder, then row), which in a fast fling costs a dropped frame at
  // every page boundary.
  useEffect(() => {
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
        {items.map((vi) => {
          const c = rows[vi.index];
          return (
            <div key={vi.key} className="trow-slot" style={{ height: ROW_HEIGHT, transform: `translateY(${vi.start}px)` }}>
              {c ? <TimelineRow commit={c} selected={c.oid === selectedOid} onSelect={selectCommit} /> : <div className="trow placeholder muted">Loading…</div>}
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
