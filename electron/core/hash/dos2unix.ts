import { createHash, type Hash } from 'node:crypto';
import { fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { openForHashing, type Md5FileOptions } from './md5-file.ts';

/** DVC reads in 1 MiB chunks, and the legacy conversion is applied per chunk, so chunk edges matter for the hash. */
export const DOS2UNIX_CHUNK = 1024 * 1024;
/** Only this many leading bytes of a block decide whether it is text (DVC's istextblock). */
export const TEXT_SNIFF_BYTES = 512;
/** Chunks are read four at a time; a multiple of DOS2UNIX_CHUNK so chunk edges stay at 1 MiB file offsets. */
const READ_SIZE = 4 * DOS2UNIX_CHUNK;
const CRLF = Buffer.from('\r\n');

// Bytes 0x20-0x7E plus \n \r \t \f \b count as text; everything else (including all bytes >= 0x80) does not.
const TEXT_CHARS = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) TEXT_CHARS[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) TEXT_CHARS[b] = 1;

/**
 * DVC's text heuristic on the first 512 bytes of `buf`: empty is text; any NUL is binary; otherwise text
 * when at most 30% of the bytes fall outside the printable ASCII set.
 */
export function isTextBlock(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, TEXT_SNIFF_BYTES);
  if (n === 0) return true;
  let nontext = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i] as number;
    if (b === 0) return false;
    if (TEXT_CHARS[b] === 0) nontext++;
  }
  return nontext / n <= 0.3;
}

/** Feeds `chunk` into `hash` with every CRLF inside the chunk turned into LF (a lone CR is kept). */
function updateDos2Unix(hash: Hash, chunk: Buffer): void {
  let pos = 0;
  for (;;) {
    const idx = chunk.indexOf(CRLF, pos);
    if (idx < 0) break;
    hash.update(chunk.subarray(pos, idx));
    pos = idx + 1; // skip the CR, keep the LF
  }
  hash.update(chunk.subarray(pos));
}

/**
 * Both forms of the legacy `md5-dos2unix` hash of a file (dvc-format.md §3.2), in one streamed pass:
 * - `v3`: DVC 3's form, where each 1 MiB chunk is tested on its own first 512 bytes and converted alone;
 * - `v2`: DVC 2's form, where the file's first 512 bytes decide once and every chunk is then converted.
 * In both, a CRLF straddling a 1 MiB boundary stays unconverted. They agree for files up to 1 MiB.
 */
export async function md5Dos2UnixFile(absPath: string, opts: Md5FileOptions = {}): Promise<{ v3: string; v2: string; size: number }> {
  const handle = await openForHashing(absPath, opts.signal);
  const v3 = createHash('md5');
  const v2 = createHash('md5');
  let fileIsText: boolean | undefined;
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(READ_SIZE);
    let eof = false;
    while (!eof) {
      throwIfAborted(opts.signal);
      // Fill the whole buffer (short reads are possible) so every chunk but the last is exactly 1 MiB.
      let filled = 0;
      while (filled < buf.length) {
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buf, filled, buf.length - filled, null));
        } catch (err) {
          throw fromFsError(err, absPath, 'read');
        }
        if (bytesRead === 0) {
          eof = true;
          break;
        }
        filled += bytesRead;
      }
      for (let off = 0; off < filled; off += DOS2UNIX_CHUNK) {
        const chunk = buf.subarray(off, Math.min(off + DOS2UNIX_CHUNK, filled));
        const chunkIsText = isTextBlock(chunk);
        fileIsText ??= chunkIsText;
        if (chunkIsText) updateDos2Unix(v3, chunk);
        else v3.update(chunk);
        if (fileIsText) updateDos2Unix(v2, chunk);
        else v2.update(chunk);
      }
      size += filled;
      if (filled > 0) opts.onBytes?.(filled);
    }
  } finally {
    await handle.close();
  }
  return { v3: v3.digest('hex'), v2: v2.digest('hex'), size };
}
