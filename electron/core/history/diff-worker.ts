// The tree-diff worker of the timeline (see diff-source.ts): diffs a walk's commits against their first
// parents on a second core while the main thread analyses and stores the results.
//   workerData: { root, gitDir, jobs: DiffJob[] }
//   out:        { type: 'batch', diffs: CommitDiff[] }   in job order; at most AHEAD batches unacknowledged
//               { type: 'done' } | { type: 'error', message }
//   in:         { type: 'more' }                           one per batch consumed
import { parentPort, workerData } from 'node:worker_threads';
import { CommitDiffer, type CommitDiff, type DiffJob } from './commit-differ.ts';
import { openHistoryGit, type HistoryRepoRef } from './history-git.ts';

/** Batches in flight before the worker waits: bounds memory when the main thread is the slower side. */
const AHEAD = 4;

interface Input extends HistoryRepoRef {
  readonly jobs: readonly DiffJob[];
}

async function main(port: NonNullable<typeof parentPort>, input: Input): Promise<void> {
  let unacked = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    unacked--;
    wake?.();
    wake = null;
  });
  const git = openHistoryGit(input);
  try {
    const differ = new CommitDiffer(git, input.jobs);
    let batch: CommitDiff[] = [];
    // The first batch is small so the main thread starts at once; later ones amortise messaging.
    let size = 16;
    for (const job of input.jobs) {
      batch.push(await differ.diff(job));
      if (batch.length < size) continue;
      while (unacked >= AHEAD) await new Promise<void>((resolve) => (wake = resolve));
      port.postMessage({ type: 'batch', diffs: batch });
      unacked++;
      batch = [];
      size = 256;
    }
    if (batch.length > 0) port.postMessage({ type: 'batch', diffs: batch });
    port.postMessage({ type: 'done' });
  } finally {
    git.close();
  }
}

if (parentPort) {
  const port = parentPort;
  main(port, workerData as Input).catch((err: unknown) => {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }).finally(() => port.removeAllListeners('message')); // lets the worker exit once its messages are out
}
