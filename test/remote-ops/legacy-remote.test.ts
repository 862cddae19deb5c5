import { access, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Dos2UnixFile } from '../../electron/core/hash/dos2unix.ts';
import { add } from '../../electron/core/ops/add.ts';
import { cloudStatus } from '../../electron/core/ops/cloud-status.ts';
import { pull } from '../../electron/core/ops/pull.ts';
import { push } from '../../electron/core/ops/push.ts';
import { status } from '../../electron/core/ops/status.ts';
import { openRepo, type Repo } from '../../electron/core/repo/open-repo.ts';
import type { Remote } from '../../electron/core/remote/types.ts';
import { localRemote, readAll, s3Remote } from '../core/remote/fixtures.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
import { makeTempDir } from '../helpers/tmp.ts';
import { addLegacyDir, addLegacyFile, legacyKey, legacyMd5, md5, type LegacyOutput } from './legacy-fixture.ts';
import { cloneRepo, configureRemote, gitPull, type RemoteSpec } from './repo-fixture.ts';

let server: S3rverHandle;
let tmp: { dir: string; cleanup: () => Promise<void> };
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startS3rver();
  tmp = await makeTempDir('lockstep-legacy-');
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await server?.stop();
  await tmp?.cleanup();
});

/** Reads the remote's storage directly (s3rver with its own keys, or the folder), not through the repo. */
async function inspector(spec: RemoteSpec): Promise<Remote> {
  return spec.kind === 's3' ? s3Remote(spec.endpoint, spec.bucket, spec.prefix) : localRemote(spec.dir);
}

/** Every key the remote holds, relative to its root, sorted. */
async function remoteKeys(spec: RemoteSpec): Promise<string[]> {
  const remote = await inspector(spec);
  try {
    const keys: string[] = [];
    for await (const k of remote.list('')) keys.push(k);
    return keys.sort();
  } finally {
    remote.close();
  }
}

/** Runs `fn` on a freshly opened repo and closes it. */
async function withRepo<T>(open: () => Promise<Repo>, fn: (repo: Repo) => Promise<T>): Promise<T> {
  const repo = await open();
  try {
    return await fn(repo);
  } finally {
    repo.close();
  }
}

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);
const legacyCachePath = (root: string, oid: string): string => path.join(root, '.dvc', 'cache', ...legacyKey(oid).split('/'));
const v3CachePath = (root: string, oid: string): string => path.join(root, '.dvc', 'cache', 'files', 'md5', ...legacyKey(oid).split('/'));

// Text with CRLF line ends (its dos2unix hash differs from the md5 of its bytes), binary bytes that contain a
// CRLF (hashed raw), and a plain LF text file.
const NOTES_V1 = 'line one\r\nline two\r\n';
const IMAGES = { 'a.csv': 'x,y\r\n1,2\r\n', 'b.bin': Buffer.from([0, 1, 2, 13, 10, 255, 13, 10]), 'sub/c.txt': 'plain\n' };

describe('md5-dos2unix as DVC 2.x computed it (the fixture hashes)', () => {
  it('matches the published vector and the engine helper', async () => {
    // dvc-format.md §3.2 / test/core/ops/add.test.ts: "foo\r\n" hashes like "foo\n".
    expect(legacyMd5(Buffer.from('foo\r\n'))).toBe('d3b07384d113edec49eaa6238ad5ff00');
    expect(legacyMd5(Buffer.from(NOTES_V1))).toBe(md5('line one\nline two\n'));
    expect(legacyMd5(IMAGES['b.bin'])).toBe(md5(IMAGES['b.bin']));
    const dir = await makeTempDir();
    try {
      for (const [name, content] of Object.entries({ notes: NOTES_V1, ...IMAGES })) {
        const file = path.join(dir.dir, name.replace('/', '-'));
        await writeFile(file, content);
        expect((await md5Dos2UnixFile(file)).v2, name).toBe(legacyMd5(Buffer.from(content)));
      }
    } finally {
      await dir.cleanup();
    }
  });
});

