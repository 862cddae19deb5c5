import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitObjects } from '../../../electron/core/history/git-objects/object-store-view.ts';
import { FixtureGit } from '../../helpers/history-fixtures.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
let g: FixtureGit;

/** Every object git has, with its type and bytes, from `git cat-file --batch`. */
function allObjects(dir: string): { oid: string; type: string; data: Buffer }[] {
  const list = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch-check'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
  const oids = list.map((l) => l.split(' ')[0] as string);
  const out = execFileSync('git', ['cat-file', '--batch'], { cwd: dir, input: oids.join('\n') + '\n', maxBuffer: 1 << 28 });
  const objects: { oid: string; type: string; data: Buffer }[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    const [oid, type, size] = out.toString('latin1', pos, nl).split(' ') as [string, string, string];
    const start = nl + 1;
    objects.push({ oid, type, data: out.subarray(start, start + Number(size)) });
    pos = start + Number(size) + 1;
  }
  return objects;
}

beforeAll(async () => {
  tmp = await makeTempDir();
  g = new FixtureGit(tmp.dir);
  g.run('init', '-q', '-b', 'main');
  // Incompressible blobs of 3 MiB and 300 KB span many 64 KiB read windows (the reader's direct-read
  // path), and hundreds of small objects land across window boundaries; many small edits give tree and
  // blob delta chains after `git gc`.
  await writeFile(path.join(tmp.dir, 'big.bin'), randomBytes(3 << 20));
  for (let c = 0; c < 60; c++) {
    await mkdir(path.join(tmp.dir, `src/d${c % 7}`), { recursive: true });
    await writeFile(path.join(tmp.dir, `src/d${c % 7}/f${c % 13}.txt`), `line ${c}\n`.repeat(1 + (c % 40)));
    if (c % 20 === 0) await writeFile(path.join(tmp.dir, `mid${c}.bin`), randomBytes(300_000 + c));
    g.commit(`c${c}`);
  }
});
afterAll(async () => {
  await tmp.cleanup();
});

describe('pack reading through windows', () => {
  it('reads every object of a packed repository exactly as git does', () => {
    g.run('gc', '-q', '--aggressive');
    const objects = allObjects(tmp.dir);
    expect(objects.length).toBeGreaterThan(300);
    const reader = new GitObjects(tmp.dir, path.join(tmp.dir, '.git'));
    try {
      for (const o of objects) {
        const got = reader.rawSync(o.oid);
        expect(got.type).toBe(o.type);
        expect(got.data.equals(o.data)).toBe(true);
      }
    } finally {
      reader.close();
    }
  });

  it('reads a repository with two packs and loose objects', async () => {
    await writeFile(path.join(tmp.dir, 'late.txt'), 'loose\n');
    g.commit('loose commit');
    g.run('repack', '-q'); // a second pack for the new objects (no -a)
    await writeFile(path.join(tmp.dir, 'later.txt'), 'still loose\n');
    g.commit('another loose commit');
    const objects = allObjects(tmp.dir);
    const reader = new GitObjects(tmp.dir, path.join(tmp.dir, '.git'));
    try {
      for (const o of objects) expect(reader.rawSync(o.oid).data.equals(o.data)).toBe(true);
    } finally {
      reader.close();
    }
  });
});
