import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ObjectBatch } from '../cache/object-batch.ts';
import { writeFileAtomic } from '../dvc/atomic-write.ts';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import { lockStageToYaml, parseDvcYaml, parseLockfile } from '../dvc/lockfile.ts';
import type { LockStage, StageDecl } from '../dvc/lockfile.ts';
import type { Output } from '../dvc/output.ts';
import { getParam, loadParamsFile } from '../dvc/params.ts';
import { resolveInside, resolveOutputPath } from '../dvc/safe-path.ts';
import type { YamlValue } from '../dvc/yaml-emit.ts';
import { pyEqual, roundTripYaml } from '../dvc/yaml-roundtrip.ts';
import { fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { CommittedOutput } from './commit.ts';
import { hashForSave } from './hash-for-save.ts';
import { outputFromState, sameRecord } from './output-record.ts';
import { saveIfNeeded } from './save-output.ts';
import { hashWorkspaceOutput } from './workspace-state.ts';

/**
 * `commit --force` for pipeline outputs, as `dvc commit -f <stage>` does it: the whole stage is recorded
 * again from its `dvc.yaml` declaration and the workspace, i.e. `cmd`, every dependency's hash, the
 * declared params' current values and every output's hash (outs, metrics and plots; cached ones saved
 * into the cache first). The stage's entry in `dvc.lock` is replaced in a round trip that keeps the other
 * stages, the key order and the comments, so the file is what DVC would write.
 *
 * A stage that cannot be recorded (no `dvc.yaml` entry, an unresolved template, an external or missing
 * dependency, a missing params file or key, a missing output) is skipped with the reason, and nothing
 * of it is written.
 */
export async function commitLockStages(
  repo: Repo,
  lockFile: string,
  stages: readonly string[],
  ignore: IgnoreMatcher,
  run: RunOptions,
): Promise<{ results: CommittedOutput[]; written: boolean }> {
  const lockAbs = path.join(repo.root, ...lockFile.split('/'));
  const lockText = await readText(lockAbs);
  const lock = parseLockfile(lockText, lockFile);
  const dir = path.posix.dirname(lockFile) === '.' ? '' : path.posix.dirname(lockFile);
  const yamlFile = dir === '' ? 'dvc.yaml' : `${dir}/dvc.yaml`;
  const yamlAbs = path.join(repo.root, ...yamlFile.split('/'));
  const yamlText = await readFile(yamlAbs, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fromFsError(err, yamlAbs, 'read');
  });
  const pipeline = yamlText === undefined ? undefined : parseDvcYaml(yamlText, yamlFile);
  const results: CommittedOutput[] = [];
  const replaced = new Map<string, LockStage>();
  for (const name of stages) {
    throwIfAborted(run.signal);
    const old = lock.stages[name];
    const outsOf = old?.outs ?? [];
    const decl = pipeline?.stages[name];
    const problem = decl === undefined ? `stage '${name}' is not in ${yamlFile}` : decl.unresolved ? `stage '${name}' in ${yamlFile} uses a template Lockstep cannot expand` : decl.cmd === undefined ? `stage '${name}' in ${yamlFile} has no cmd` : undefined;
    if (problem !== undefined || decl === undefined) {
      for (const o of outsOf) results.push(skipped(lockFile, o.path, `${problem}; run \`dvc commit -f ${name}\``));
      continue;
    }
    const recorded = await recordStage(repo, lockFile, decl, old, ignore, run);
    if ('problem' in recorded) {
      for (const o of outsOf) results.push(skipped(lockFile, o.path, `${recorded.problem}; stage '${name}' was not recorded`));
      continue;
    }
    results.push(...recorded.results);
    if (old === undefined || !pyEqual(lockStageToYaml(old), lockStageToYaml(recorded.stage))) replaced.set(name, recorded.stage);
  }
  if (replaced.size === 0) return { results, written: false };
  const raw = lock.raw as Record<string, YamlValue>;
  const nextStages: Record<string, YamlValue> = { ...(raw.stages as Record<string, YamlValue> | undefined) };
  for (const [name, stage] of replaced) nextStages[name] = lockStageToYaml(stage);
  // Each recorded stage is assigned whole, as DVC's Lockfile.dump does: DVC's key order, its place kept.
  const replace = [...replaced.keys()].map((name) => ['stages', name]);
  await writeFileAtomic(lockAbs, roundTripYaml(lockText, lockFile, { ...raw, stages: nextStages }, { replace }));
  return { results, written: true };
}

type Recorded = { stage: LockStage; results: CommittedOutput[] } | { problem: string };