describe.each(['s3', 'local'] as const)('legacy (DVC 2.x) outputs on a %s remote', (kind) => {
  let spec: RemoteSpec;
  let origin: TestGitRepo;
  let notes: LegacyOutput;
  let images: LegacyOutput;
  /** What notes.txt holds at the origin's HEAD (a later test records a second 2.x version). */
  let notesText = NOTES_V1;
  /** Every legacy object pushed so far, oid -> raw bytes: exactly what the remote must hold at the root. */
  const pushedLegacy = new Map<string, Buffer>();
  const openOrigin = (): Promise<Repo> => openRepo(origin.dir);

  beforeAll(async () => {
    spec = kind === 's3' ? { kind, endpoint: server.endpoint, bucket: server.bucket, prefix: `legacy-${kind}` } : { kind, dir: path.join(tmp.dir, 'folder-remote') };
    origin = await makeGitRepo({ dvc: true });
    cleanups.push(() => origin.cleanup());
    await configureRemote(path.join(origin.dir, '.dvc'), spec);
    notes = await addLegacyFile(origin, 'notes.txt', NOTES_V1);
    images = await addLegacyDir(origin, 'images', IMAGES);
    origin.commit('data tracked with DVC 2.x');
  });

  it('pushes legacy objects to <root>/<oid[0:2]>/<oid[2:]>, raw bytes, nothing under files/md5/', async () => {
    expect(notes.oid).not.toBe(md5(NOTES_V1)); // the key is the dos2unix hash, not the md5 of the stored bytes
    const first = await withRepo(openOrigin, (repo) => push(repo));
    expect(first.failed).toEqual([]);
    expect(first.uploaded).toBe(5); // notes.txt + 3 files + images' .dir
    const all = new Map([...notes.objects, ...images.objects]);
    for (const [oid, bytes] of all) pushedLegacy.set(oid, bytes);
    expect(await remoteKeys(spec)).toEqual([...all.keys()].map(legacyKey).sort());
    const remote = await inspector(spec);
    try {
      for (const [oid, bytes] of all) expect(await readAll(remote, legacyKey(oid)), oid).toEqual(bytes);
    } finally {
      remote.close();
    }
    // The manifest object is the exact legacy manifest text.
    expect(images.objects.get(images.oid)?.toString()).toBe(
      `[{"md5": "${legacyMd5(Buffer.from(IMAGES['a.csv']))}", "relpath": "a.csv"}, {"md5": "${md5(IMAGES['b.bin'])}", "relpath": "b.bin"}, {"md5": "${md5('plain\n')}", "relpath": "sub/c.txt"}]`,
    );
    if (spec.kind === 'local') {
      for (const oid of all.keys()) expect((await stat(path.join(spec.dir, ...legacyKey(oid).split('/')))).mode & 0o777).toBe(0o444);
    }
    const again = await withRepo(openOrigin, (repo) => push(repo));
    expect(again.uploaded).toBe(0);
    expect(await withRepo(openOrigin, async (repo) => (await cloudStatus(repo)).clean)).toBe(true);
  });

  it('a fresh clone with an empty cache pulls them into the legacy cache and the workspace, byte for byte', async () => {
    const clone = await cloneRepo(origin, spec, path.join(tmp.dir, `clone-${kind}`));
    cleanups.push(clone.cleanup);
    expect(await exists(path.join(clone.dir, '.dvc', 'cache'))).toBe(false);
    await withRepo(clone.open, async (repo) => {
      const pulled = await pull(repo);
      expect(pulled.fetch.downloaded).toBe(5);
      expect(pulled.checkout.failed).toEqual([]);
      expect((await status(repo)).clean).toBe(true);
      expect((await cloudStatus(repo)).clean).toBe(true);
    });
    expect(await readFile(path.join(clone.dir, 'notes.txt'), 'utf8')).toBe(NOTES_V1);
    for (const [name, content] of Object.entries(IMAGES)) expect(await readFile(path.join(clone.dir, 'images', ...name.split('/'))), name).toEqual(Buffer.from(content));
    for (const [oid, bytes] of [...notes.objects, ...images.objects]) expect(await readFile(legacyCachePath(clone.dir, oid)), oid).toEqual(bytes);
    expect(await exists(path.join(clone.dir, '.dvc', 'cache', 'files'))).toBe(false);
    // The 2.x pointers are left exactly as DVC 2.x wrote them.
    expect(await readFile(path.join(clone.dir, 'notes.txt.dvc'), 'utf8')).toBe(notes.pointer);
    expect(await readFile(path.join(clone.dir, 'images.dvc'), 'utf8')).toBe(images.pointer);
  });

  it('pull rejects a corrupt legacy object on the remote and leaves the workspace as it was', async () => {
    const clone = await cloneRepo(origin, spec, path.join(tmp.dir, `liar-${kind}`));
    cleanups.push(clone.cleanup);
    await withRepo(clone.open, (repo) => pull(repo));
    expect(await readFile(path.join(clone.dir, 'notes.txt'), 'utf8')).toBe(NOTES_V1);
    // Upstream, DVC 2.x records a new version of notes.txt and pushes it; the teammate gets the pointer with git.
    notesText = 'line one\r\nline two, revised\r\n';
    const v2 = await addLegacyFile(origin, 'notes.txt', notesText);
    expect((await withRepo(openOrigin, (repo) => push(repo))).uploaded).toBe(1);
    for (const [oid, bytes] of v2.objects) pushedLegacy.set(oid, bytes);
    origin.commit('notes v2 (DVC 2.x)');
    gitPull(clone.dir);
    const good = v2.objects.get(v2.oid) as Buffer;
    const key = legacyKey(v2.oid);
    expect(await remoteKeys(spec)).toContain(key);
    // The remote's copy is replaced by same-sized wrong bytes (for the folder remote it even stays 0444).
    const remote = await inspector(spec);
    const putBytes = async (bytes: Buffer): Promise<void> => {
      const src = path.join(tmp.dir, `object-${kind}`);
      await writeFile(src, bytes);
      await remote.upload(src, key, { size: bytes.length });
    };
    try {
      await putBytes(Buffer.from(good.map((b) => b ^ 1)));
      const before = await snapshot(clone.dir);
      await withRepo(clone.open, async (repo) => {
        await expect(pull(repo)).rejects.toMatchObject({ code: 'CORRUPT_OBJECT', message: expect.stringContaining(v2.oid) });
      });
      expect(await snapshot(clone.dir)).toEqual(before);
      expect(await readFile(path.join(clone.dir, 'notes.txt'), 'utf8')).toBe(NOTES_V1);
      expect(await exists(legacyCachePath(clone.dir, v2.oid))).toBe(false);
      expect(await exists(v3CachePath(clone.dir, v2.oid))).toBe(false);
      // With the right bytes back on the remote, the same pull goes through.
      await putBytes(good);
      await withRepo(clone.open, async (repo) => {
        expect((await pull(repo)).fetch.downloaded).toBe(1);
      });
      expect(await readFile(path.join(clone.dir, 'notes.txt'), 'utf8')).toBe(notesText);
      expect(await readFile(legacyCachePath(clone.dir, v2.oid))).toEqual(good);
    } finally {
      remote.close();
    }
  });

  it('a legacy and a 3.x output in one repo go to their own layouts, even for the same oid', async () => {
    // "plain\n" has no CRLF: its legacy and 3.x hashes are the same oid, stored once per layout.
    const shared = md5('plain\n');
    await origin.write({ 'fresh/plain.txt': 'plain\n', 'fresh/crlf.txt': 'three\r\nfour\r\n' });
    const added = await withRepo(openOrigin, (repo) => add(repo, { targets: ['fresh'] }));
    expect(added.outputs[0]).toMatchObject({ hashName: 'md5' });
    const freshDir = added.outputs[0]!.md5;
    const pushed = await withRepo(openOrigin, (repo) => push(repo));
    expect(pushed.failed).toEqual([]);
    expect(pushed.uploaded).toBe(3); // both files and the .dir, all under files/md5/
    origin.commit('a 3.x output next to the 2.x ones');
    const legacyKeys = [...pushedLegacy.keys()].map(legacyKey);
    const v3Keys = [shared, md5('three\r\nfour\r\n'), freshDir].map((oid) => `files/md5/${legacyKey(oid)}`);
    expect(await remoteKeys(spec)).toEqual([...legacyKeys, ...v3Keys].sort());

    const clone = await cloneRepo(origin, spec, path.join(tmp.dir, `mixed-${kind}`));
    cleanups.push(clone.cleanup);
    await withRepo(clone.open, async (repo) => {
      const pulled = await pull(repo);
      expect(pulled.fetch.downloaded).toBe(8); // notes.txt, images (3 + .dir), fresh (2 + .dir)
      expect((await status(repo)).clean).toBe(true);
    });
    expect(await readFile(path.join(clone.dir, 'fresh', 'crlf.txt'), 'utf8')).toBe('three\r\nfour\r\n');
    expect(await readFile(path.join(clone.dir, 'fresh', 'plain.txt'), 'utf8')).toBe('plain\n');
    expect(await readFile(path.join(clone.dir, 'images', 'sub', 'c.txt'), 'utf8')).toBe('plain\n');
    expect(await readFile(path.join(clone.dir, 'notes.txt'), 'utf8')).toBe(notesText);
    expect(await readFile(legacyCachePath(clone.dir, shared), 'utf8')).toBe('plain\n');
    expect(await readFile(v3CachePath(clone.dir, shared), 'utf8')).toBe('plain\n');
  });
});

/** Every workspace file outside .git and .dvc with its bytes, to prove a failed pull changed nothing. */
async function snapshot(root: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel === '' ? e.name : `${rel}/${e.name}`;
    if (r === '.git' || r === '.dvc') continue;
    if (e.isDirectory()) Object.assign(out, await snapshot(root, r));
    else out[r] = (await readFile(path.join(root, r))).toString('base64');
  }
  return out;
}
