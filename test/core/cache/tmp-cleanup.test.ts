import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { TEMP_NAME_RE, tempPathFor } from '../../../electron/core/cache/temp-file.ts';
import { cleanupStaleTempFiles, isPidDead } from '../../../electron/core/cache/tmp-cleanup.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

const ODB_MODULE = path.resolve(import.meta.dirname, '../../../electron/core/cache/odb.ts');

/** A pid that certainly belongs to no running process: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('cleanupStaleTempFiles', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    tmp = await makeTempDir();
  });
  afterEach(async () => tmp.cleanup());

  it('removes old temps and dead writers\' temps, keeps live and fresh ones and anything not a temp name', async () => {
    const dir = path.join(tmp.dir, 'files', 'md5', 'ab');
    await mkdir(dir, { recursive: true });
    const dead = await deadPid();
    expect(isPidDead(dead)).toBe(true);
    expect(isPidDead(process.pid)).toBe(false);
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const tenMinAgo = new Date(Date.now() - 10 * 60_000);
    const files: Record<string, { age?: Date; removed: boolean }> = {
      '.AAAAAAAAAAAAAAAAAAAAAA.tmp': { age: twoHoursAgo, removed: true }, // DVC-style, old
      '.BBBBBBBBBBBBBBBBBBBBBB.tmp': { removed: false }, // DVC-style, fresh
      [`.CCCCCCCCCCCCCCCCCCCCCC-${dead}.tmp`]: { age: tenMinAgo, removed: true }, // dead writer, past grace
      [`.DDDDDDDDDDDDDDDDDDDDDD-${dead}.tmp`]: { removed: false }, // dead writer, within grace
      [`.EEEEEEEEEEEEEEEEEEEEEE-${process.pid}.tmp`]: { age: tenMinAgo, removed: false }, // live writer
      'cdef0123456789abcdef0123456789': { age: twoHoursAgo, removed: false }, // an object
      '.short.tmp': { age: twoHoursAgo, removed: false },
      'data.tmp': { age: twoHoursAgo, removed: false },
    };
    for (const [name, f] of Object.entries(files)) {
      const p = path.join(dir, name);
      await writeFile(p, 'x');
      if (f.age) await utimes(p, f.age, f.age);
    }
    const removed = await cleanupStaleTempFiles(tmp.dir);
    const left = new Set(await readdir(dir));
    for (const [name, f] of Object.entries(files)) expect(left.has(name)).toBe(!f.removed);
    expect(removed.map((p) => path.basename(p)).sort()).toEqual(Object.keys(files).filter((n) => files[n]!.removed).sort());
    expect(TEMP_NAME_RE.test(path.basename(tempPathFor(path.join(dir, 'x'))))).toBe(true);
  });

  it('cleans up after a writer killed with SIGKILL in the middle of adding an object; no object appears', async () => {
    const src = path.join(tmp.dir, 'big.bin');
    const bytes = Buffer.alloc(256 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE(i, i);
    await writeFile(src, bytes);
    const oid = createHash('md5').update(bytes).digest('hex');
    const root = path.join(tmp.dir, 'cache');
    const odb = new ObjectStore(root);
    const objDir = path.dirname(odb.pathFor(oid, 'md5'));
    const script = `
      const { ObjectStore } = await import(${JSON.stringify(ODB_MODULE)});
      await new ObjectStore(${JSON.stringify(root)}).addFile(${JSON.stringify(src)}, ${JSON.stringify(oid)}, 'md5');
      process.stdout.write('finished\\n');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // Kill as soon as the temp file exists, i.e. while the copy is in progress.
      for (;;) {
        const names = await readdir(objDir).catch(() => [] as string[]);
        if (names.some((n) => n.endsWith('.tmp'))) break;
        if (child.exitCode !== null) throw new Error(`writer finished before it could be killed: ${out}`);
        await new Promise((r) => setTimeout(r, 2));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    } finally {
      child.kill('SIGKILL');
    }
    expect(out).not.toContain('finished');
    const names = await readdir(objDir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(TEMP_NAME_RE);
    expect(names[0]).toContain(`-${child.pid}.tmp`);
    expect(await odb.has(oid, 'md5')).toBe(false);
    const removed = await cleanupStaleTempFiles(root, { deadPidGraceMs: 0 });
    expect(removed).toEqual([path.join(objDir, names[0]!)]);
    expect(await readdir(objDir)).toEqual([]);
    expect((await stat(src)).size).toBe(bytes.length);
    expect(await odb.addFile(src, oid, 'md5')).toEqual({ added: true });
  });
});
