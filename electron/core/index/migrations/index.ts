import type { Database } from 'better-sqlite3';
import { migration as state } from './001-state.ts';
import { migration as remote } from './002-remote.ts';
import { migration as history } from './003-history.ts';
import { migration as snapshots } from './004-snapshots.ts';

/**
 * One schema step of the index database. `up` runs inside a transaction together with the bookkeeping row,
 * so a step is either fully applied or not at all. Shipped migrations are never edited: add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}

/**
 * Every migration, in version order. To add one: create `NNN-name.ts` exporting `migration`, import it
 * above and append it here. Reserved: 2 remote, 3 history, 4 snapshots.
 */
export const MIGRATIONS: readonly Migration[] = [
  state,
  remote,
  history,
  snapshots,
];
