import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexPath, openIndex, runMigrations } from '../../../electron/core/index/db.ts';
import { MIGRATIONS, type Migration } from '../../../electron/core/index/migrations/index.ts';
import { getHashes, putHashes } from '../../../electron/core/index/state.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

const require = createRequire(import.meta.url);

describe('openIndex', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let dvcDir: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    dvcDir = path.join(tmp.dir, '.dvc');
  });
  afterEach(async () => tmp.cleanup());

  it('creates .dvc/tmp/lockstep/index.sqlite with WAL, busy_timeout and synchronous=NORMAL, and records migrations', () => {
    const idx = openIndex({ dvcDir });
    try {
      expect(idx.file).toBe(path.join(dvcDir, 'tmp', 'lockstep', 'index.sqlite'));
      expect(idx.rebuilt).toBe(false);
      expect(idx.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(idx.db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(idx.db.pragma('synchronous', { simple: true })).toBe(1);
      const rows = idx.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      expect(rows[0]).toEqual({ version: 1, name: 'state' });
      const cols = idx.db.prepare("SELECT name FROM pragma_table_info('hash_state')").pluck().all();
      expect(cols).toEqual(['path', 'hash_name', 'inode', 'mtime_ns', 'size', 'md5', 'updated_at']);
    } finally {
      idx.close();
    }
  });

  it('keeps data across reopen and does not re-run applied migrations', () => {
    const a = openIndex({ dvcDir });
    putHashes(a, [{ path: '/x/a', inode: 1n, mtimeNs: 2n, size: 3, hashName: 'md5', md5: 'a'.repeat(32) }]);
    const appliedAt = a.db.prepare('SELECT applied_at FROM schema_migrations WHERE version = 1').pluck().get();
    a.close();
    const b = openIndex({ dvcDir });
    try {
      expect(b.db.prepare('SELECT applied_at FROM schema_migrations WHERE version = 1').pluck().get()).toBe(appliedAt);
      expect(getHashes(b, [{ path: '/x/a', inode: 1n, mtimeNs: 2n, size: 3, hashName: 'md5' }]).get('/x/a')).toBe('a'.repeat(32));
    } finally {
      b.close();
    }
  });

  it('applies an appended migration once, and rolls back a failing one completely', () => {
    const idx = openIndex({ dvcDir });
    try {
      const good: Migration = { version: 90, name: 'extra', up: (db) => db.exec('CREATE TABLE extra (x INTEGER)') };
      runMigrations(idx.db, [...MIGRATIONS, good]);
      runMigrations(idx.db, [...MIGRATIONS, good]);
      expect(idx.db.prepare('SELECT count(*) FROM schema_migrations WHERE version = 90').pluck().get()).toBe(1);
      const bad: Migration = {
        version: 91,
        name: 'broken',
        up: (db) => {
          db.exec('CREATE TABLE half_done (x INTEGER)');
          throw new Error('boom');
        },
      };
      expect(() => runMigrations(idx.db, [...MIGRATIONS, good, bad])).toThrow('boom');
      expect(idx.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
      expect(idx.db.prepare('SELECT count(*) FROM schema_migrations WHERE version = 91').pluck().get()).toBe(0);
      expect(() => runMigrations(idx.db, [good, ...MIGRATIONS])).toThrow(/out of order/);
    } finally {
      idx.close();
    }
  });

  it('deletes and rebuilds an index file that is pure garbage', async () => {
    const file = indexPath(dvcDir);
    openIndex({ dvcDir }).close();
    await writeFile(file, Buffer.from('this is definitely not an SQLite database '.repeat(200)));
    const idx = openIndex({ dvcDir });
    try {
      expect(idx.rebuilt).toBe(true);
      expect(idx.db.prepare('SELECT count(*) FROM hash_state').pluck().get()).toBe(0);
      expect((await readFile(file)).subarray(0, 15).toString()).toBe('SQLite format 3');
    } finally {
      idx.close();
    }
  });

  it('rebuilds an index whose header is intact but whose pages are damaged', async () => {
    const a = openIndex({ dvcDir });
    const rows = Array.from({ length: 5000 }, (_, i) => ({ path: `/data/file-${i}`, inode: BigInt(i), mtimeNs: 1700000000000000000n + BigInt(i), size: i, hashName: 'md5' as const, md5: i.toString(16).padStart(32, '0') }));
    putHashes(a, rows);
    a.db.pragma('wal_checkpoint(TRUNCATE)');
    a.close();
    const file = indexPath(dvcDir);
    const { size } = await stat(file);
    expect(size).toBeGreaterThan(8 * 4096);
    const fh = await open(file, 'r+');
    // Overwrite pages 3..6 (keeping page 1, the header and schema) with junk.
    await fh.write(Buffer.alloc(4 * 4096, 0xa5), 0, 4 * 4096, 2 * 4096);
    await fh.close();
    const b = openIndex({ dvcDir });
    try {
      expect(b.rebuilt).toBe(true);
      expect(b.db.prepare('SELECT count(*) FROM hash_state').pluck().get()).toBe(0);
    } finally {
      b.close();
    }
  });

  it('waits for another process holding the write lock instead of failing with SQLITE_BUSY', async () => {
    const a = openIndex({ dvcDir });
    // A real second process takes the write lock, reports it, holds it for 700 ms, then commits.
    const script = `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(indexPath(dvcDir))});
      db.exec('BEGIN IMMEDIATE');
      db.exec("INSERT INTO hash_state VALUES ('/other', 'md5', '1', '1', 1, '${'c'.repeat(32)}', 0)");
      process.stdout.write('locked\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
      db.exec('COMMIT');
      db.close();
    `;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); });
        child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      });
      putHashes(a, [{ path: '/p', inode: 1n, mtimeNs: 1n, size: 1, hashName: 'md5', md5: 'b'.repeat(32) }]);
      expect(await exited).toBe(0);
      const hits = getHashes(a, [
        { path: '/p', inode: 1n, mtimeNs: 1n, size: 1, hashName: 'md5' },
        { path: '/other', inode: 1n, mtimeNs: 1n, size: 1, hashName: 'md5' },
      ]);
      expect(hits.size).toBe(2);
    } finally {
      child.kill();
      a.close();
    }
  });
});
