import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDvcFile } from '../../../electron/core/dvc/dvcfile.ts';
import { diffCsvFiles } from '../../../electron/core/history/csv-diff.ts';
import { fastDvcFileOutputs } from '../../../electron/core/history/fast-dvcfile.ts';
import { GitObjects } from '../../../electron/core/history/git-objects/object-store-view.ts';
import { parseGtoTag } from '../../../electron/core/history/gto-tags.ts';
import { outputsOfDvcFile } from '../../../electron/core/history/parse-blobs.ts';
import { diffTrees } from '../../../electron/core/history/tree-diff.ts';
import { topoOrder } from '../../../electron/core/history/topo-order.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { buildHistoryRepo, type HistoryFixture } from '../../helpers/history-fixtures.ts';

describe('GTO tags', () => {
  it('reads registrations, assignments and their reversals; ignores ordinary tags', () => {
    expect(parseGtoTag('model@v1.2.0')).toEqual({ tag: 'model@v1.2.0', artifact: 'model', action: 'register', version: 'v1.2.0' });
    expect(parseGtoTag('model@v1.2.0!')).toEqual({ tag: 'model@v1.2.0!', artifact: 'model', action: 'deregister', version: 'v1.2.0' });
    expect(parseGtoTag('churn#prod#3')).toEqual({ tag: 'churn#prod#3', artifact: 'churn', action: 'assign', stage: 'prod', counter: 3 });
    expect(parseGtoTag('churn#prod')).toEqual({ tag: 'churn#prod', artifact: 'churn', action: 'assign', stage: 'prod' });
    expect(parseGtoTag('churn#prod!#4')).toEqual({ tag: 'churn#prod!#4', artifact: 'churn', action: 'unassign', stage: 'prod', counter: 4 });
    expect(parseGtoTag('churn@deprecated')).toEqual({ tag: 'churn@deprecated', artifact: 'churn', action: 'deprecate' });
    expect(parseGtoTag('v1.0')).toBeNull();
    expect(parseGtoTag('release-2024')).toBeNull();
  });
});

describe('fast .dvc reader', () => {
  const texts = [
    'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n',
    'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n',
    'outs:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 14445097\n  path: data.xml\n',
  ];
  it('agrees with the strict parser on canonical files', () => {
    for (const t of texts) {
      const fast = fastDvcFileOutputs(t, 'd/x.dvc');
      expect(fast).not.toBeNull();
      const strict = parseDvcFile(t, 'd/x.dvc').outs;
      expect(fast?.map((o) => [o.md5, o.size, o.legacy])).toEqual(strict.map((o) => [o.md5, o.size ?? null, o.hashName !== 'md5']));
      expect(fast?.[0]?.path).toBe(`d/${strict[0]?.path}`);
    }
  });
  it('declines anything else, so the strict parser decides', () => {
    for (const t of ['# c\nouts:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n', "outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: 'true'\n", 'outs:\n- md5: ACBD18DB4CC2F85CEDEF654FCCC4A4D8\n  path: foo\n', 'outs:\n- path: foo\n  path: bar\n', 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n  cache: false\n']) {
      expect(fastDvcFileOutputs(t, 'x.dvc')).toBeNull();
    }
    expect(outputsOfDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n  cache: false\n', 'x.dvc')[0]?.cache).toBe(false);
  });
});

describe('topological order', () => {
  it('puts parents first and breaks ties by time then oid', () => {
    const order = topoOrder([
      { oid: 'm', parents: ['a', 'b'], time: 5 },
      { oid: 'b', parents: ['r'], time: 9 },
      { oid: 'a', parents: ['r'], time: 2 },
      { oid: 'r', parents: [], time: 1 },
      { oid: 'x', parents: ['outside'], time: 0 },
    ]);
    expect(order.map((n) => n.oid)).toEqual(['x', 'r', 'a', 'b', 'm']);
  });
});

describe('git object reader', () => {
  let f: HistoryFixture;
  beforeAll(async () => {
    f = await buildHistoryRepo();
  });
  afterAll(async () => {
    await f.cleanup();
  });
  it('reads loose and packed objects identically and diffs trees like git', async () => {
    const check = async () => {
      const objects = new GitObjects(f.dir, path.join(f.dir, '.git'));
      try {
        for (const [a, b] of [['c1', 'c2'], ['c4', 'c5'], ['c7', 'c8']] as const) {
          const ca = await objects.commit(f.commits[a] as string);
          const cb = await objects.commit(f.commits[b] as string);
          const ours = (await diffTrees(objects, ca.tree, cb.tree)).map((x) => x.path).sort();
          const theirs = f.git('diff', '--name-only', f.commits[a] as string, f.commits[b] as string).split('\n').filter(Boolean).sort();
          expect(ours).toEqual(theirs);
        }
        const blob = await objects.blob(f.git('rev-parse', 'HEAD:params.yaml'));
        expect(blob.toString()).toBe(f.git('show', 'HEAD:params.yaml') + '\n');
      } finally {
        objects.close();
      }
    };
    await check();
    f.git('gc', '-q', '--aggressive');
    await check();
  });
});

describe('streaming CSV diff', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(async () => {
    await tmp.cleanup();
  });
  it('counts duplicate rows as a multiset, handles header changes, TSV and partitions', async () => {
    const a = path.join(tmp.dir, 'a.tsv');
    const b = path.join(tmp.dir, 'b.tsv');
    await writeFile(a, 'x\ty\n1\t2\n1\t2\n3\t4\r\n5\t6\n');
    await writeFile(b, 'x\tz\ty\n1\t2\n3\t4\n7\t8\n7\t8');
    for (const partitionBytes of [1, 1 << 20]) {
      const d = await diffCsvFiles(a, b, { partitionBytes, sample: 1 });
      expect(d).toEqual({
        delimiter: '\t',
        old: { rows: 4, columns: 2, header: ['x', 'y'] },
        new: { rows: 4, columns: 3, header: ['x', 'z', 'y'] },
        header: { added: ['z'], removed: [], reordered: false },
        addedRows: 2,
        removedRows: 2,
        sampleAdded: ['7\t8'],
        sampleRemoved: ['1\t2'],
      });
    }
  });
  it('streams a file much larger than its sample with exact counts', async () => {
    const a = path.join(tmp.dir, 'big-a.csv');
    const b = path.join(tmp.dir, 'big-b.csv');
    const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${from + i},${createHash('md5').update(String(from + i)).digest('hex')}`).join('\n');
    await writeFile(a, `id,h\n${rows(0, 50_000)}\n`);
    await writeFile(b, `id,h\n${rows(1_000, 51_500)}\n`);
    const d = await diffCsvFiles(a, b, { partitionBytes: 256 * 1024, sample: 3 });
    expect([d.old.rows, d.new.rows, d.addedRows, d.removedRows]).toEqual([50_000, 50_500, 1_500, 1_000]);
    expect(d.sampleRemoved.map((r) => r.split(',')[0])).toEqual(['0', '1', '2']);
    expect(d.sampleAdded.map((r) => r.split(',')[0])).toEqual(['50000', '50001', '50002']);
  });
});
