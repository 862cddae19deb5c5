import { memo } from 'react';
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

/**
 * One commit in the timeline: message, author, date, refs, data changes, params and metric deltas.
 * Memoised on its props (the commit object, a boolean and a stable action), so scrolling renders only
 * the rows that enter the viewport. Each label is built as one string: one text node instead of four
 * is less for the browser to lay out and paint when ten rows enter the viewport in one frame.
 */
export const TimelineRow = memo(function TimelineRow({ commit, selected, onSelect }: { commit: TimelineCommit; selected: boolean; onSelect: (oid: string) => void }) {
  const nl = commit.message.indexOf('\n');
  const firstLine = nl < 0 ? commit.message : commit.message.slice(0, nl);
  const hiddenData = commit.data.length - MAX_DATA_CHIPS;
  return (
    <div
      className={selected ? 'trow selected' : 'trow'}
      role="option"
      aria-selected={selected}
      data-oid={commit.oid}
      onClick={() => onSelect(commit.oid)}
    >
      <div className="trow-main">
        <span className="trow-msg">{firstLine}</span>
        {commit.refs.map((r) => (
          <Chip key={`${r.kind}:${r.name}`} tone={r.kind}>
            {r.name}
          </Chip>
        ))}
      </div>
      <div className="trow-meta muted small">
        <span title={new Date(commit.date).toISOString()}>{`${commit.author} · ${formatRelative(commit.date)} · `}</span>
        <code>{commit.oid.slice(0, 7)}</code>
        {commit.envChanged ? <Chip tone="warn">env changed</Chip> : null}
      </div>
      {commit.data.length + commit.params.length + commit.metrics.length > 0 ? (
        <div className="trow-chips">
          {commit.data.slice(0, MAX_DATA_CHIPS).map((d) => (
            <Chip key={d.path} tone="data" title={`${d.change}: ${d.path}`}>
              {dataLabel(d)}
            </Chip>
          ))}
          {hiddenData > 0 ? (
            <Chip tone="data" title={commit.data.slice(MAX_DATA_CHIPS).map((d) => d.path).join('\n')}>
              {`+${hiddenData} more`}
            </Chip>
          ) : null}
          {commit.params.slice(0, 3).map((p) => (
            <Chip key={`p:${p.file}:${p.key}`} title={p.file}>
              {valueLabel(p)}
            </Chip>
          ))}
          {commit.metrics.slice(0, 3).map((m) => (
            <Chip key={`m:${m.file}:${m.key}`} tone="ok" title={m.file}>
              {valueLabel(m)}
            </Chip>
          ))}
        </div>
      ) : null}
    </div>
  );
});
