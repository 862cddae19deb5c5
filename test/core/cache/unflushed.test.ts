import { createHash } from 'node:crypto';
import { appendFile, chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETTLE_AFTER_MS, type UnflushedJournal } from '../../../electron/core/cache/unflushed.ts';
import { add } from '../../../electron/core/ops/add.ts';
import { checkout } from '../../../electron/core/ops/checkout.ts';
import { withRepoLock } from '../../../electron/core/repo/lock.ts';
import { openRepo, type Repo } from '../../../electron/core/repo/open-repo.ts';
import { makeGitRepo, type TestGitRepo } from '../../helpers/git-repo.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const BOOT_ID = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

let repo: TestGitRepo | undefined;
let opened: Repo | undefined;
afterEach(async () => {
  opened?.close();
  opened = undefined;
  await repo?.cleanup();
  repo = undefined;
});

async function setup(files: Record<string, string>): Promise<Repo> {
  repo = await makeGitRepo({ dvc: true });
  await repo.write(files);
  opened = await openRepo(repo.dir);
  return opened;
}

const journalOf = (r: Repo): UnflushedJournal => {
  expect(r.odb.journal).not.toBeNull();
  return r.odb.journal as UnflushedJournal;
};

describe('unflushed-objects journal (objects published without a flush, re-checked after a reboot)', () => {
  it('add records its new objects, with this boot id, instead of flushing them', async () => {
    const r = await setup({ 'a.txt': 'version one\n', 'd/x': 'x\n', 'd/y': 'y\n' });
    await add(r, { targets: ['a.txt', 'd'], stage: false });
    const entries = await journalOf(r).entries();
    const paths = entries.map((e) => e.path).sort();
    expect(paths).toContain(r.odb.pathFor(md5('version one\n'), 'md5'));
    expect(paths).toContain(r.odb.pathFor(md5('x\n'), 'md5'));
    expect(paths.some((p) => p.endsWith('.dir'))).toBe(true);
    expect(new Set(entries.map((e) => e.bootId))).toEqual(new Set([BOOT_ID]));
    expect(journalOf(r).file).toBe(path.join(r.dvcDir, 'tmp', 'lockstep', 'unflushed'));
  });

  it('checkout flushes the object of every workspace file it replaces before replacing it', async () => {
    const r = await setup({ 'a.txt': 'version one\n' });
    await add(r, { targets: ['a.txt'] });
    repo!.commit('v1');
    await writeFile(repo!.abs('a.txt'), 'version two\n');
    await add(r, { targets: ['a.txt'] });
    const v1 = r.odb.pathFor(md5('version one\n'), 'md5');
    const v2 = r.odb.pathFor(md5('version two\n'), 'md5');
    expect((await journalOf(r).entries()).map((e) => e.path).sort()).toEqual([v1, v2].sort());
    repo!.git('checkout', '-q', 'HEAD', '--', 'a.txt.dvc');
    await checkout(r, {});
    expect(await readFile(repo!.abs('a.txt'), 'utf8')).toBe('version one\n');
    // v2's bytes now exist only in the cache: its record is gone because it was flushed; v1 is still pending.
    expect((await journalOf(r).entries()).map((e) => e.path)).toEqual([v1]);
  });

  it('after a reboot, a locked operation re-hashes objects of the earlier boot and quarantines a damaged one', async () => {
    const r = await setup({ 'good.txt': 'good bytes\n', 'bad.txt': 'bad bytes!\n' });
    await add(r, { targets: ['good.txt', 'bad.txt'], stage: false });
    const good = r.odb.pathFor(md5('good bytes\n'), 'md5');
    const bad = r.odb.pathFor(md5('bad bytes!\n'), 'md5');
    // What a power cut can leave with delayed allocation: the name survived, the bytes did not.
    await chmod(bad, 0o644);
    await writeFile(bad, Buffer.alloc(11));
    await chmod(bad, 0o444);
    // The same records, written in an earlier boot.
    const j = journalOf(r);
    await writeFile(j.file, [good, bad].map((p) => `00000000-1111-2222-3333-444444444444 ${Date.now() - 5000} ${p}\n`).join(''));
    await withRepoLock(r, 'test', async () => {});
    expect(await readFile(good, 'utf8')).toBe('good bytes\n');
    await expect(stat(bad)).rejects.toMatchObject({ code: 'ENOENT' });
    const quarantined = await readdir(path.join(r.cacheDir, 'quarantine'));
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toContain(md5('bad bytes!\n'));
    await expect(stat(j.file)).rejects.toMatchObject({ code: 'ENOENT' });
    // The workspace copy was never touched, so the data can simply be added again.
    expect(await readFile(repo!.abs('bad.txt'), 'utf8')).toBe('bad bytes!\n');
  });

  it('flushes and forgets records older than a minute, keeps younger ones', async () => {
    const r = await setup({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await add(r, { targets: ['a.txt', 'b.txt'], stage: false });
    const j = journalOf(r);
    const entries = await j.entries();
    expect(entries).toHaveLength(2);
    const [first, second] = entries as [(typeof entries)[0], (typeof entries)[0]];
    await writeFile(j.file, `${BOOT_ID} ${first.at - SETTLE_AFTER_MS} ${first.path}\n${BOOT_ID} ${second.at} ${second.path}\n`);
    const verified: string[] = [];
    const settling = await j.settle(async (p) => void verified.push(p));
    expect(settling.flushing).toBe(1);
    // Records the operation makes while the flush runs are kept, even for the very object being flushed.
    const again = `${BOOT_ID} ${first.at + 1} ${first.path}\n`;
    await appendFile(j.file, again);
    expect(await settling.finish()).toEqual({ verified: 0, flushed: 1 });
    expect(verified).toEqual([]);
    expect((await j.entries()).map((e) => `${e.at} ${e.path}`)).toEqual([`${second.at} ${second.path}`, `${first.at + 1} ${first.path}`]);
    await writeFile(j.file, `${BOOT_ID} ${second.at} ${second.path}\n`);
    expect(await (await j.settle(async () => {}, second.at + SETTLE_AFTER_MS)).finish()).toEqual({ verified: 0, flushed: 1 });
    await expect(stat(j.file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a locked operation runs while old records are flushed, and they are forgotten before the lock is released', async () => {
    const r = await setup({ 'a.txt': 'a\n' });
    await add(r, { targets: ['a.txt'], stage: false });
    const j = journalOf(r);
    const [e] = await j.entries();
    await writeFile(j.file, `${BOOT_ID} ${e!.at - SETTLE_AFTER_MS} ${e!.path}\n`);
    let during: string[] = [];
    await withRepoLock(r, 'test', async () => {
      during = (await j.entries()).map((x) => x.path);
    });
    expect(during).toEqual([e!.path]);
    await expect(stat(j.file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ignores a line torn by a kill and lines that are not records', async () => {
    const r = await setup({ 'a.txt': 'a\n' });
    await add(r, { targets: ['a.txt'], stage: false });
    const j = journalOf(r);
    await appendFile(j.file, `not a record\n${BOOT_ID} 17`);
    expect((await j.entries()).map((e) => e.path)).toEqual([r.odb.pathFor(md5('a\n'), 'md5')]);
  });
});
