import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { forgetChecked, indexIdentity, recordChecked, wasChecked } from './checked-mark.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/** An open index database. `db` is for the modules in `index/` (and migrations); everyone else goes through them. */
export interface IndexDb {
  readonly db: Database;
  /** Absolute path of the SQLite file. */
  readonly file: string;
  /** True when this open found the file corrupt and rebuilt it empty. */
  readonly rebuilt: boolean;
  close(): void;
}

/** Where the index lives inside a repository's `.dvc` directory. */
export function indexPath(dvcDir: string): string {
  return path.join(dvcDir, 'tmp', 'lockstep', 'index.sqlite');
}

// SQLite result codes that mean "this file is not a usable database", as opposed to a busy or permission problem.
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CORRUPT_CODES.has(code);
}

/**
 * Opens (creating if needed) `.dvc/tmp/lockstep/index.sqlite`: WAL journal, 5 s busy timeout, synchronous=NORMAL,
 * then applies pending migrations. The index is only a cache, so a corrupt file is deleted with its WAL and
 * rebuilt empty rather than reported; the cost is re-hashing.
 */
export function openIndex(repo: { dvcDir: string }): IndexDb {
  const file = indexPath(repo.dvcDir);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw fromFsError(err, path.dirname(file), 'create the index directory');
  }
  try {
    return { ...openAndMigrate(file), rebuilt: false };
  } catch (err) {
    if (!isCorruption(err)) throw wrapSqliteError(err, file);
  }
  forgetChecked(file);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  try {
    return { ...openAndMigrate(file), rebuilt: true };
  } catch (err) {
    throw wrapSqliteError(err, file);
  }
}

function wrapSqliteError(err: unknown, file: string): unknown {
  if (err instanceof LockstepError) return err;
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'SQLITE_FULL') return new LockstepError('DISK_FULL', `No space left on the device while writing the index ${file}. Free some space and run the command again.`, { file }, { cause: err });
  if (code === 'SQLITE_BUSY') return new LockstepError('LOCKED', `The index ${file} stayed locked by another process for 5 seconds. Wait for it to finish and try again.`, { file }, { cause: err });
  return fromFsError(err, file, 'open the index');
}

function openAndMigrate(file: string): Omit<IndexDb, 'rebuilt'> {
  // Taken before the connection opens (see checked-mark.ts for why that order is safe).
  const identity = indexIdentity(file);
  const db = new Sqlite(file, { timeout: 5000 });
  try {
    db.pragma('busy_timeout = 5000');
    // Switching a new file to WAL syncs it to disk: 150 ms here, and 0.7 s right after a `git clone` left
    // dirty pages, on the first command in every fresh clone. The index is a cache that is rebuilt when
    // lost, and the mode is set again on every open, so the switch itself need not be durable.
    db.pragma('synchronous = OFF');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // quick_check reads every page once; it is what catches a file damaged past its header. It is skipped only
    // while the files are exactly as when it last passed (a status with nothing changed writes nothing).
    if (identity === undefined || !wasChecked(file, identity)) {
      const check = db.pragma('quick_check(1)', { simple: true });
      if (check !== 'ok') throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
      if (identity !== undefined) recordChecked(file, identity);
    }
    runMigrations(db, MIGRATIONS);
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, file, close: () => db.close() };
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, each in its own IMMEDIATE transaction
 * (taking the write lock first, so two processes opening a fresh index cannot both apply a step).
 */
export function runMigrations(db: Database, migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    if ((migrations[i] as Migration).version <= (migrations[i - 1] as Migration).version) {
      throw new LockstepError('INTERNAL', `Index migrations are out of order at version ${(migrations[i] as Migration).version}.`);
    }
  }
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const isApplied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (isApplied.get(m.version) !== undefined) continue;
    db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return; // another process got there first
      m.up(db);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}
