// Child process for the warm timeline and dataset-history benchmarks: what the app's service does when
// it opens a repository whose timeline is already cached, timed inside the process (Node and module
// start-up excluded; the CLI's end-to-end time is measured separately).
//   node history-query.ts REPO timeline        open, refresh check, first page of 50
//   node history-query.ts REPO history PATH    open, refresh check, dataset history of PATH
// Prints one JSON object with the phase times in ms.
import { getDatasetHistory } from '../../../electron/core/history/dataset-history.ts';
import { getTimeline } from '../../../electron/core/history/query-timeline.ts';
import { updateTimeline } from '../../../electron/core/history/update-timeline.ts';
import { openRepo } from '../../../electron/core/repo/open-repo.ts';

const [dir, what, relPath] = process.argv.slice(2);
if (!dir || (what !== 'timeline' && what !== 'history') || (what === 'history' && !relPath)) {
  throw new Error('usage: node history-query.ts REPO timeline | REPO history PATH');
}
const t0 = performance.now();
const repo = await openRepo(dir);
const t1 = performance.now();
try {
  // Returns at once when no ref moved (a warm cache); counted, since the app always makes this check.
  const update = await updateTimeline(repo);
  const t2 = performance.now();
  let items: number;
  let total: number;
  if (what === 'timeline') {
    const page = getTimeline(repo, { limit: 50 });
    items = page.commits.length;
    total = page.total;
  } else {
    const h = getDatasetHistory(repo, relPath!);
    items = h.versions.length;
    total = h.series.length;
  }
  const t3 = performance.now();
  process.stdout.write(JSON.stringify({ openMs: t1 - t0, updateMs: t2 - t1, queryMs: t3 - t2, totalMs: t3 - t0, upToDate: update.upToDate, items, total }) + '\n');
} finally {
  repo.close();
}
