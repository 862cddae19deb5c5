import path from 'node:path';
import type { Preview } from '../../shared/model.ts';

/** Image types the preview shows inline, by extension. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };
/** Largest image sent to the UI whole; bigger ones are described, not shown. */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
/** Bytes read from the start of a CSV or text file: enough for a screenful of rows. */
export const HEAD_BYTES = 64 * 1024;
/** Data rows shown under a CSV header. */
export const MAX_ROWS = 20;

/** Whether `name` is shown as an inline image. */
export function isImageName(name: string): boolean {
  return IMAGE_TYPES[path.extname(name).toLowerCase()] !== undefined;
}

/** How many bytes a preview of `name` needs from the start of the file. */
export function previewBytesFor(name: string): number {
  return IMAGE_TYPES[path.extname(name).toLowerCase()] ? MAX_IMAGE_BYTES : HEAD_BYTES;
}

/**
 * Turns the first bytes of a file into a preview: an image (when the whole file fits), the header and
 * first rows of a CSV/TSV, or the start of a text file. `size` is the whole file's size, so a cut-off last
 * line is dropped rather than shown half.
 */
export function previewFromHead(name: string, head: Buffer, size: number): Preview {
  const ext = path.extname(name).toLowerCase();
  const mime = IMAGE_TYPES[ext];
  if (mime) {
    if (size > MAX_IMAGE_BYTES || head.length < size) return { kind: 'none', reason: `Image too large to preview (over ${MAX_IMAGE_BYTES / 1024 / 1024} MB).` };
    return { kind: 'image', mime, dataUrl: `data:${mime};base64,${head.toString('base64')}` };
  }
  if (head.includes(0)) return { kind: 'none', reason: 'Binary file: no preview.' };
  const text = head.toString('utf8');
  if (ext === '.csv' || ext === '.tsv') {
    const sep = ext === '.tsv' ? '\t' : ',';
    const lines = text.split(/\r?\n/);
    if (size > head.length) lines.pop(); // the last line may be cut off
    const [header = '', ...rows] = lines.filter((l) => l !== '').slice(0, MAX_ROWS + 1);
    return { kind: 'csv', header: header.split(sep), rows: rows.map((r) => r.split(sep)) };
  }
  return { kind: 'text', text: text.slice(0, 4000) };
}
