import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export type ChangeReason = 'workspace' | 'git';

export interface RepoWatcherOptions {
  /** The git working tree root. */
  readonly root: string;
  readonly onChange: (reason: ChangeReason) => void;
  /** Quiet period before reporting, so a 10,000-file copy is one event, not 10,000. */
  readonly debounceMs?: number;
  /** Directories watched one by one; past this the watcher falls back to polling. */
  readonly maxDirs?: number;
  readonly pollMs?: number;
}

/** Folders whose churn is our own bookkeeping, not the user's work. */
const SKIP_DIRS = new Set(['.git', '.dvc', 'node_modules', '__pycache__', '.venv']);

/**
 * Notices new commits and workspace edits without a manual refresh. It watches `.git` (HEAD, index,
 * branch refs) and each workspace folder non-recursively: Linux has no cheap recursive watch, and Node's
 * emulation of one is costly on 100k-file trees. A tree with more folders than `maxDirs` is polled
 * instead, which stays cheap because the re-status it triggers goes through the hash index.
 */
export class RepoWatcher {
  private readonly opts: Required<RepoWatcherOptions>;
  private readonly watchers: FSWatcher[] = [];
  private readonly watched = new Set<string>();
  private timers = new Map<ChangeReason, ReturnType<typeof setTimeout>>();
  private poll: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(opts: RepoWatcherOptions) {
    this.opts = { debounceMs: 300, maxDirs: 2000, pollMs: 5000, ...opts };
  }

  /** Starts watching; resolves once the initial folder scan is done. */
  async start(): Promise<void> {
    const gitDir = path.join(this.opts.root, '.git');
    this.add(gitDir, (name) => (name === 'HEAD' || name === 'index' || name === 'packed-refs' || name === 'ORIG_HEAD' ? 'git' : null));
    this.add(path.join(gitDir, 'refs', 'heads'), () => 'git');
    this.add(path.join(gitDir, 'refs', 'tags'), () => 'git');
    const dirs = await this.listDirs();
    if (this.closed) return;
    if (dirs === null) {
      this.poll = setInterval(() => this.fire('workspace'), this.opts.pollMs);
      this.poll.unref?.();
      return;
    }
    this.watchDirs(dirs);
  }

  private watchDirs(dirs: string[]): void {
    for (const d of dirs) {
      if (this.watched.has(d)) continue;
      this.watched.add(d);
      this.add(d, (name) => (name.endsWith('.tmp') ? null : 'workspace'));
    }
  }

  /** New folders appear as an event in their parent; watch them too. */
  private async rescan(): Promise<void> {
    if (this.poll || this.closed) return;
    const dirs = await this.listDirs();
    if (this.closed) return;
    if (dirs === null) {
      this.poll = setInterval(() => this.fire('workspace'), this.opts.pollMs);
      this.poll.unref?.();
    } else {
      this.watchDirs(dirs);
    }
  }

  private add(dir: string, classify: (name: string) => ChangeReason | null): void {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        const reason = classify(typeof name === 'string' ? name : '');
        if (reason) this.fire(reason);
      });
      w.on('error', () => w.close());
      this.watchers.push(w);
    } catch {
      // A folder that vanished or hit the inotify limit: the poll or the next event still catches up.
    }
  }

  private async listDirs(): Promise<string[] | null> {
    const out: string[] = [this.opts.root];
    for (let i = 0; i < out.length; i++) {
      let entries;
      try {
        entries = await readdir(out[i]!, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() || SKIP_DIRS.has(e.name)) continue;
        out.push(path.join(out[i]!, e.name));
        if (out.length > this.opts.maxDirs) return null;
      }
    }
    return out;
  }

  private fire(reason: ChangeReason): void {
    if (this.closed || this.timers.has(reason)) return;
    this.timers.set(
      reason,
      setTimeout(() => {
        this.timers.delete(reason);
        if (this.closed) return;
        if (reason === 'workspace') void this.rescan();
        this.opts.onChange(reason);
      }, this.opts.debounceMs),
    );
  }

  /** Stops every watcher and pending notification. */
  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.poll) clearInterval(this.poll);
  }
}
