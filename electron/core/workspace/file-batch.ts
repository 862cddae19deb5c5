/**
 * The files a walk found, kept as a struct of arrays: one names array and one binary stats buffer per batch
 * of a directory's files. A walk of 100k files then allocates no object and no BigInt per file until a
 * caller asks for {@link WalkedFile} objects, and the listing digest copies each file's stats in one go.
 */

/** One regular file found by a walk. */
export interface WalkedFile {
  /** POSIX path relative to the walked directory. */
  readonly relpath: string;
  readonly absPath: string;
  readonly size: number;
  readonly inode: bigint;
  readonly mtimeNs: bigint;
}

/**
 * Bytes of stats per file: inode (u64), mtime in ns (i64), size (f64), in the machine's byte order, at
 * offsets 0, 8 and 16. The stat worker writes this layout; the listing digest hashes these 24 bytes as they are.
 */
export const STAT_BYTES = 24;

/**
 * Regular files of one directory, in walk order. A walk cuts a directory's files into batches the same way every
 * time (see `walk.ts`), so equal listings give equal batches and a digest may frame its records by batch.
 */
export interface FileBatch {
  /** Absolute path of the directory, ending with a separator. */
  readonly dir: string;
  /** POSIX path of the directory relative to the walked one: '' or ending with '/'. */
  readonly relPrefix: string;
  readonly names: readonly string[];
  /** {@link STAT_BYTES} per name. */
  readonly stats: ArrayBuffer;
}

/** Collects stat results for one directory on the calling thread, in the layout of {@link FileBatch}. */
export class FileBatchBuilder {
  private readonly dir: string;
  private readonly relPrefix: string;
  private readonly names: string[] = [];
  private u64 = new BigUint64Array(0);
  private i64 = new BigInt64Array(0);
  private f64 = new Float64Array(0);

  /** `dir` and `relPrefix` as in {@link FileBatch}; `capacity`: the number of files expected (it grows past it). */
  constructor(dir: string, relPrefix: string, capacity = 16) {
    this.dir = dir;
    this.relPrefix = relPrefix;
    this.grow(capacity);
  }

  get size(): number {
    return this.names.length;
  }

  /** Appends one file. */
  push(name: string, inode: bigint, mtimeNs: bigint, size: number): void {
    const i = this.names.length;
    if (3 * i >= this.u64.length) this.grow(Math.max(16, 2 * i));
    this.names.push(name);
    this.u64[3 * i] = inode;
    this.i64[3 * i + 1] = mtimeNs;
    this.f64[3 * i + 2] = size;
  }

  /** Appends file `i` of a stats buffer as it is. */
  pushFrom(name: string, stats: ArrayBuffer, i: number): void {
    const n = this.names.length;
    if (3 * n >= this.u64.length) this.grow(Math.max(16, 2 * n));
    this.names.push(name);
    new Uint8Array(this.u64.buffer).set(new Uint8Array(stats, i * STAT_BYTES, STAT_BYTES), n * STAT_BYTES);
  }

  /** The batch built so far. */
  build(): FileBatch {
    const used = this.names.length * STAT_BYTES;
    const stats = this.u64.buffer.byteLength === used ? this.u64.buffer : this.u64.buffer.slice(0, used);
    return { dir: this.dir, relPrefix: this.relPrefix, names: this.names, stats };
  }

  private grow(files: number): void {
    const next = new ArrayBuffer(files * STAT_BYTES);
    new Uint8Array(next).set(new Uint8Array(this.u64.buffer));
    this.u64 = new BigUint64Array(next);
    this.i64 = new BigInt64Array(next);
    this.f64 = new Float64Array(next);
  }
}

/** The files of `batches` as objects, in order. */
export function batchFiles(batches: readonly FileBatch[]): WalkedFile[] {
  const out: WalkedFile[] = [];
  for (const b of batches) {
    const u64 = new BigUint64Array(b.stats);
    const i64 = new BigInt64Array(b.stats);
    const f64 = new Float64Array(b.stats);
    b.names.forEach((name, i) => {
      out.push({ relpath: b.relPrefix + name, absPath: b.dir + name, size: f64[3 * i + 2] as number, inode: u64[3 * i] as bigint, mtimeNs: i64[3 * i + 1] as bigint });
    });
  }
  return out;
}
