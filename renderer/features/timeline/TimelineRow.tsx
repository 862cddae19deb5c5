import { memo, type CSSProperties } from 'react';
import type { DataChange, TimelineCommit, ValueChange } from '../../../shared/model.ts';
import { Chip } from '../../components/Chip.tsx';
import { formatDelta, formatRelative } from '../../format.ts';

function fmtValue(v: string | number | boolean | null): string {
  if (v === null) return '∅';
  // Six significant digits are plenty for a chip; the detail pane shows the exact value.
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  return String(v);
}

/**
 * Height of every timeline row in px, border included: three one-line rows of text (message and refs;
 * author, date and hash; change chips). The virtual list positions rows from it without measuring the
 * DOM, so the stylesheet keeps each line from wrapping (styles.css, `.trow`).
 */
export const ROW_HEIGHT = 80;

/** Data chips shown in a row before a "+N more" chip; the detail pane lists them all. */
const MAX_DATA_CHIPS = 4;

function dataLabel(d: DataChange): string {
  const sign = d.change === 'added' ? '+' : d.change === 'removed' ? '−' : '~';
  const n = Math.abs(d.nfilesDelta ?? 0);
  const files = n ? ` ${(d.nfilesDelta ?? 0) > 0 ? '+' : '−'}${n} file${n === 1 ? '' : 's'}` : '';
  const size = d.sizeDelta ? ` (${formatDelta(d.sizeDelta)})` : '';
  return `${sign} ${d.path}${files}${size}`;
}

function valueLabel(v: ValueChange): string {
  return `${v.key}: ${fmtValue(v.old)} → ${fmtValue(v.new)}`;
}

/** One chip on a row's change line. */
interface ChangeChip {
  readonly tone: 'data' | 'neutral' | 'ok';
  readonly title: string;
  readonly label: string;
}

/** The change line's chips: data changes (cut short with "+N more"), then params, then metrics. */
function changeChips(commit: TimelineCommit): ChangeChip[] {
  const chips: ChangeChip[] = commit.data.slice(0, MAX_DATA_CHIPS).map((d) => ({ tone: 'data', title: `${d.change}: ${d.path}`, label: dataLabel(d) }));
  const hidden = commit.data.slice(MAX_DATA_CHIPS);
  if (hidden.length > 0) chips.push({ tone: 'data', title: hidden.map((d) => d.path).join('\n'), label: `+${hidden.length} more` });
  for (const p of commit.params.slice(0, 3)) chips.push({ tone: 'neutral', title: p.file, label: valueLabel(p) });
  for (const m of commit.metrics.slice(0, 3)) chips.push({ tone: 'ok', title: m.file, label: valueLabel(m) });
  return chips;
}

/**
 * Where a row sits in the list: its own box at a fixed height, moved into place by a transform so
 * placing it needs no layout of its neighbours.
 */
export function rowStyle(top: number): CSSProperties {
  return { height: ROW_HEIGHT, transform: `translateY(${top}px)` };
}

/**
 * One commit in the timeline, the `index`th of `total`, positioned at `top` px: message, refs, author,
 * date, hash, data changes, params and metric deltas. Memoised on its props, so a scrolled frame renders
 * only the rows that change. Ten rows enter the viewport in each frame of a fast fling, so the DOM is
 * kept small and stable: each line is a block of one line of text (only a message with ref chips is a
 * flex row, so a long message shrinks and the chips stay whole), each label is one string and so one
 * text node, and a row reused for another commit (Timeline.tsx) changes text, not elements.
 */
export const TimelineRow = memo(function TimelineRow({ commit, index, total, top, selected, onSelect }: { commit: TimelineCommit; index: number; total: number; top: number; selected: boolean; onSelect: (oid: string) => void }) {
  const nl = commit.message.indexOf('\n');
  const firstLine = nl < 0 ? commit.message : commit.message.slice(0, nl);
  return (
    <div className={selected ? 'trow selected' : 'trow'} role="option" aria-selected={selected} aria-posinset={index + 1} aria-setsize={total} style={rowStyle(top)} onClick={() => onSelect(commit.oid)}>
      {commit.refs.length > 0 ? (
        <div className="trow-main trow-refs">
          <span className="trow-msg">{firstLine}</span>
          {commit.refs.map((r) => (
            <Chip key={`${r.kind}:${r.name}`} tone={r.kind}>
              {r.name}
            </Chip>
          ))}
        </div>
      ) : (
        <div className="trow-main trow-msg">{firstLine}</div>
      )}
      <div className="trow-meta muted small">
        <span title={new Date(commit.date).toISOString()}>{`${commit.author} · ${formatRelative(commit.date)} ·`}</span>
        <code>{commit.oid.slice(0, 7)}</code>
        {commit.envChanged ? <Chip tone="warn">env changed</Chip> : null}
      </div>
      {/* Always present, and its chips keyed by position: a row reused for another commit then
          updates its chips in place instead of removing and creating elements. */}
      <div className="trow-chips">
        {changeChips(commit).map((c, i) => (
          <Chip key={i} tone={c.tone} title={c.title}>
            {c.label}
          </Chip>
        ))}
      </div>
    </div>
  );
});
