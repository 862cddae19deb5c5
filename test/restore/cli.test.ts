import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestorePlan } from '../../electron/core/ops/restore-plan.ts';
import type { TimelinePage } from '../../electron/core/history/query-timeline.ts';
import { runCli } from '../helpers/cli.ts';
import { buildHistoryRepo, CSV_V2, type HistoryFixture } from '../helpers/history-fixtures.ts';

let f: HistoryFixture;
beforeAll(async () => {
  f = await buildHistoryRepo();
});
afterAll(async () => {
  await f.cleanup();
});

describe('lockstep log / history / diff / restore / undo (real CLI process)', () => {
  it('log --json pages the timeline; --data-only filters it; text lists changes', async () => {
    const page = (await runCli(['log', '--json', '-n', '3'], { cwd: f.dir })).json<TimelinePage>();
    expect(page.total).toBe(8);
    expect(page.commits.map((c) => c.subject)).toEqual(['merge exp', 'remove raw', 'shrink images']);
    const text = await runCli(['log', '-n', '2'], { cwd: f.dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('removed  data/raw.csv -58 B, -1 files');
    expect(text.stdout).toContain('metric   metrics.json:acc 0.8 -> 0.85');
    const data = (await runCli(['log', '--data-only', '--json'], { cwd: f.dir })).json<TimelinePage>();
    expect(data.commits.every((c) => c.dataChanged)).toBe(true);
  });

  it('history prints every version of a path; unknown paths exit with NOT_TRACKED', async () => {
    const r = await runCli(['history', 'data/images.dvc'], { cwd: f.dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('data/images: 3 versions');
    const bad = await runCli(['history', 'nope', '--json'], { cwd: f.dir });
    expect(bad.code).toBe(4);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('NOT_TRACKED');
  });

  it('diff shows a params/metrics table between commits and a CSV diff for a path', async () => {
    const table = await runCli(['diff', 'v1.0', 'main'], { cwd: f.dir });
    expect(table.stdout).toContain('metric       metrics.json:acc  0.8');
    const csv = await runCli(['diff', f.commits.c2 as string, f.commits.c3 as string, 'data/raw.csv'], { cwd: f.dir });
    expect(csv.stdout).toContain('rows 3 -> 5, columns 3 -> 3; 3 rows added, 1 removed');
    expect(csv.stdout).toContain('+ 4,dan,60');
  });

  it('restore --plan touches nothing; restore then undo round-trips', async () => {
    const plan = (await runCli(['restore', 'v1.0', '--plan', '--json'], { cwd: f.dir })).json<RestorePlan>();
    expect(plan.target).toBe(f.commits.c4);
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
    const r = await runCli(['restore', 'v1.0'], { cwd: f.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verified 3 outputs');
    expect(await readFile(f.abs('data/raw.csv'), 'utf8')).toBe(CSV_V2);
    const u = await runCli(['undo'], { cwd: f.dir });
    expect(u.code).toBe(0);
    expect(u.stdout).toContain('back on branch main');
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
  });

  it('restore refuses with exit 6 and lists uncommitted code', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(f.abs('src/train.py'), 'print("wip")\n');
    const r = await runCli(['restore', 'v1.0'], { cwd: f.dir });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('code: src/train.py');
    f.git('checkout', '--', 'src/train.py');
  });
});
