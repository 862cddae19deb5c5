import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { readAt, readLines } from './line-reader.ts';

/** Summary of two versions of a CSV/TSV file. */
export interface CsvDiff {
  readonly delimiter: ',' | '\t';
  readonly old: { readonly rows: number; readonly columns: number; readonly header: string[] };
  readonly new: { readonly rows: number; readonly columns: number; readonly header: string[] };
  readonly header: { readonly added: string[]; readonly removed: string[]; readonly reordered: boolean };
  /** Data rows (header excluded) only in the new / only in the old version, counted as multisets. */
  readonly addedRows: number;
  readonly removedRows: number;
  /** Up to `sample` added and removed rows, in file order. */
  readonly sampleAdded: string[];
  readonly sampleRemoved: string[];
}

/** Options for {@link diffCsvFiles}. */
export interface CsvDiffOptions {
  /** Rows to show per side (default 10). */
  readonly sample?: number;
  /** Default: tab for `.tsv`/`.tab` names, else comma. */
  readonly delimiter?: ',' | '\t';
  /** Source bytes per partition; bounds memory (default 32 MiB of input, ~1/10 of that in memory). */
  readonly partitionBytes?: number;
  readonly tmpDir?: string;
  readonly signal?: AbortSignal;
}

// Each data row becomes one fixed-size record: 16-byte md5 of the row, side (0 old / 1 new), byte offset and length.
const REC = 16 + 1 + 8 + 4;

/**
 * Diffs two CSV/TSV files without loading either: rows are hashed while streaming and the hashes are
 * spread over partition files by their first byte (external hash partitioning); each partition is then
 * counted on its own. Memory is bounded by one partition (about 29 bytes per row of `partitionBytes`
 * of input, plus the map of that partition), disk by ~29 bytes per row, and each file is read once,
 * plus one positioned read per sample row. The trade-off against sorting: no order is needed and one
 * pass suffices, but a changed row shows as one removed plus one added, and rows are physical lines
 * (a quoted field holding a newline counts as two rows).
 */
export async function diffCsvFiles(oldAbs: string, newAbs: string, opts: CsvDiffOptions = {}): Promise<CsvDiff> {
  const sample = opts.sample ?? 10;
  const delimiter = opts.delimiter ?? (/\.(tsv|tab)$/i.test(newAbs) ? '\t' : ',');
  const sizes = (await Promise.all([oldAbs, newAbs].map((p) => stat(p).catch((err: unknown) => { throw fromFsError(err, p, 'read'); })))).map((s) => s.size);
  const parts = Math.min(256, Math.max(1, Math.ceil(((sizes[0] ?? 0) + (sizes[1] ?? 0)) / (opts.partitionBytes ?? 32 << 20))));
  const dir = await mkdtemp(path.join(opts.tmpDir ?? tmpdir(), 'lockstep-csvdiff-'));
  try {
    const writers = await Promise.all(Array.from({ length: parts }, (_, i) => open(path.join(dir, `p${i}`), 'w')));
    const pending: Buffer[][] = writers.map(() => []);
    const flush = async (i: number) => {
      const bufs = pending[i] as Buffer[];
      if (bufs.length) await (writers[i] as FileHandle).write(Buffer.concat(bufs));
      pending[i] = [];
    };
    const headers: string[][] = [[], []];
    const rows = [0, 0];
    const files = [oldAbs, newAbs];
    for (const side of [0, 1] as const) {
      let first = true;
      for await (const line of readLines(files[side] as string)) {
        if (first) {
          headers[side] = splitRow(line.text.toString('utf8'), delimiter);
          first = false;
          continue;
        }
        if (line.length === 0) continue;
        rows[side] = (rows[side] ?? 0) + 1;
        const rec = Buffer.allocUnsafe(REC);
        createHash('md5').update(line.text).digest().copy(rec, 0);
        rec[16] = side;
        rec.writeDoubleLE(line.offset, 17);
        rec.writeUInt32LE(line.length, 25);
        const p = (rec[0] ?? 0) % parts;
        const list = pending[p] as Buffer[];
        list.push(rec);
        if (list.length >= 2048) await flush(p);
        if (((rows[side] ?? 0) & 0xffff) === 0) throwIfAborted(opts.signal);
      }
    }
    for (let i = 0; i < parts; i++) await flush(i);
    await Promise.all(writers.map((w) => w.close()));
    let addedRows = 0;
    let removedRows = 0;
    // The earliest rows by offset, per side, kept as a small sorted list.
    const picks: [{ offset: number; length: number }[], { offset: number; length: number }[]] = [[], []];
    for (let i = 0; i < parts; i++) {
      const data = await readFile(path.join(dir, `p${i}`));
      const counts = new Map<string, { n: [number, number]; refs: [{ offset: number; length: number }[], { offset: number; length: number }[]] }>();
      for (let at = 0; at + REC <= data.length; at += REC) {
        const key = data.toString('latin1', at, at + 16);
        const side = data[at + 16] as 0 | 1;
        let c = counts.get(key);
        if (!c) counts.set(key, (c = { n: [0, 0], refs: [[], []] }));
        c.n[side]++;
        // Enough positions to show this hash's surplus rows, never more than the sample.
        if (c.refs[side].length < sample) c.refs[side].push({ offset: data.readDoubleLE(at + 17), length: data.readUInt32LE(at + 25) });
      }
      for (const c of counts.values()) {
        const surplusNew = c.n[1] - c.n[0];
        if (surplusNew > 0) {
          addedRows += surplusNew;
          keepEarliest(picks[1], c.refs[1].slice(-Math.min(surplusNew, sample)), sample);
        } else if (surplusNew < 0) {
          removedRows += -surplusNew;
          keepEarliest(picks[0], c.refs[0].slice(-Math.min(-surplusNew, sample)), sample);
        }
      }
    }
    const read = async (file: string, refs: { offset: number; length: number }[]) => Promise.all(refs.map((r) => readAt(file, r.offset, r.length)));
    const [ho, hn] = headers as [string[], string[]];
    const removedCols = ho.filter((h) => !hn.includes(h));
    const addedCols = hn.filter((h) => !ho.includes(h));
    const common = ho.filter((h) => hn.includes(h));
    return {
      delimiter,
      old: { rows: rows[0] ?? 0, columns: ho.length, header: ho },
      new: { rows: rows[1] ?? 0, columns: hn.length, header: hn },
      header: { added: addedCols, removed: removedCols, reordered: common.join('\0') !== hn.filter((h) => ho.includes(h)).join('\0') },
      addedRows,
      removedRows,
      sampleAdded: await read(newAbs, picks[1]),
      sampleRemoved: await read(oldAbs, picks[0]),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function keepEarliest(list: { offset: number; length: number }[], add: { offset: number; length: number }[], max: number): void {
  list.push(...add);
  list.sort((a, b) => a.offset - b.offset);
  if (list.length > max) list.length = max;
}

/** Splits one CSV/TSV line into fields, honouring double quotes (`"a,b"`, `""` for a quote). */
export function splitRow(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
