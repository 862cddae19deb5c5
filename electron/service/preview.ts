import { open } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside } from '../core/dvc/safe-path.ts';
import type { Preview } from '../../shared/model.ts';

const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };
const MAX_IMAGE = 4 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

/** Reads at most `max` bytes from the start of a file: previews never load a whole dataset file. */
async function readHead(file: string, max: number): Promise<{ buf: Buffer; size: number }> {
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
  const ext = path.extname(abs).toLowerCase();
  let head: { buf: Buffer; size: number };
  try {
    head = await readHead(abs, IMAGE_TYPES[ext] ? MAX_IMAGE : HEAD_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: 'none', reason: code === 'EISDIR' ? 'A folder: pick a file inside it.' : `${relPath} is not in the workspace.` };
  }
  if (IMAGE_TYPES[ext]) {
    if (head.size > MAX_IMAGE) return { kind: 'none', reason: 'Image too large to preview.' };
    return { kind: 'image', mime: IMAGE_TYPES[ext], dataUrl: `data:${IMAGE_TYPES[ext]};base64,${head.buf.toString('base64')}` };
  }
  if (head.buf.includes(0)) return { kind: 'none', reason: 'Binary file.' };
  const text = head.buf.toString('utf8');
  if (ext === '.csv' || ext === '.tsv') {
    const sep = ext === '.tsv' ? '\t' : ',';
    const lines = text.split(/\r?\n/).filter((l) => l !== '');
    if (head.size > head.buf.length) lines.pop(); // the last line may be cut off
    const [header = '', ...rows] = lines.slice(0, 21);
    return { kind: 'csv', header: header.split(sep), rows: rows.map((r) => r.split(sep)) };
  }
  return { kind: 'text', text: text.slice(0, 4000) };
}
