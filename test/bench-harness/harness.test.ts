// Tests of the benchmark harness's own pieces (the benchmarks themselves run with `npm run bench`).
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keystream, writeRandomFile, writeSmallFiles } from '../bench/lib/generate.ts';
import { runShellTimed, runTimed } from '../bench/lib/proc.ts';
import { createRecorder } from '../bench/lib/recorder.ts';
import { fmtBytes, median, percentile } from '../bench/lib/stats.ts';
import type { Results } from '../bench/lib/types.ts';
import { renderReport } from '../bench/report.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function tempDir(): Promise<string> {
  const t = await makeTempDir('lockstep-bench-harness-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('stats', () => {
  it('takes medians and nearest-rank percentiles', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(() => median([])).toThrow();
    expect(fmtBytes(2 * 2 ** 30)).toBe('2 GiB');
    expect(fmtBytes(64 * 1024)).toBe('64 KiB');
  });
});

describe('generators', () => {
  it('produce the same bytes for the same seed and different bytes otherwise', () => {
    const a = keystream('s')(1000);
    const b = keystream('s')(1000);
    const c = keystream('t')(1000);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    // Chunked reads continue the same stream.
    const g = keystream('s');
    expect(Buffer.concat([g(300), g(700)]).equals(a)).toBe(true);
  });

  it('writes a large file in chunks with exactly the requested size and deterministic content', async () => {
    const dir = await tempDir();
    const size = 9 * 1024 * 1024 + 123;
    await writeRandomFile(path.join(dir, 'a.bin'), size, 'x');
    await writeRandomFile(path.join(dir, 'b.bin'), size, 'x');
    expect((await stat(path.join(dir, 'a.bin'))).size).toBe(size);
    const md5 = async (f: string) => createHash('md5').update(await readFile(path.join(dir, f))).digest('hex');
    expect(await md5('a.bin')).toBe(await md5('b.bin'));
  });

  it('lays out many small distinct files in sharded folders', async () => {
    const dir = await tempDir();
    const rels = writeSmallFiles(dir, { count: 25, size: 100, seed: 'y', perDir: 10 });
    expect(rels).toHaveLength(25);
    expect((await readdir(dir)).sort()).toEqual(['d000', 'd001', 'd002']);
    const contents = await Promise.all(rels.map((r) => readFile(path.join(dir, r))));
    expect(new Set(contents.map((b) => b.toString('hex'))).size).toBe(25);
    expect(contents.every((b) => b.length === 100)).toBe(true);
  });
});

describe('timed processes', () => {
  it('measures wall time and a peak RSS that grows with what the child allocates', async () => {
    const dir = await tempDir();
    const small = await runTimed(process.execPath, ['-e', '0'], { cwd: dir });
    const big = await runTimed(process.execPath, ['-e', 'const b = Buffer.alloc(200 * 2 ** 20, 1); console.log(b[5])'], { cwd: dir });
    expect(big.stdout.trim()).toBe('1');
    expect(small.wallMs).toBeGreaterThan(0);
    expect(big.peakRssMiB).toBeGreaterThan((small.peakRssMiB ?? 0) + 150);
  });

  it('fails a pipeline when any stage fails, with the stderr in the message', async () => {
    const dir = await tempDir();
    await expect(runShellTimed('false | cat', { cwd: dir })).rejects.toThrow(/exited with 1/);
    await expect(runTimed('git', ['no-such-command'], { cwd: dir })).rejects.toThrow(/no-such-command/);
    await expect(runTimed('true', [], { cwd: path.join(dir, 'missing') })).rejects.toThrow(/cannot run true/);
  });
});

describe('report', () => {
  it('shows the machine, every target with its verdict, and never renders an unchecked target as met', () => {
    const rec = createRecorder();
    const m = rec.measure('lockstep', 'hash', [1000, 3000, 2000], { bytes: 2e9 });
    expect(m.medianMs).toBe(2000);
    expect(m.throughputMBps).toBe(1000);
    rec.target({ target: 'throughput >= 0.95x md5sum', measured: '1.02x', pass: true });
    rec.target({ target: 'faster than git lfs', measured: 'n/a', pass: null, note: 'peer git-lfs missing' });
    rec.target({ target: 'RSS < 150 MB', measured: '180 MB', pass: false });
    const results: Results = {
      schema: 1,
      machines: {
        r1: { date: 'r1', hostname: 'h', cpuModel: 'CPU X', cores: 2, memoryGiB: 24, disk: 'ext4 on /dev/vda', os: 'Debian 12', kernel: 'Linux', node: 'v22', loadAverage: '0.1 0.1 0.1', tools: { md5sum: 'md5sum 9.1', 'git-lfs': 'missing' } },
      },
      benchmarks: {
        hash: { id: 'hash', title: 'Hash', issue: 2, status: 'ok', startedAt: 'r1', durationS: 3, runId: 'r1', params: { 'file size': '2 GiB' }, measurements: rec.measurements, targets: rec.targets, notes: ['a note'] },
      },
    };
    const md = renderReport(results);
    expect(md).toContain('CPU X, 2 cores');
    expect(md).toContain('| git-lfs | missing |');
    expect(md).toContain('| hash | throughput >= 0.95x md5sum | 1.02x | met |');
    expect(md).toContain('| hash | faster than git lfs | n/a | **not checked** |');
    expect(md).toContain('| hash | RSS < 150 MB | 180 MB | **missed** |');
    expect(md).toContain('| lockstep | hash | 2000 ms | 1000 ms, 3000 ms, 2000 ms | 1000 MB/s |  |');
    expect(md).toContain('> a note');
  });
});
