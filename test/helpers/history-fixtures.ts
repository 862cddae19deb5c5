import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { manifestOid, serializeManifest } from '../../electron/core/dvc/manifest.ts';
import { makeWritable } from './git-repo.ts';
import { makeTempDir } from './tmp.ts';

/** A real multi-commit repository for history and restore tests. */
export interface HistoryFixture {
  readonly dir: string;
  /** Commit oids by the names used in `buildHistoryRepo`. */
  readonly commits: Record<string, string>;
  abs(rel: string): string;
  /** Runs git with fixed identity and dates; returns trimmed stdout. */
  git(...args: string[]): string;
  cleanup(): Promise<void>;
}

/** Fixed identity and a clock advanced per commit, so oids (and the timeline) are the same on every run. */
export class FixtureGit {
  readonly dir: string;
  private clock = 1_700_000_000;
  constructor(dir: string) {
    this.dir = dir;
  }
  /** Runs git; `GIT_*_DATE` is the current fixture clock. */
  run(...args: string[]): string {
    const date = `${this.clock} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Ada',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    }).trim();
  }
  /** Stages everything and commits; the clock moves one minute. Returns the oid. */
  commit(message: string): string {
    this.clock += 60;
    this.run('add', '-A');
    this.run('commit', '-q', '--allow-empty', '-m', message);
    return this.run('rev-parse', 'HEAD');
  }
  /** Creates a merge commit of `branch` into the current branch. */
  merge(branch: string, message: string): string {
    this.clock += 60;
    this.run('merge', '-q', '--no-ff', '-m', message, branch);
    return this.run('rev-parse', 'HEAD');
  }
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** Writes a file (creating parents). */
export async function put(dir: string, rel: string, content: string | Buffer): Promise<void> {
  const p = path.join(dir, ...rel.split('/'));
  await mkdir(path.dirname(p), { recursive: true });
  await rm(p, { force: true });
  await writeFile(p, content);
}

/** Stores bytes as a cache object (3.x `files/md5/xx/rest`, or the legacy root layout), read-only like DVC. */
export async function putObject(dir: string, oid: string, bytes: Buffer | string, legacy = false): Promise<string> {
  const root = path.join(dir, '.dvc', 'cache');
  const p = legacy ? path.join(root, oid.slice(0, 2), oid.slice(2)) : path.join(root, 'files', 'md5', oid.slice(0, 2), oid.slice(2));
  await mkdir(path.dirname(p), { recursive: true });
  await rm(p, { force: true });
  await writeFile(p, bytes);
  await chmod(p, 0o444);
  return p;
}

/**
 * Tracks a single file like `dvc add`: workspace bytes, cache object, `<rel>.dvc` pointer (3.x, or 2.x
 * without `hash: md5` when `legacy`), and the `/name` line in the folder's `.gitignore`.
 */
export async function trackFile(dir: string, rel: string, content: string | Buffer, opts: { legacy?: boolean } = {}): Promise<{ md5: string; size: number }> {
  const bytes = Buffer.from(content);
  const oid = md5(bytes);
  await put(dir, rel, bytes);
  await putObject(dir, oid, bytes, opts.legacy);
  const name = path.posix.basename(rel);
  const pointer = opts.legacy ? `outs:\n- md5: ${oid}\n  size: ${bytes.length}\n  path: ${name}\n` : `outs:\n- md5: ${oid}\n  size: ${bytes.length}\n  hash: md5\n  path: ${name}\n`;
  await put(dir, `${rel}.dvc`, pointer);
  await ignore(dir, rel);
  return { md5: oid, size: bytes.length };
}

/** Tracks a folder like `dvc add`: files, their cache objects, the `.dir` manifest object and the pointer. */
export async function trackDir(dir: string, rel: string, files: Record<string, string>): Promise<{ md5: string; size: number; nfiles: number }> {
  await rm(path.join(dir, ...rel.split('/')), { recursive: true, force: true });
  const entries = [];
  let size = 0;
  for (const [f, content] of Object.entries(files)) {
    await put(dir, `${rel}/${f}`, content);
    const oid = md5(content);
    await putObject(dir, oid, content);
    entries.push({ relpath: f, md5: oid });
    size += Buffer.byteLength(content);
  }
  const manifest = serializeManifest(entries);
  const oid = manifestOid(manifest);
  await putObject(dir, oid, manifest);
  const nfiles = entries.length;
  await put(dir, `${rel}.dvc`, `outs:\n- md5: ${oid}\n  size: ${size}\n  nfiles: ${nfiles}\n  hash: md5\n  path: ${path.posix.basename(rel)}\n`);
  await ignore(dir, rel);
  return { md5: oid, size, nfiles };
}

async function ignore(dir: string, rel: string): Promise<void> {
  const parent = path.posix.dirname(rel);
  const gi = parent === '.' ? '.gitignore' : `${parent}/.gitignore`;
  const p = path.join(dir, ...gi.split('/'));
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(p, 'utf8').catch(() => '');
  const line = `/${path.posix.basename(rel)}`;
  if (!text.split('\n').includes(line)) await put(dir, gi, `${text}${line}\n`);
}

/** The bytes of the CSV versions used by the fixture (v2 appends rows and changes one). */
export const CSV_V1 = 'id,name,score\n1,ada,90\n2,bob,80\n3,cy,70\n';
export const CSV_V2 = 'id,name,score\n1,ada,90\n2,bob,85\n3,cy,70\n4,dan,60\n5,eve,95\n';

/**
 * The shared history (times are fixed, so oids are identical on every run):
 *   c1 init        dvc files, params.yaml, requirements.txt
 *   c2 add data    data/raw.csv (file), data/images (2 files)
 *   c3 grow        raw.csv grows (CSV_V2), images gets a third file, params lr 0.1 -> 0.05
 *   c4 pipeline    dvc.yaml + dvc.lock (model.pkl, params), metrics.json acc 0.8     [tag v1.0]
 *   c5 legacy      data/old.bin.dvc in DVC 2.x form
 *   -- branch exp from c5 --
 *   c6 shrink      (exp) images loses b.png, metrics acc 0.85, requirements changed
 *   c7 remove raw  (main) data/raw.csv.dvc removed
 *   c8 merge exp   (main) merge commit, first parent c7   [tags model@v1.2.0 (annotated), model#prod#1]
 * The workspace ends at c8 with its data checked out and every version in the cache.
 */
export async function buildHistoryRepo(): Promise<HistoryFixture> {
  const tmp = await makeTempDir('lockstep-history-');
  const dir = tmp.dir;
  const g = new FixtureGit(dir);
  g.run('init', '-q', '-b', 'main');
  const commits: Record<string, string> = {};
  await put(dir, '.dvc/config', '');
  await put(dir, '.dvc/.gitignore', '/config.local\n/tmp\n/cache\n');
  await put(dir, '.dvcignore', '# dvc ignore\n');
  await put(dir, 'params.yaml', 'train:\n  lr: 0.1\n  epochs: 10\n');
  await put(dir, 'requirements.txt', 'numpy==1.26.0\n');
  await put(dir, 'src/train.py', 'print("train")\n');
  commits.c1 = g.commit('init');

  await trackFile(dir, 'data/raw.csv', CSV_V1);
  await trackDir(dir, 'data/images', { 'a.png': 'AAAA', 'b.png': 'BBBBBB' });
  commits.c2 = g.commit('add data');

  await trackFile(dir, 'data/raw.csv', CSV_V2);
  await trackDir(dir, 'data/images', { 'a.png': 'AAAA', 'b.png': 'BBBBBB', 'c.png': 'CCCCCCCC' });
  await put(dir, 'params.yaml', 'train:\n  lr: 0.05\n  epochs: 10\n');
  commits.c3 = g.commit('grow data');

  const model = Buffer.from('model-v1');
  await put(dir, 'model.pkl', model);
  await putObject(dir, md5(model), model);
  await ignore(dir, 'model.pkl');
  await put(dir, 'dvc.yaml', 'stages:\n  train:\n    cmd: python src/train.py\n    deps:\n    - src/train.py\n    params:\n    - train.lr\n    outs:\n    - model.pkl\n    metrics:\n    - metrics.json:\n        cache: false\n');
  await put(dir, 'dvc.lock', `schema: '2.0'\nstages:\n  train:\n    cmd: python src/train.py\n    params:\n      params.yaml:\n        train.lr: 0.05\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: ${md5(model)}\n      size: ${model.length}\n`);
  await put(dir, 'metrics.json', '{"acc": 0.8, "loss": 0.4}');
  commits.c4 = g.commit('pipeline');
  g.run('tag', 'v1.0');

  const old = Buffer.from([0, 1, 2, 3, 255, 0, 7]);
  await trackFile(dir, 'data/old.bin', old, { legacy: true });
  commits.c5 = g.commit('legacy pointer');

  g.run('checkout', '-q', '-b', 'exp');
  await trackDir(dir, 'data/images', { 'a.png': 'AAAA', 'c.png': 'CCCCCCCC' });
  await put(dir, 'metrics.json', '{"acc": 0.85, "loss": 0.4}');
  await put(dir, 'requirements.txt', 'numpy==2.0.0\n');
  commits.c6 = g.commit('shrink images');

  g.run('checkout', '-q', 'main');
  // git checkout restored main's pointers; put main's images back in the workspace to match.
  await trackDir(dir, 'data/images', { 'a.png': 'AAAA', 'b.png': 'BBBBBB', 'c.png': 'CCCCCCCC' });
  await rm(path.join(dir, 'data', 'raw.csv.dvc'));
  await rm(path.join(dir, 'data', 'raw.csv'));
  await put(dir, 'data/.gitignore', '/images\n/old.bin\n');
  commits.c7 = g.commit('remove raw');

  commits.c8 = g.merge('exp', 'merge exp');
  await trackDir(dir, 'data/images', { 'a.png': 'AAAA', 'c.png': 'CCCCCCCC' });
  g.run('tag', '-a', '-m', 'register', 'model@v1.2.0');
  g.run('tag', 'model#prod#1');
  return {
    dir,
    commits,
    abs: (rel) => path.join(dir, ...rel.split('/')),
    git: (...args) => g.run(...args),
    cleanup: async () => {
      await makeWritable(dir);
      await tmp.cleanup();
    },
  };
}
