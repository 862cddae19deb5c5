import { open } from 'node:fs/promises';

/** A physical line of a file with its byte position (the newline and a trailing CR excluded). */
export interface Line {
  readonly text: Buffer;
  readonly offset: number;
  readonly length: number;
}

/**
 * Streams a file's lines with their byte offsets, reading 1 MiB at a time: memory is bounded by the
 * chunk plus the longest line, whatever the file size. The last line needs no trailing newline.
 */
export async function* readLines(absPath: string, chunkSize = 1 << 20): AsyncGenerator<Line> {
  const fh = await open(absPath, 'r');
  try {
    let carry = Buffer.alloc(0);
    let carryAt = 0;
    let pos = 0;
    const buf = Buffer.allocUnsafe(chunkSize);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, pos);
      if (bytesRead === 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      const base = carry.length ? carryAt : pos;
      pos += bytesRead;
      let start = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, start);
        if (nl < 0) break;
        const end = nl > start && data[nl - 1] === 0x0d ? nl - 1 : nl;
        yield { text: Buffer.from(data.subarray(start, end)), offset: base + start, length: end - start };
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      carryAt = base + start;
    }
    if (carry.length > 0) {
      const end = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length;
      yield { text: carry.subarray(0, end), offset: carryAt, length: end };
    }
  } finally {
    await fh.close();
  }
}

/** Reads `length` bytes at `offset` (to fetch sample rows by position at the end of a diff). */
export async function readAt(absPath: string, offset: number, length: number): Promise<string> {
  const fh = await open(absPath, 'r');
  try {
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, offset);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
