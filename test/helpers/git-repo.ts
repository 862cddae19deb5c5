import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from './tmp.ts';

/** A real git repository in a temp dir, built with the git CLI, for tests. */
export interface TestGitRepo {
  /** The working-tree root. */
  readonly dir: string;
  /** Absolute path of a repo-relative POSIX path. */
  abs(rel: string): string;
  /** Writes files (creating parent dirs): `{ 'data/a.txt': 'hello' }`. */
  write(files: Record<string, string | Buffer>): Promise<void>;
  /** Runs git in the repo and returns stdout (trimmed). */
  git(...args: string[]): string;
  /** `git add -A && git commit`, returns the new commit oid. */
  commit(message: string): string;
  /** Removes the temp dir (restoring write bits on read-only cache objects first). */
  cleanup(): Promise<void>;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/**
 * Creates a git repo (branch `main`) with optional initial files and, when `dvc` is set, the files
 * `dvc init` writes (`.dvc/config` empty, `.dvc/.gitignore`, `.dvcignore`), committed.
 */
export async function makeGitRepo(opts: { files?: Record<string, string | Buffer>; dvc?: boolean; commit?: boolean } = {}): Promise<TestGitRepo> {
  const tmp = await makeTempDir('lockstep-repo-');
  const dir = tmp.dir;
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  const repo: TestGitRepo = {
    dir,
    abs: (rel) => path.join(dir, ...rel.split('/')),
    write: async (files) => {
      for (const [rel, content] of Object.entries(files)) {
        const p = path.join(dir, ...rel.split('/'));
        await mkdir(path.dirname(p), { recursive: true });
        await writeFile(p, content);
      }
    },
    git,
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    cleanup: async () => {
      await makeWritable(dir);
      await tmp.cleanup();
    },
  };
  if (opts.dvc) {
    await repo.write({
      '.dvc/config': '',
      '.dvc/.gitignore': '/config.local\n/tmp\n/cache\n',
      '.dvcignore': '# Add patterns of files dvc should ignore, which could improve\n# the performance. Learn more at\n# https://dvc.org/doc/user-guide/dvcignore\n',
    });
  }
  if (opts.files) await repo.write(opts.files);
  if (opts.commit ?? (opts.dvc || opts.files !== undefined)) repo.commit('initial');
  return repo;
}

/** Restores owner write permission below `dir` so rm can delete read-only cache objects and folders. */
export async function makeWritable(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    try {
      const st = await stat(p);
      await chmod(p, st.mode | 0o200);
    } catch {
      // Best effort: a vanished file needs no permission fix.
    }
    if (e.isDirectory()) await makeWritable(p);
  }
}

/** Removes a directory tree, fixing permissions first. */
export async function removeTree(dir: string): Promise<void> {
  await makeWritable(dir);
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
