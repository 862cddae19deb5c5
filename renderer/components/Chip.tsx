import type { ReactNode } from 'react';

/** A small rounded label; `tone` picks its colour from the theme. */
export function Chip({ tone = 'neutral', title, children }: { tone?: 'neutral' | 'branch' | 'tag' | 'model' | 'data' | 'warn' | 'bad' | 'ok' | 'head'; title?: string; children: ReactNode }) {
  return (
    <span className={`chip chip-${tone}`} title={title}>
      {children}
    </span>
  );
}
