// Deterministic pseudo-random benchmark data. Content is the AES-128-CTR keystream of a key derived from
// a seed: incompressible (so no tool gains from compression or dedup), identical on every run and
// machine, and produced at several GB/s, so generating 2 GiB costs far less than measuring it.
import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

const CHUNK = 4 * 1024 * 1024;

/** A keystream generator for `seed`: each call returns the next `n` bytes of the stream. */
export function keystream(seed: string): (n: number) => Buffer {
  const key = createHash('md5').update(`lockstep-bench:${seed}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  let zeros = Buffer.alloc(0);
  return (n: number) => {
    if (zeros.length < n) zeros = Buffer.alloc(n);
    return cipher.update(zeros.subarray(0, n));
  };
}

/**
 * Writes `size` pseudo-random bytes to `file`, 4 MiB at a time (never the whole file in memory), and
 * fsyncs it so later measurements do not pay for this write-back.
 */
export async function writeRandomFile(file: string, size: number, seed: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const next = keystream(seed);
  const fh = await open(file, 'w');
  try {
    for (let done = 0; done < size; ) {
      const n = Math.min(CHUNK, size - done);
      const buf = next(n);
      await fh.write(buf, 0, n);
      done += n;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Shape of a generated folder of many small files. */
export interface SmallFilesSpec {
  readonly count: number;
  readonly size: number;
  readonly seed: string;
  /** Files per sub-folder (like sharded image datasets); default 1000. */
  readonly perDir?: number;
}

/**
 * Writes `count` distinct files of `size` bytes under `dir` as `dNNN/fNNNNNN.bin`, `perDir` per folder.
 * Returns the repo-style relative paths in creation order.
 */
export function writeSmallFiles(dir: string, spec: SmallFilesSpec): string[] {
  const perDir = spec.perDir ?? 1000;
  const next = keystream(spec.seed);
  const rels: string[] = [];
  let madeDir = -1;
  for (let i = 0; i < spec.count; i++) {
    const d = Math.floor(i / perDir);
    const sub = `d${String(d).padStart(3, '0')}`;
    if (d !== madeDir) {
      mkdirSync(path.join(dir, sub), { recursive: true });
      madeDir = d;
    }
    const rel = `${sub}/f${String(i).padStart(6, '0')}.bin`;
    writeFileSync(path.join(dir, rel), next(spec.size));
    rels.push(rel);
  }
  return rels;
}
