import { open } from 'node:fs/promises';
import { resolveInside } from '../core/dvc/safe-path.ts';
import type { Preview } from '../../shared/model.ts';
import { previewBytesFor, previewFromHead } from './preview-format.ts';

/** Reads at most `max` bytes from the start of a file: previews never load a whole dataset file. */
export async function readHead(file: string, max: number): Promise<{ buf: Buffer; size: number }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(size, max));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { buf: buf.subarray(0, bytesRead), size };
  } finally {
    await fh.close();
  }
}

/** A preview of a workspace file: the head of a CSV/TSV, a small image, or the start of a text file. */
export async function previewFile(root: string, relPath: string): Promise<Preview> {
  const abs = resolveInside(root, relPath, 'previewed file');
  let head: { buf: Buffer; size: number };
  try {
    head = await readHead(abs, previewBytesFor(relPath));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'none', reason: code === 'EISDIR' ? 'A folder: pick a file inside it.' : `${relPath} is not in the workspace.` };
  }
  return previewFromHead(relPath, head.buf, head.size);
}
