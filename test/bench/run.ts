// `npm run bench [-- ID...] [--scale X] [--trials N] [--strict]`: runs the selected benchmarks (all by
// default) one after another, Lockstep and its peer side by side in each, then writes results.json and
// regenerates REPORT.md. `--list` prints the ids. A scaled run (--scale < 1, for debugging) writes its
// results under /tmp and leaves the committed report alone.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchmarks } from './benchmarks.ts';
import type { BenchContext, Benchmark } from './lib/benchmark.ts';
import { removeOnAbnormalExit } from './lib/cleanup.ts';
import { createFixtureStore } from './lib/fixtures.ts';
import { installHint, peerVersion } from './lib/peers.ts';
import { createRecorder } from './lib/recorder.ts';
import type { BenchResult, Results } from './lib/types.ts';
import { collectMachineInfo } from './machine-info.ts';
import { renderReport } from './report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scale: { type: 'string' },
    trials: { type: 'string' },
    strict: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || values.list) {
  if (values.help) process.stdout.write('usage: npm run bench -- [ID...] [--scale X] [--trials N] [--strict] [--list]\n\n');
  for (const b of benchmarks) process.stdout.write(`${b.id.padEnd(16)} issue ${b.issue}  ${b.title}\n`);
  process.exit(0);
}

const unknown = positionals.filter((p) => !benchmarks.some((b) => b.id === p));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.id).join(' ')}\n`);
  process.exit(2);
}
const scale = values.scale === undefined ? 1 : Number(values.scale);
if (!(scale > 0 && scale <= 1)) {
  process.stderr.write('bench: --scale must be in (0, 1]\n');
  process.exit(2);
}
const trialsOverride = values.trials === undefined ? undefined : Number.parseInt(values.trials, 10);
if (trialsOverride !== undefined && !(trialsOverride >= 1)) {
  process.stderr.write('bench: --trials must be a positive integer\n');
  process.exit(2);
}
const selected: Benchmark[] = positionals.length === 0 ? [...benchmarks] : benchmarks.filter((b) => positionals.includes(b.id));

const root = await mkdtemp(path.join(tmpdir(), 'lockstep-bench-'));
const unregisterRoot = removeOnAbnormalExit(root);
const machine = collectMachineInfo(root);
const runId = machine.date;
const fixtures = createFixtureStore(root);
const results: BenchResult[] = [];
const runStarted = Date.now();

process.stderr.write(
  `bench: ${selected.map((b) => b.id).join(', ')}${scale !== 1 ? ` (scale ${scale}: debugging run, the committed report is not touched)` : ''}\n` +
    `bench: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.disk}; load ${machine.loadAverage}\n`,
);

for (const [i, bench] of selected.entries()) {
  results.push(await runOne(bench));
  const stillNeeded = new Set(selected.slice(i + 1).flatMap((b) => b.fixtures ?? []));
  await fixtures.release(stillNeeded);
}
await fixtures.release(new Set());
await rm(root, { recursive: true, force: true, maxRetries: 3 });
unregisterRoot();

const outDir = scale === 1 ? HERE : tmpdir();
const resultsFile = path.join(outDir, scale === 1 ? 'results.json' : 'lockstep-bench-scaled-results.json');
const reportFile = path.join(outDir, scale === 1 ? 'REPORT.md' : 'lockstep-bench-scaled-REPORT.md');
const merged = mergeResults(await loadResults(resultsFile), results);
await writeFile(resultsFile, JSON.stringify(merged, null, 2) + '\n');
await writeFile(reportFile, renderReport(merged));

printSummary(results);
process.stderr.write(`bench: done in ${((Date.now() - runStarted) / 60_000).toFixed(1)} min; wrote ${path.relative(process.cwd(), resultsFile)} and ${path.relative(process.cwd(), reportFile)}\n`);
const crashed = results.some((r) => r.status === 'error');
const missed = results.some((r) => r.targets.some((t) => t.pass !== true));
process.exitCode = crashed ? 1 : values.strict && missed ? 3 : 0;

async function runOne(bench: Benchmark): Promise<BenchResult> {
  const dir = await mkdtemp(path.join(root, `${bench.id}-`));
  const unregister = removeOnAbnormalExit(dir);
  const rec = createRecorder();
  const startedAt = new Date();
  let loopStart = Date.now();
  let loopAllowanceMs = bench.budgetS * 1000;
  const log = (m: string) => process.stderr.write(`[${bench.id} ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
  const ctx: BenchContext = {
    dir,
    scale,
    rec,
    log,
    trials: (n) => trialsOverride ?? n,
    more(i, planned) {
      if (i === 0) {
        loopStart = Date.now();
        // A loop may always spend half the budget, even when a slow set-up used up the rest.
        loopAllowanceMs = Math.max(bench.budgetS * 1000 - (loopStart - startedAt.getTime()), (bench.budgetS * 1000) / 2);
        return true;
      }
      if (i >= planned) return false;
      const spent = Date.now() - loopStart;
      const ok = trialsOverride !== undefined || spent + spent / i <= loopAllowanceMs;
      if (!ok) {
        const msg = `stopped after ${i} of ${planned} trials: one more would exceed this benchmark's ${bench.budgetS} s budget`;
        log(msg);
        rec.note(msg);
      }
      return ok;
    },
    remainingS: () => bench.budgetS - (Date.now() - startedAt.getTime()) / 1000,
    fixture: (def) => fixtures.get(def, ctx),
    requirePeer(id, targets) {
      if (peerVersion(id) !== null) return true;
      const msg = `peer tool ${id} is not installed (${installHint(id)}): its comparison is NOT checked`;
      process.stderr.write(`\n!!! ${bench.id}: ${msg}\n\n`);
      rec.note(msg);
      for (const t of targets) rec.target({ target: t, measured: 'n/a', pass: null, note: `peer ${id} missing` });
      return false;
    },
  };
  if (scale !== 1) rec.param('scale', scale);
  log(`start: ${bench.title}`);
  let error: string | undefined;
  try {
    await bench.run(ctx);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    log(`FAILED: ${error}`);
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    unregister();
  }
  const durationS = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
  log(`end after ${durationS} s`);
  return {
    id: bench.id,
    title: bench.title,
    issue: bench.issue,
    status: error === undefined ? 'ok' : 'error',
    ...(error !== undefined ? { error } : {}),
    startedAt: startedAt.toISOString(),
    durationS,
    runId,
    params: rec.params,
    measurements: rec.measurements,
    targets: rec.targets,
    notes: rec.notes,
  };
}

