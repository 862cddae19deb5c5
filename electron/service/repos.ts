import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LockstepError, isLockstepError } from '../core/errors/index.ts';
import { findGitRoot } from '../core/git/repo-root.ts';
import { openRepo, type Repo } from '../core/repo/open-repo.ts';
import { ServiceError } from './service-error.ts';
import { RepoWatcher, type ChangeReason } from './watcher.ts';

/** One repository the UI has open. `repo` is null while it is a git repo waiting for `init`. */
export interface OpenRepo {
  readonly id: string;
  readonly gitRoot: string;
  repo: Repo | null;
  watcher: RepoWatcher | null;
}

/**
 * The repositories the app has open, by id. The id is derived from the root path, so opening the same
 * folder twice (two windows, a reload) yields the same handle and the same engine objects.
 */
export class RepoRegistry {
  private readonly open = new Map<string, OpenRepo>();
  /** Folder a caller opened -> id of the repository it resolved to, so reopening skips the engine. */
  private readonly byDir = new Map<string, string>();
  private readonly onChange: (repoId: string, reason: ChangeReason) => void;
  private readonly watch: boolean;

  constructor(opts: { onChange: (repoId: string, reason: ChangeReason) => void; watch?: boolean }) {
    this.onChange = opts.onChange;
    this.watch = opts.watch ?? true;
  }

  /** Opens (or returns the already open) repository containing `dir`. */
  async openAt(dir: string): Promise<OpenRepo> {
    const abs = path.resolve(dir);
    const st = await stat(abs).catch(() => null);
    if (!st?.isDirectory()) throw new LockstepError('NOT_A_GIT_REPO', `${abs} is not a folder. Pick the folder of a git repository.`, { dir: abs });
    // Every new window (or browser tab, or reload) opens its repository again. When it is already open
    // with an engine repo, opening a second SQLite handle only to close it again would delay the first
    // timeline page by tens of ms. A folder still waiting for init goes the long way: it may be
    // initialised by now.
    const knownId = this.byDir.get(abs);
    const known = knownId === undefined ? undefined : this.open.get(knownId);
    if (known?.repo) return known;
    const gitRoot = await findGitRoot(abs);
    let repo: Repo | null = null;
    try {
      repo = await openRepo(abs);
    } catch (err) {
      if (!isLockstepError(err, 'NOT_A_DVC_REPO')) throw err;
    }
    const root = repo?.root ?? gitRoot;
    const id = repoIdFor(root);
    this.byDir.set(abs, id);
    const existing = this.open.get(id);
    if (existing) {
      if (repo && existing.repo) repo.close();
      else if (repo) existing.repo = repo;
      return existing;
    }
    const entry: OpenRepo = { id, gitRoot, repo, watcher: null };
    this.open.set(id, entry);
    if (this.watch) {
      entry.watcher = new RepoWatcher({ root: gitRoot, onChange: (reason) => this.onChange(id, reason) });
      await entry.watcher.start();
    }
    return entry;
  }

  /** The open repository with this id; UNKNOWN_REPO otherwise. */
  get(id: string): OpenRepo {
    const e = this.open.get(id);
    if (!e) throw new ServiceError('UNKNOWN_REPO', 'That repository is no longer open. Open it again from the start screen.', { repoId: id });
    return e;
  }

  /** The engine repo; NOT_A_DVC_REPO while the folder still needs `init`. */
  repo(id: string): Repo {
    const e = this.get(id);
    if (!e.repo) throw new LockstepError('NOT_A_DVC_REPO', `${e.gitRoot} is not initialised for data versioning yet. Choose "Initialise" first.`, { root: e.gitRoot });
    return e.repo;
  }

  /** Re-opens the engine repo (after init, or after the config changed on disk). */
  async reload(id: string): Promise<OpenRepo> {
    const e = this.get(id);
    const next = await openRepo(e.gitRoot === e.repo?.root || !e.repo ? e.gitRoot : e.repo.root);
    e.repo?.close();
    e.repo = next;
    return e;
  }

  /** Closes one repository: its watcher and its index handle. */
  close(id: string): void {
    const e = this.open.get(id);
    if (!e) return;
    e.watcher?.close();
    e.repo?.close();
    this.open.delete(id);
    for (const [dir, known] of this.byDir) if (known === id) this.byDir.delete(dir);
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }
}

/** A short stable handle for a root path. */
export function repoIdFor(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16);
}
