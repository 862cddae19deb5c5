import type { Database } from 'better-sqlite3';
import type { IndexDb } from '../index/db.ts';
import { parseGtoTag } from './gto-tags.ts';
import { getMeta, type StoredChanges } from './timeline-store.ts';
import type { CommitRefs, TimelineCommit } from './types.ts';

/** A page of the timeline, newest first. */
export interface TimelinePage {
  /** Reachable commits matching the filter, across all pages. */
  readonly total: number;
  readonly offset: number;
  readonly commits: TimelineCommit[];
}

/** Paging and filtering for `getTimeline`. */
export interface TimelineQuery {
  readonly offset?: number;
  /** Default 50, at most 1000. */
  readonly limit?: number;
  /** Only commits whose outputs, params, metrics or environment changed. */
  readonly dataOnly?: boolean;
}

interface Row {
  oid: string;
  parents: string;
  author_name: string;
  author_email: string;
  author_time: number;
  author_tz: string;
  commit_time: number;
  message: string;
  files_changed: number;
  changed_files: string;
  data_changed: number;
  output_count: number;
  total_size: number;
  env_fingerprint: string | null;
  env_changed: number;
  changes: string;
}

const COLUMNS = 'oid, parents, author_name, author_email, author_time, author_tz, commit_time, message, files_changed, changed_files, data_changed, output_count, total_size, env_fingerprint, env_changed, changes';

/**
 * One page of the cached timeline (call `updateTimeline` first to include new commits). Reads SQLite
 * only: no git access, so the first page of a large history comes back in milliseconds.
 */
export function getTimeline(repo: { readonly index: IndexDb }, q: TimelineQuery = {}): TimelinePage {
  const db = repo.index.db;
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = Math.min(1000, Math.max(1, Math.floor(q.limit ?? 50)));
  const where = q.dataOnly ? 'reachable = 1 AND data_changed = 1' : 'reachable = 1';
  const total = db.prepare<[], number>(`SELECT COUNT(*) FROM history_commits WHERE ${where}`).pluck().get() ?? 0;
  const rows = db.prepare<[number, number], Row>(`SELECT ${COLUMNS} FROM history_commits WHERE ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(limit, offset);
  const refs = refsByCommit(db);
  return { total, offset, commits: rows.map((r) => toCommit(r, refs)) };
}

/** One cached commit by full oid, or null when it is not in the timeline cache. */
export function getTimelineCommit(repo: { readonly index: IndexDb }, oid: string): TimelineCommit | null {
  const db = repo.index.db;
  const row = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM history_commits WHERE oid = ?`).get(oid);
  return row ? toCommit(row, refsByCommit(db)) : null;
}

/** Branch, tag and GTO names per commit oid, from the last ref snapshot. */
export function refsByCommit(db: Database): Map<string, CommitRefs> {
  const meta = JSON.parse(getMeta(db, 'refs_peeled') ?? '{"refs":{},"head":null}') as { refs: Record<string, string>; head: string | null };
  const out = new Map<string, { branches: string[]; tags: string[]; gto: NonNullable<ReturnType<typeof parseGtoTag>>[]; head: boolean }>();
  const at = (oid: string) => {
    let r = out.get(oid);
    if (!r) out.set(oid, (r = { branches: [], tags: [], gto: [], head: false }));
    return r;
  };
  for (const [name, oid] of Object.entries(meta.refs)) {
    if (name.startsWith('refs/heads/')) at(oid).branches.push(name.slice(11));
    else if (name.startsWith('refs/tags/')) {
      const tag = name.slice(10);
      const r = at(oid);
      r.tags.push(tag);
      const gto = parseGtoTag(tag);
      if (gto) r.gto.push(gto);
    }
  }
  if (meta.head) at(meta.head).head = true;
  return out;
}

const NO_REFS: CommitRefs = { branches: [], tags: [], gto: [], head: false };

function toCommit(r: Row, refs: Map<string, CommitRefs>): TimelineCommit {
  const changes = JSON.parse(r.changes) as StoredChanges;
  const nl = r.message.indexOf('\n');
  return {
    oid: r.oid,
    parents: r.parents ? r.parents.split(' ') : [],
    author: { name: r.author_name, email: r.author_email },
    time: r.author_time,
    tz: r.author_tz,
    committedAt: r.commit_time,
    subject: nl < 0 ? r.message : r.message.slice(0, nl),
    message: r.message,
    refs: refs.get(r.oid) ?? NO_REFS,
    filesChanged: r.files_changed,
    changedFiles: JSON.parse(r.changed_files) as string[],
    dataChanged: r.data_changed === 1,
    outputs: changes.outputs,
    params: changes.params,
    metrics: changes.metrics,
    environment: { fingerprint: r.env_fingerprint, changed: r.env_changed === 1, files: changes.envFiles },
    outputCount: r.output_count,
    totalSize: r.total_size,
    warnings: changes.warnings,
  };
}