async function loadResults(file: string): Promise<Results> {
  try {
    const r = JSON.parse(await readFile(file, 'utf8')) as Results;
    if (r.schema === 1) return r;
  } catch {
    // No previous results (first run, or a scaled run): start empty.
  }
  return { schema: 1, machines: {}, benchmarks: {} };
}

// A partial run replaces only the benchmarks it ran; machines no result refers to any more are dropped.
function mergeResults(prev: Results, fresh: readonly BenchResult[]): Results {
  const benchmarksById: Record<string, BenchResult> = {};
  for (const b of benchmarks) {
    const r = fresh.find((f) => f.id === b.id) ?? prev.benchmarks[b.id];
    if (r) benchmarksById[b.id] = r;
  }
  const machines: Results['machines'] = {};
  for (const r of Object.values(benchmarksById)) machines[r.runId] = r.runId === runId ? machine : prev.machines[r.runId]!;
  return { schema: 1, machines, benchmarks: benchmarksById };
}

function printSummary(rs: readonly BenchResult[]): void {
  const lines = ['', 'bench summary:'];
  for (const r of rs) {
    lines.push(`  ${r.id} (${r.durationS} s)${r.status === 'error' ? `: ERROR ${r.error}` : ''}`);
    for (const t of r.targets) {
      const verdict = t.pass === true ? 'met   ' : t.pass === false ? 'MISSED' : 'NOT CHECKED';
      lines.push(`    ${verdict} ${t.target}: ${t.measured}${t.note ? ` (${t.note})` : ''}`);
    }
  }
  process.stderr.write(lines.join('\n') + '\n');
}
