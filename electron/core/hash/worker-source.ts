/**
 * Source of the hashing worker, as plain JavaScript run with `new Worker(src, { eval: true })`. It is a string
 * (not a separate module file) so it runs identically under Node's type stripping, vitest and an app bundle,
 * none of which agree on how to locate a worker file. It uses only node builtins.
 *
 * The hashing rules here mirror `md5-file.ts` and `dos2unix.ts` (the main-thread versions); the tests check
 * the pool against both on the same inputs, including 1 MiB chunk-edge vectors.
 *
 * Protocol (one task at a time per worker):
 *   in:  { id, hashName: 'md5' | 'md5-dos2unix', files: string[] }
 *   out: { type: 'progress', id, bytes }               bytes hashed since the last progress message
 *        { type: 'done', id, results: [md5, size, v2?][] }   in input order; v2 only for md5-dos2unix
 *        { type: 'error', id, file, code, message }      first failing file; the rest of the task is dropped
 *
 * Reads are synchronous: inside a worker that blocks nobody, and for many small files it is about three times
 * faster than the async API (ENVIRONMENT.md). One 4 MiB buffer per worker is reused for every file, so even a
 * file that grew since it was listed is streamed rather than loaded whole.
 */
export const HASH_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');

const CHUNK = 1024 * 1024;
const BUF = Buffer.allocUnsafe(4 * CHUNK);
const CRLF = Buffer.from('\r\n');
const PROGRESS_EVERY = 16 * 1024 * 1024;
const TEXT = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) TEXT[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) TEXT[b] = 1;

function isTextBlock(buf) {
  const n = Math.min(buf.length, 512);
  if (n === 0) return true;
  let nontext = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    if (b === 0) return false;
    if (TEXT[b] === 0) nontext++;
  }
  return nontext / n <= 0.3;
}

function updateDos2Unix(hash, chunk) {
  let pos = 0;
  for (;;) {
    const idx = chunk.indexOf(CRLF, pos);
    if (idx < 0) break;
    hash.update(chunk.subarray(pos, idx));
    pos = idx + 1;
  }
  hash.update(chunk.subarray(pos));
}

let pendingBytes = 0;
function addBytes(id, n) {
  pendingBytes += n;
  if (pendingBytes >= PROGRESS_EVERY) {
    parentPort.postMessage({ type: 'progress', id, bytes: pendingBytes });
    pendingBytes = 0;
  }
}

// Fills BUF as far as possible so chunk edges stay at 1 MiB file offsets (needed by the dos2unix forms).
function readFull(fd) {
  let filled = 0;
  while (filled < BUF.length) {
    const n = fs.readSync(fd, BUF, filled, BUF.length - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}

function hashOne(id, file, dos2unix) {
  const fd = fs.openSync(file, 'r');
  try {
    const h3 = crypto.createHash('md5');
    const h2 = dos2unix ? crypto.createHash('md5') : null;
    let fileIsText;
    let size = 0;
    for (;;) {
      const filled = readFull(fd);
      if (filled === 0) break;
      if (!dos2unix) {
        h3.update(BUF.subarray(0, filled));
      } else {
        for (let off = 0; off < filled; off += CHUNK) {
          const chunk = BUF.subarray(off, Math.min(off + CHUNK, filled));
          const text = isTextBlock(chunk);
          if (fileIsText === undefined) fileIsText = text;
          if (text) updateDos2Unix(h3, chunk); else h3.update(chunk);
          if (fileIsText) updateDos2Unix(h2, chunk); else h2.update(chunk);
        }
      }
      size += filled;
      addBytes(id, filled);
      if (filled < BUF.length) break;
    }
    return h2 ? [h3.digest('hex'), size, h2.digest('hex')] : [h3.digest('hex'), size];
  } finally {
    fs.closeSync(fd);
  }
}

parentPort.on('message', (task) => {
  const results = [];
  const dos2unix = task.hashName === 'md5-dos2unix';
  for (const file of task.files) {
    try {
      results.push(hashOne(task.id, file, dos2unix));
    } catch (err) {
      pendingBytes = 0;
      parentPort.postMessage({ type: 'error', id: task.id, file, code: err && err.code, message: String(err && err.message) });
      return;
    }
  }
  if (pendingBytes > 0) parentPort.postMessage({ type: 'progress', id: task.id, bytes: pendingBytes });
  pendingBytes = 0;
  parentPort.postMessage({ type: 'done', id: task.id, results });
});
`;