async function recordStage(repo: Repo, lockFile: string, decl: StageDecl, old: LockStage | undefined, ignore: IgnoreMatcher, run: RunOptions): Promise<Recorded> {
  // Paths in dvc.yaml and dvc.lock are relative to the stage's working directory (dvc.yaml's folder + wdir).
  const wdir = decl.wdir === undefined || decl.wdir === '.' ? undefined : decl.wdir;
  const locate = (written: string): { rel: string; abs: string } => {
    const rel = resolveOutputPath(lockFile, wdir, written);
    return { rel, abs: resolveInside(repo.root, rel, `${lockFile} (stage ${decl.name})`) };
  };
  const base = { index: repo.index, repoRoot: repo.root, ignore, hashName: 'md5' as const, signal: run.signal, onProgress: run.onProgress };

  const deps: Output[] = [];
  for (const dep of decl.deps) {
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(dep)) return { problem: `dependency ${dep} is outside the repository` };
    const state = await hashWorkspaceOutput(locate(dep).abs, base);
    if (state.kind === 'missing') return { problem: `dependency ${dep} is missing` };
    deps.push(lockEntry(dep, outputFromState(undefined, dep, state, 'md5')));
  }

  const params: Record<string, Record<string, unknown>> = {};
  for (const p of decl.params) {
    const { rel, abs } = locate(p.file);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch {
      return { problem: `params file ${rel} is missing` };
    }
    const doc = loadParamsFile(text, rel, { floats: 'tagged' });
    if (p.keys === null) {
      params[p.file] = (doc ?? {}) as Record<string, unknown>;
      continue;
    }
    const values: Record<string, unknown> = { ...params[p.file] };
    for (const key of p.keys) {
      const v = getParam(doc, key);
      if (v === undefined) return { problem: `parameter ${key} is not in ${rel}` };
      values[key] = v;
    }
    params[p.file] = values;
  }

  // Hash every output before saving any: a missing one leaves the whole stage unrecorded, with nothing saved.
  const batches: ObjectBatch[] = [];
  try {
    const hashed: { decl: StageDecl['outs'][number]; previous: Output | undefined; h: NonNullable<Awaited<ReturnType<typeof hashForSave>>>; batch?: ObjectBatch }[] = [];
    for (const o of [...decl.outs, ...decl.metrics, ...decl.plots]) {
      const previous = old?.outs.find((x) => x.path === o.path);
      const batch = o.cache ? new ObjectBatch(repo.odb) : undefined;
      if (batch) batches.push(batch);
      const h = await hashForSave(repo, locate(o.path).abs, previous, ignore, run, batch);
      if (h === null) return { problem: `output ${o.path} is missing from the workspace` };
      hashed.push({ decl: o, previous, h, batch });
    }
    const outs: Output[] = [];
    const results: CommittedOutput[] = [];
    for (const { decl: o, previous, h, batch } of hashed) {
      const saved = o.cache ? await saveIfNeeded(repo, h.state, h.hashName, run, batch) : { objectsAdded: 0, bytesAdded: 0 };
      const same = previous !== undefined && previous.hashName === h.hashName && sameRecord(previous, h.state);
      outs.push(lockEntry(o.path, outputFromState(previous, o.path, h.state, h.hashName)));
      results.push({
        path: locate(o.path).rel,
        source: lockFile,
        action: !same ? 'updated' : saved.objectsAdded > 0 ? 'saved' : 'unchanged',
        md5: h.state.oid,
        hashName: h.hashName,
        objectsAdded: saved.objectsAdded,
        bytesAdded: saved.bytesAdded,
      });
    }
    return { stage: { cmd: decl.cmd as string | string[], deps, params, outs }, results };
  } finally {
    // Published batches have nothing left to drop; the others lose their staged temp objects.
    for (const b of batches) await b.discard();
  }
}

/** A lock entry carries the hash and its meta only: flags such as cache/persist live in dvc.yaml. */
function lockEntry(p: string, o: Output): Output {
  return { path: p, md5: o.md5, hashName: o.hashName, cache: true, push: true, extra: {}, ...(o.size === undefined ? {} : { size: o.size }), ...(o.nfiles === undefined ? {} : { nfiles: o.nfiles }), ...(o.isexec ? { isexec: true } : {}) };
}

function skipped(lockFile: string, written: string, reason: string): CommittedOutput {
  return { path: resolveOutputPath(lockFile, undefined, written), source: lockFile, action: 'skipped', reason, objectsAdded: 0, bytesAdded: 0 };
}

async function readText(abs: string): Promise<string> {
  try {
    return await readFile(abs, 'utf8');
  } catch (err) {
    throw fromFsError(err, abs, 'read');
  }
}
