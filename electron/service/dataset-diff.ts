import type { CsvDiff } from '../core/history/csv-diff.ts';
import { diffPath } from '../core/history/path-diff.ts';
import type { RunOptions } from '../core/jobs/progress.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { CsvSummary, DatasetDiff, FileDiffEntry } from '../../shared/model.ts';

const CSV_NAME = /\.(csv|tsv|tab)$/i;

function csvSummary(relpath: string, c: CsvDiff): CsvSummary {
  return {
    relpath,
    oldRows: c.old.rows,
    newRows: c.new.rows,
    oldColumns: c.old.header,
    newColumns: c.new.header,
    addedRows: c.addedRows,
    removedRows: c.removedRows,
    addedSample: c.sampleAdded,
    removedSample: c.sampleRemoved,
  };
}

/**
 * Two versions of an output compared by the history engine (`diffPath`): the files a folder gained, lost
 * or changed (from the `.dir` listings, fetched from the remote when the cache lacks them), and the
 * streaming row diff of changed CSV/TSV files, up to `csvLimit` of them. `relpath` is '' for a
 * single-file output.
 */
export async function diffDataset(repo: Repo, path: string, a: string, b: string, limit = 5000, csvLimit = 5, run: RunOptions = {}): Promise<DatasetDiff> {
  const d = await diffPath(repo, a, b, path, run);
  let files: FileDiffEntry[];
  if (d.folder) {
    files = d.folder.files.map((f) => ({ relpath: f.relpath, change: f.change, oldSize: f.oldSize, newSize: f.newSize }));
  } else if (d.a.md5 === d.b.md5) {
    files = [];
  } else {
    const change = d.a.md5 === null ? 'added' : d.b.md5 === null ? 'removed' : 'modified';
    files = [{ relpath: '', change, oldSize: d.a.size, newSize: d.b.size }];
  }
  const csv: CsvSummary[] = [];
  if (d.csv) csv.push(csvSummary(path, d.csv));
  else {
    // Files inside a folder: each changed CSV is its own engine diff (both versions must exist to compare rows).
    for (const f of files) {
      if (csv.length >= csvLimit) break;
      if (f.change !== 'modified' || !CSV_NAME.test(f.relpath)) continue;
      const inner = await diffPath(repo, a, b, `${path}/${f.relpath}`, run);
      if (inner.csv) csv.push(csvSummary(f.relpath, inner.csv));
    }
  }
  return { path: d.path, a: d.a.md5 ?? a, b: d.b.md5 ?? b, files: files.slice(0, limit), truncated: files.length > limit, totalChanged: files.length, csv };
}
